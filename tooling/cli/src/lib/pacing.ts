/**
 * Open-loop pacing: requests are scheduled by the clock (request i is due at i / qps seconds),
 * never by waiting for answers, so a slow server cannot slow the offered load down — the
 * "coordinated omission" a closed loop would hide.
 * @module
 */

/** A schedule of `total` requests at `qps`. */
export interface Pacer {
	/** Requests due by `elapsedMs` since the start (capped at total). */
	dueBy(elapsedMs: number): number;
	/** When request `i` (0-based) is due, in ms since the start. */
	dueAt(i: number): number;
	/** Total requests of the run. */
	readonly total: number;
}

/**
 * Builds an evenly spaced schedule.
 * @param qps - offered requests per second
 * @param durationMs - length of the run
 * @param maxRequests - hard cap on the count
 * @returns the schedule
 * @example createPacer(200, 3000, 1e6).total // 600
 */
export function createPacer(qps: number, durationMs: number, maxRequests: number): Pacer {
	const total = Math.min(maxRequests, Math.floor((qps * durationMs) / 1000));
	return {
		total,
		dueBy: (elapsedMs) => Math.min(total, Math.floor((elapsedMs * qps) / 1000) + 1),
		dueAt: (i) => (i * 1000) / qps,
	};
}
