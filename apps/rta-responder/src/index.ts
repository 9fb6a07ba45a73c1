/**
 * `@txad/rta-responder`: answers Tencent RTA requests (docs/rta/wire-protocol.md,
 * docs/rta/http-behaviour.md) from audience records and a strategy config in Workers KV, with an
 * admin API to manage both.
 * @module
 */

import { env } from "cloudflare:workers";
import { describeError, log } from "@txad/worker-kit";
import { handleRta } from "./handlers/rta.ts";
import { noteRequest } from "./metrics.ts";
import { router } from "./router.ts";
import { getSettings } from "./settings.ts";

// At isolate start-up: parse settings once, which logs the "RTA_SIGN_HEADERS unset" warning now
// rather than on the first request. A broken setting is reported per request (500 / healthz 503).
try {
	getSettings(env);
} catch (e) {
	log("error", "settings_invalid", { error: describeError(e) });
}

export default {
	fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
		noteRequest(Date.now());
		// The RTA hot path skips the router (its stages cost more than deciding, measured on
		// workerd's own socket: bench/e2e.ts); every other route goes through it.
		if (request.method === "POST" && isRtaPath(request.url)) return handleRta(request, env, ctx);
		return router.fetch(request, env, ctx);
	},
} satisfies ExportedHandler<Env>;

// Whether the URL's path is exactly /rta (no query), without parsing the whole URL.
function isRtaPath(url: string): boolean {
	const path = url.indexOf("/", url.indexOf("//") + 2);
	return path !== -1 && url.length - path === 4 && url.endsWith("/rta");
}
