/**
 * `GET /healthz`: liveness, the settings' validity (naming the bad variable), what is configured
 * (counts only, never a secret) and this isolate's counters per placement.
 * @module
 */
import { isGatewayError } from "../errors.ts";
import { metrics } from "../metrics.ts";
import { getSettings } from "../settings.ts";

/**
 * Handles `GET /healthz`.
 * @param _request - unused
 * @param env - Worker env
 * @returns 200 JSON when the settings are valid, 503 naming the bad variable otherwise
 */
export function handleHealthz(_request: Request, env: Env): Response {
	try {
		const s = getSettings(env);
		return Response.json({
			ok: true,
			endpoint: s.endpoint,
			timeout_ms: s.timeoutMs,
			placements: s.placements.size,
			app_keys: s.appKeys.size,
			price_key: s.pricePublicKey === undefined ? "off" : s.pricePadding,
			isolate: metrics,
		});
	} catch (e) {
		if (!isGatewayError(e)) throw e;
		return Response.json({ ok: false, field: e.field ?? null, message: e.message }, { status: 503 });
	}
}
