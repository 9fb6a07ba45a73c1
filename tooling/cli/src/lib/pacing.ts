/**
 * Open-loop pacing: requests are scheduled by the clock, never by waiting for answers, so a slow
 * server cannot slow the offered load down — the "coordinated omission" a closed loop would hide.
 * An optional warm-up ramps the rate linearly from 0 to the target first (a cold isolate, cold
 * caches and fresh connections would otherwise fail the first fraction of a second of a full-rate
 * start; Tencent also raises the QPS step by step during its stress test,
 * docs/rta/admission.md step 7).
 * @module
 */

/** A schedule: `warmup` ramp requests, then `total - warmup` at the full rate. */
export interface Pacer {
	/** Requests due by `elapsedMs` since the start (capped at total). */
	dueBy(elapsedMs: number): number;
	/** When request `i` (0-based) is due, in ms since the start. */
	dueAt(i: number): number;
	/** Requests due in `[fromMs, toMs)` (what the schedule offered in that interval). */
	plannedIn(fromMs: number, toMs: number): number;
	/** Requests of the whole run, warm-up included. */
	readonly total: number;
	/** Leading requests that belong to the warm-up ramp. */
	readonly warmup: number;
}

/**
 * Builds the schedule.
 * @param qps - target requests per second
 * @param durationMs - length of the measured (full-rate) part
 * @param maxRequests - hard cap on measured requests
 * @param warmupMs - length of the linear ramp before it (0 = none)
 * @returns the schedule
 * @example createPacer(200, 3000, 1e6).total // 600
 */
export function createPacer(qps: number, durationMs: number, maxRequests: number, warmupMs = 0): Pacer {
	const rampS = warmupMs / 1000;
	// Requests sent during a linear ramp from 0 to qps over rampS: the area under the rate, qps·R/2.
	const warmup = Math.floor((qps * rampS) / 2);
	const total = warmup + Math.min(maxRequests, Math.floor((qps * durationMs) / 1000));
	const sentBy = (tS: number) =>
		tS <= rampS ? (rampS === 0 ? 0 : (qps * tS * tS) / (2 * rampS)) : (qps * rampS) / 2 + qps * (tS - rampS);
	const dueBy = (elapsedMs: number) =>
		elapsedMs < 0 ? 0 : Math.min(total, Math.floor(sentBy(elapsedMs / 1000) + 1e-9) + 1);
	// Due strictly before `ms`: request i is due at dueAt(i), so step just below the bound.
	const dueBefore = (ms: number) => dueBy(ms - 1e-6);
	return {
		total,
		warmup,
		dueBy,
		plannedIn: (fromMs, toMs) => Math.max(0, dueBefore(toMs) - dueBefore(fromMs)),
		dueAt: (i) => {
			if (i < (qps * rampS) / 2) return Math.sqrt((2 * rampS * i) / qps) * 1000;
			return (rampS + (i - (qps * rampS) / 2) / qps) * 1000;
		},
	};
}
