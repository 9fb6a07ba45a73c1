/**
 * `GET /admin/ui/*`: the operator console, static files from `public/admin/ui` (the `ASSETS`
 * binding) with headers that keep the page talking to this Worker only: a Content-Security-Policy
 * of `'self'` for scripts, styles, images and fetches, no framing, no referrer. The page holds no
 * data; every view calls the admin API with the Bearer token typed at login.
 * @module
 */
import type { IRequest } from "itty-router";

/** The page may load and fetch from this origin only (no CDN, no analytics, no fonts). */
export const CONSOLE_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Handles `GET /admin/ui` (redirected to `/admin/ui/`) and the files below it.
 * @param request - the request
 * @param env - Worker env
 * @returns the file with the console's security headers, or the asset server's 404
 */
export async function handleConsole(request: IRequest, env: Env): Promise<Response> {
	const url = new URL(request.url);
	if (url.pathname === "/admin/ui") return Response.redirect(`${url.origin}/admin/ui/`, 308);
	const file = await env.ASSETS.fetch(new Request(url, { method: request.method, headers: request.headers }));
	const response = new Response(file.body, file);
	response.headers.set("content-security-policy", CONSOLE_CSP);
	response.headers.set("x-content-type-options", "nosniff");
	response.headers.set("referrer-policy", "no-referrer");
	response.headers.set("x-frame-options", "DENY");
	return response;
}
