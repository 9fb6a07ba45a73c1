/**
 * `GET /admin/ui/*`: the operator console — one page, one script, one stylesheet from console/,
 * embedded in the Worker at build time (src/gen/console-files.ts, `npm run generate`) — with
 * headers that keep the page talking to this Worker only: a Content-Security-Policy of `'self'`
 * for scripts, styles, images and fetches, no framing, no referrer. The page holds no data;
 * every view calls the admin API with the Bearer token typed at login.
 * @module
 */
import type { IRequest } from "itty-router";
import { ResponderError } from "../errors.ts";
import { CONSOLE_FILES } from "../gen/console-files.ts";

/** The page may load and fetch from this origin only (no CDN, no analytics, no fonts). */
export const CONSOLE_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Handles `GET /admin/ui` (redirected to `/admin/ui/`) and the files below it.
 * @param request - the request
 * @returns the file with the console's security headers (304 when the browser has it), or 404
 */
export function handleConsole(request: IRequest): Response {
	const url = new URL(request.url);
	if (url.pathname === "/admin/ui") return Response.redirect(`${url.origin}/admin/ui/`, 308);
	const name = url.pathname.slice("/admin/ui/".length) || "index.html";
	const file = CONSOLE_FILES[name];
	if (file === undefined) throw new ResponderError(404, "NOT_FOUND", `no console file ${name}`);
	const headers = {
		"content-type": file.type,
		etag: file.etag,
		// Revalidate every time: a deploy must never leave an old script next to a new page.
		"cache-control": "no-cache",
		"content-security-policy": CONSOLE_CSP,
		"x-content-type-options": "nosniff",
		"referrer-policy": "no-referrer",
		"x-frame-options": "DENY",
	};
	if (request.headers.get("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
	return new Response(file.body, { headers });
}
