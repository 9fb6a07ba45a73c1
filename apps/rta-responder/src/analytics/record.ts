/**
 * Where one `/rta` decision's metrics go: one Analytics Engine data point (layout in
 * @txad/rta-metrics; docs/cloudflare/analytics-engine.md) when the `RTA_ANALYTICS` dataset is
 * bound, for `ANALYTICS_SAMPLE_RATE` of the decisions, and always this isolate's own per-minute
 * counters, which `GET /admin/metrics` serves in the same shape `txad rta stats` reads from the
 * dataset — so the console works under `wrangler dev`, whose binding is a no-op stand-in, and on
 * the China Network, which has no Analytics Engine (docs/cloudflare/platform-facts.md "China
 * Network").
 * @module
 */
import {
	type DataPointSink,
	type DecisionRecord,
	type FallbackReason,
	IsolateStats,
	type Stage,
	writeDecision,
} from "@txad/rta-metrics";
import type { TierNote } from "../audience/reader.ts";
import type { Outcome } from "../decide/outcome.ts";

/** This isolate's decisions of the last hour. */
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

/** What the decision path notes about itself while deciding (src/answer.ts). */
export interface DecisionNote extends TierNote {
	/** Set when the answer is the FALLBACK: the deadline passed, or storage failed. */
	fallback: FallbackReason;
	/** Ids looked up. */
	ids: number;
}

/**
 * A fresh note: nothing looked up, no fallback.
 * @returns the note to pass down the decision path
 */
export function newDecisionNote(): DecisionNote {
	return { tier: "none", fallback: "", ids: 0 };
}

/**
 * The record of one decision.
 * @param outcome - what is answered
 * @param note - what the decision path noted
 * @param request - stage, is_test and the number of ads of an ad-list request
 * @param configVersion - the config decided with ("" = none loaded)
 * @param processingMs - from the request's arrival to the outcome
 * @returns the record (@txad/rta-metrics)
 */
export function decisionRecord(
	outcome: Outcome,
	note: DecisionNote,
	request: { stage: Stage; isTest: boolean; ads: number },
	configVersion: string,
	processingMs: number,
): DecisionRecord {
	return {
		code: outcome.code,
		codeName: outcome.reason,
		stage: request.stage,
		strategies: outcome.selected.map((s) => s.id),
		fallback: note.fallback,
		tier: note.tier,
		processingMs,
		isTest: request.isTest,
		ids: note.ids,
		ads: request.ads,
		configVersion,
	};
}

/**
 * Records one decision: a data point when a dataset is bound (for `sampleRate` of the
 * decisions), and always the isolate's counters. Never throws and never waits:
 * `writeDataPoint` returns at once.
 * @param dataset - the RTA_ANALYTICS binding (undefined where none is configured)
 * @param sampleRate - ANALYTICS_SAMPLE_RATE
 * @param record - the decision
 * @param nowMs - epoch ms of the answer
 */
export function recordDecision(
	dataset: DataPointSink | undefined,
	sampleRate: number,
	record: DecisionRecord,
	nowMs: number,
): void {
	analyticsCounters[writeDecision(dataset, record, sampleRate)]++;
	isolateStats.record(record, nowMs);
}
