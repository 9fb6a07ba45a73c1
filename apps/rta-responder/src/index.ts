/**
 * `@txad/rta-responder`: answers Tencent RTA requests (docs/rta/wire-protocol.md,
 * docs/rta/http-behaviour.md) from audience records and a strategy config in Workers KV, with an
 * admin API to manage both.
 * @module
 */
import { env } from "cloudflare:workers";
import { router } from "./router.ts";
import { getSettings } from "./settings.ts";

// At isolate start-up: parse settings once, which logs the "RTA_SIGN_HEADERS unset" warning now
// rather than on the first request. A broken setting is reported per request (500 / healthz 503).
try {
	getSettings(env);
} catch (e) {
	console.error(
		JSON.stringify({ event: "settings_invalid", error: e instanceof Error ? e.message : String(e) }),
	);
}

export default {
	fetch: router.fetch,
} satisfies ExportedHandler<Env>;
