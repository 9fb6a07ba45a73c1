/**
 * `GET /healthz`: liveness plus this isolate's view: settings validity, loaded config version and
 * counters (metrics.ts). No secret values are shown.
 * @module
 */
import { peekConfig } from "../config/store.ts";
import { isResponderError } from "../errors.ts";
import { metrics } from "../metrics.ts";
import { getSettings } from "../settings.ts";

/**
 * Handles `GET /healthz`.
 * @param _request - unused
 * @param env - Worker env
 * @returns 200 JSON when settings are valid, 503 naming the bad variable otherwise
 */
export function handleHealthz(_request: Request, env: Env): Response {
	try {
		const s = getSettings(env);
		const config = peekConfig();
		return Response.json({
			ok: true,
			mode: s.mode.kind,
			platform_cache_time: s.platformCacheTime,
			deadline_ms: s.deadlineMs,
			fallback: s.fallback.kind === "refuse" ? "refuse" : s.fallback.id,
			sign_headers: s.sign.current === null ? "off" : "on",
			admin_api: s.adminToken === undefined ? "off" : "on",
			config_version: config === undefined ? "not loaded" : config === null ? null : config.version,
			isolate: metrics,
		});
	} catch (e) {
		const field = isResponderError(e) ? e.field : undefined;
		const message = isResponderError(e) ? e.message : "invalid settings";
		return Response.json({ ok: false, field: field ?? null, message }, { status: 503 });
	}
}
