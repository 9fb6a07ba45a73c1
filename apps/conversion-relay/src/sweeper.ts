/**
 * The cron sweep (every minute):
 * - re-enqueues conversions that should be in the queue but may not be (an enqueue that failed
 *   after the ledger write, a message lost with a killed local queue, a lease whose consumer died);
 *   a spare message is harmless, the consumer's claim makes it a no-op;
 * - ends the hold of conversions whose late-click window closed (`unattributed`);
 * - deletes clicks too old to be attributed to any conversion the relay still accepts;
 * - refreshes OAuth tokens that expire within `TOKEN_REFRESH_MARGIN_SECONDS`, so deliveries
 *   rarely wait for a refresh.
 * @module
 */

import { describeError, log } from "@txad/worker-kit";
import { expireWaiting, listStalled, markEnqueued, purgeClicks } from "./ledger.ts";
import { enqueueConversions } from "./queue.ts";
import { trySettings } from "./settings.ts";
import { getAccessToken } from "./tokens/access.ts";
import { listExpiring } from "./tokens/store.ts";

/** Most conversions one sweep re-enqueues. */
export const SWEEP_LIMIT = 500;
/** Most held conversions one sweep ends. */
const EXPIRE_LIMIT = 1000;
/** Most clicks one sweep deletes. */
const PURGE_LIMIT = 5000;
/** The grace used while the settings are broken (the SWEEP_GRACE_SECONDS default). */
const FALLBACK_GRACE_MS = 10_000;

/** What one sweep did. */
export interface SweepReport {
	requeued: string[];
	unattributed: number;
	clicksPurged: number;
	tokensChecked: string[];
}

/**
 * Runs the sweep.
 * @param env - the Worker's env
 * @param now - milliseconds
 * @returns what it did
 */
export async function sweep(env: Env, now = Date.now()): Promise<SweepReport> {
	const db = env.LEDGER;
	const loaded = trySettings(env);
	const graceMs = loaded.ok ? loaded.settings.sweepGraceMs : FALLBACK_GRACE_MS;
	const report: SweepReport = { requeued: [], unattributed: 0, clicksPurged: 0, tokensChecked: [] };
	// Re-enqueue even with broken settings: the consumer then holds the conversions back itself.
	const ids = await listStalled(db, now, graceMs, SWEEP_LIMIT);
	if (ids.length > 0) {
		await enqueueConversions(env.CONVERSIONS, ids);
		await markEnqueued(db, ids, now);
		report.requeued = ids;
	}
	if (!loaded.ok) return report;
	const settings = loaded.settings;
	report.unattributed = await expireWaiting(db, now, EXPIRE_LIMIT);
	// A click can attribute a conversion up to one window after it, and the relay accepts
	// conversions up to one window old: older clicks can match nothing.
	const oldestUseful = Math.floor(now / 1000) - 2 * settings.attributionWindowSeconds;
	report.clicksPurged = await purgeClicks(db, oldestUseful, PURGE_LIMIT);
	for (const { account_id } of await listExpiring(db, now + settings.tokenRefreshMarginMs)) {
		if (settings.tokens.get(account_id)?.kind !== "oauth") continue;
		try {
			await getAccessToken(db, settings, account_id, now);
			report.tokensChecked.push(account_id);
		} catch (e) {
			log("warn", "token_refresh_in_sweep_failed", { account_id, error: describeError(e) });
		}
	}
	if (ids.length > 0 || report.unattributed > 0 || report.clicksPurged > 0) {
		log("info", "sweep", {
			requeued: ids.length,
			unattributed: report.unattributed,
			clicks_purged: report.clicksPurged,
		});
	}
	return report;
}
