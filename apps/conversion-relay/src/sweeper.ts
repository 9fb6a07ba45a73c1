/**
 * The cron sweep: re-enqueues conversions that should be in the queue but may not be (an enqueue
 * that failed after the ledger write, a retry long overdue, a lease whose consumer died). A
 * spare message is harmless: the consumer's claim makes it a no-op.
 * @module
 */
import { listStalled, markEnqueued } from "./ledger.ts";
import { enqueueConversions } from "./queue.ts";

/** A pending conversion this overdue is assumed to have no message. */
export const STALL_GRACE_MS = 10 * 60 * 1000;
/** Most conversions one sweep re-enqueues. */
export const SWEEP_LIMIT = 500;

/**
 * Re-enqueues stalled conversions.
 * @param env - the Worker's bindings
 * @param now - milliseconds
 * @returns the ids re-enqueued
 */
export async function sweepStalled(env: Env, now = Date.now()): Promise<string[]> {
	const ids = await listStalled(env, now, STALL_GRACE_MS, SWEEP_LIMIT);
	if (ids.length === 0) return ids;
	await enqueueConversions(env, ids);
	await markEnqueued(env, ids, now);
	return ids;
}
