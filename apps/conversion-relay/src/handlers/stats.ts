/**
 * GET /stats: ledger counts, token state and rate-limit state for monitoring. Never a token value.
 * @module
 */
import type { IRequest } from "itty-router";
import { requireBearer } from "../auth.ts";
import { readStats } from "../ledger.ts";
import { listRateStates } from "../rate-limit.ts";
import { listTokenStatus } from "../tokens/store.ts";

const iso = (ms: number | null) => (ms === null || ms === 0 ? null : new Date(ms).toISOString());

/**
 * Counts clicks, conversions by status and format (with `unattributed` and `waiting_click`),
 * attempts by outcome, upstream calls, failures by code, waiting conversions by reason, the
 * OAuth pairs' expiry and each account's limiter.
 * @param request - the request
 * @param env - the Worker's env
 * @returns 200 with the counts
 */
export async function handleStats(request: IRequest, env: Env): Promise<Response> {
	requireBearer(request, env);
	const now = Date.now();
	const [ledger, tokens, rates] = await Promise.all([
		readStats(env.LEDGER),
		listTokenStatus(env.LEDGER),
		listRateStates(env.LEDGER),
	]);
	return Response.json({
		...ledger,
		oauth_tokens: tokens.map((t) => ({
			account_id: t.account_id,
			generation: t.generation,
			access_expires_at: iso(t.access_expires_at),
			refresh_expires_at: iso(t.refresh_expires_at),
			refreshing: (t.refresh_lease_until ?? 0) > now,
			last_refresh_error: t.last_refresh_error,
		})),
		rate_limits: rates.map((r) => ({
			account_id: r.account_id,
			minute: iso(r.window_start),
			calls: r.calls,
			blocked_until: r.blocked_until > now ? iso(r.blocked_until) : null,
			block_reason: r.blocked_until > now ? r.block_reason : null,
		})),
	});
}
