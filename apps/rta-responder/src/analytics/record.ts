/**
 * Where one `/rta` answer's metrics go: one Analytics Engine data point (layout in
 * @txad/rta-metrics; docs/cloudflare/analytics-engine.md) when the `RTA_ANALYTICS` dataset is
 * bound, and always this isolate's own per-minute counters, which `GET /admin/metrics` serves in
 * the same shape `txad rta stats` reads from the dataset — so the console works under
 * `wrangler dev`, whose binding is a no-op stand-in, and on the China Network, which has no
 * Analytics Engine (docs/cloudflare/platform-facts.md "China Network").
 * @module
 */
import { type DataPointSink, type DecisionRecord, IsolateStats, writeDecision } from "@txad/rta-metrics";

/** This isolate's answers of the last hour. */
export const isolateStats = new IsolateStats(60);

/** What happened to the data points this isolate wrote. */
export const analyticsCounters = {
	/** Handed to the binding. */
	written: 0,
	/** Not in the write sample (ANALYTICS_SAMPLE_RATE). */
	skipped: 0,
	/** No dataset bound: only the isolate counters have it. */
	unbound: 0,
	/** The binding threw (the answer was not affected). */
	failed: 0,
};

/**
 * Records one answer: a data point when a dataset is bound, and the isolate's counters.
 * Never throws and never waits: `writeDataPoint` returns at once.
 * @param dataset - the RTA_ANALYTICS binding (undefined where none is configured)
 * @param record - the answer
 * @param nowMs - epoch ms of the answer
 */
export function recordDecision(
	dataset: DataPointSink | undefined,
	record: DecisionRecord,
	nowMs: number,
): void {
	analyticsCounters[writeDecision(dataset, record)]++;
	isolateStats.record(record, nowMs);
}
