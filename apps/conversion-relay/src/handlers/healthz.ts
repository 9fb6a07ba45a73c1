/**
 * `GET /healthz`: liveness plus whether the settings parse; a bad variable is named. No secret
 * values are shown, only which formats and accounts are configured.
 * @module
 */
import { trySettings } from "../settings.ts";

/**
 * Handles `GET /healthz`.
 * @param _request - unused
 * @param env - the Worker's env
 * @returns 200 JSON when the settings are valid, 503 `{ok: false, field, message}` otherwise
 */
export function handleHealthz(_request: Request, env: Env): Response {
	const loaded = trySettings(env);
	if (!loaded.ok) {
		return Response.json(
			{ ok: false, field: loaded.error.field ?? null, message: loaded.error.message },
			{ status: 503 },
		);
	}
	const s = loaded.settings;
	const tokenKinds: Record<string, string> = {};
	for (const [account, token] of s.tokens) tokenKinds[account] = token.kind;
	return Response.json({
		ok: true,
		sign_keys: s.signKeys.size,
		tokens: tokenKinds,
		accounts_with_action_sets: [...s.accounts].filter(([, a]) => a.userActionSets.size > 0).map(([id]) => id),
		report_unattributed: s.reportUnattributed,
		late_click_window_seconds: s.lateClickWindowSeconds,
		attribution_window_seconds: s.attributionWindowSeconds,
		max_actions_per_call: s.maxActionsPerCall,
		click_ip_allowlist: s.clickAllowlist.length > 0 ? "on" : "off",
	});
}
