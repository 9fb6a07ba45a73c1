/**
 * The layout of the one Workers Analytics Engine data point the responder writes per `/rta`
 * answer, and the pure function that builds it. The SQL the CLI runs (queries.ts) reads the same
 * positions, so this file is the one place that says which blob or double holds what
 * (docs/cloudflare/analytics-engine.md "The data point").
 *
 * A data point has one index (the sampling key), blobs (strings) and doubles (numbers), all
 * positional (docs/cloudflare/platform-facts.md "Analytics Engine").
 * @module
 */

/** What the request asked for: first-stage targeting, or a second-stage ad list (ADLIST_REQUEST). */
export type Stage = "first" | "adlist";

/** Why the answer is the configured FALLBACK instead of a decision ("" = it is a decision). */
export type FallbackReason = "" | "deadline" | "storage_error";

/**
 * The slowest storage tier the answer waited for: every shard in isolate memory, at least one
 * from the data center's Cache API, at least one from KV; `none` when nothing was looked up
 * (no device, no usable id, not configured).
 */
export type StorageTier = "memory" | "cache_api" | "kv" | "none";

/** Every stage, tier and fallback reason, in the order reports list them. */
export const STAGES: readonly Stage[] = ["first", "adlist"];
/** @see StorageTier */
export const STORAGE_TIERS: readonly StorageTier[] = ["memory", "cache_api", "kv", "none"];
/** @see FallbackReason (without the empty "no fallback") */
export const FALLBACK_REASONS: readonly Exclude<FallbackReason, "">[] = ["deadline", "storage_error"];

/**
 * Upper bounds (exclusive, ms) of the processing-time buckets. Tencent's budget is 60 ms end to
 * end, 80 ms for ad lists (docs/rta/http-behaviour.md "Budget"); most of it is network, so the
 * buckets are fine below 10 ms.
 */
export const TIME_BUCKET_BOUNDS_MS: readonly number[] = [1, 2, 5, 10, 20, 30, 50, 80];

/**
 * One `/rta` decision, as the responder knows it when it answers. Pings and undecodable bodies
 * are answered before any decision and are not recorded (the responder's `/healthz` counts them).
 */
export interface DecisionRecord {
	/** `RtaResponse.code`. */
	code: number;
	/** Its name in the responder's code table (TAKE, NO_STRATEGY, …). */
	codeName: string;
	stage: Stage;
	/** The `out_target_id`s answered, in answer order (empty on refusals). */
	strategies: readonly string[];
	fallback: FallbackReason;
	tier: StorageTier;
	/** Processing time, ms (what `processing_time_ms` carries). */
	processingMs: number;
	/** `RtaRequest.is_test`: Tencent's debug tool; kept apart from live traffic in every query. */
	isTest: boolean;
	/** Ids looked up (after the 16-id bound). */
	ids: number;
	/** `ad_infos` entries of an ad-list request (0 for first stage). */
	ads: number;
	/** Version of the strategy config decided with ("" = none loaded). */
	configVersion: string;
}

/** The structure `AnalyticsEngineDataset.writeDataPoint` takes. */
export interface DataPoint {
	indexes: string[];
	blobs: string[];
	doubles: number[];
}

/**
 * Column of each field in the dataset (`blob1` … / `double1` …), for SQL. Changing a position
 * breaks every stored row's meaning: add new fields at the end.
 */
export const COLUMNS = {
	/** The index is the code name: Analytics Engine samples per index value, so a rare refusal
	 * (DEADLINE, INTERNAL) keeps its own sample instead of drowning in takes. */
	index: "index1",
	codeName: "blob1",
	stage: "blob2",
	/** Comma-joined out_target_ids. */
	strategies: "blob3",
	fallback: "blob4",
	tier: "blob5",
	/** Label of the processing-time bucket, e.g. "2-5" (ms). */
	timeBucket: "blob6",
	configVersion: "blob7",
	code: "double1",
	processingMs: "double2",
	/** 1 for is_test, 0 for live traffic. */
	isTest: "double3",
	ids: "double4",
	ads: "double5",
	/** How many decisions the point stands for: 1 / the write sample rate (see {@link writeDecision}). */
	weight: "double6",
} as const;

/** Blobs are cut to this many UTF-16 units (a few hundred strategy ids would exceed the point's size limit). */
const MAX_BLOB_CHARS = 1024;

/**
 * The label of the bucket a processing time falls into.
 * @param ms - processing time
 * @returns e.g. "0-1", "2-5", "80+"
 * @example timeBucket(3) // "2-5"
 */
export function timeBucket(ms: number): string {
	let lower = 0;
	for (const upper of TIME_BUCKET_BOUNDS_MS) {
		if (ms < upper) return `${lower}-${upper}`;
		lower = upper;
	}
	return `${lower}+`;
}

/**
 * Builds the data point for one answer.
 * @param record - the answer
 * @param weight - how many decisions it stands for (1 / the write sample rate)
 * @returns what to pass to `writeDataPoint`
 * @example dataset.writeDataPoint(toDataPoint(record))
 */
export function toDataPoint(record: DecisionRecord, weight = 1): DataPoint {
	const ms = Number.isFinite(record.processingMs) && record.processingMs > 0 ? record.processingMs : 0;
	return {
		indexes: [record.codeName],
		blobs: [
			record.codeName,
			record.stage,
			record.strategies.join(",").slice(0, MAX_BLOB_CHARS),
			record.fallback,
			record.tier,
			timeBucket(ms),
			record.configVersion,
		],
		doubles: [record.code, ms, record.isTest ? 1 : 0, record.ids, record.ads, weight],
	};
}

/** The part of the Analytics Engine binding this package uses. */
export interface DataPointSink {
	writeDataPoint(point: DataPoint): void;
}

/**
 * Writes one answer's data point when a dataset is bound, for a `sampleRate` share of the
 * answers. Every data point written is billed (docs/cloudflare/analytics-engine.md "Cost": at
 * 250k decisions/s, one point each is ~648 billion a month), so a high-traffic deployment writes a
 * sample; each point then carries the weight 1 / `sampleRate` in `double6`, which the queries
 * multiply into every count. Never throws: metrics must not turn an answer into an error (the
 * binding is absent on the China Network and a no-op stand-in under `wrangler dev`).
 * @param sink - the binding, or undefined when none is configured
 * @param record - the answer
 * @param sampleRate - share of answers written, (0, 1]; 1 = every one
 * @param random - a uniform [0, 1) source (tests pass their own)
 * @returns `written`, `skipped` (not in the sample), `unbound` (no dataset configured) or
 *   `failed` (the binding threw; the caller counts it)
 */
export function writeDecision(
	sink: DataPointSink | undefined,
	record: DecisionRecord,
	sampleRate = 1,
	random: () => number = Math.random,
): "written" | "skipped" | "unbound" | "failed" {
	if (sink === undefined || typeof sink.writeDataPoint !== "function") return "unbound";
	if (!(sampleRate > 0)) return "skipped";
	if (sampleRate < 1 && random() >= sampleRate) return "skipped";
	try {
		sink.writeDataPoint(toDataPoint(record, sampleRate < 1 ? 1 / sampleRate : 1));
		return "written";
	} catch {
		return "failed";
	}
}
