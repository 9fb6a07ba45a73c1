/**
 * `@txad/rta-metrics`: the one Analytics Engine data point the RTA responder writes per answer,
 * the SQL API queries over it, and the report both the CLI (`txad rta stats`) and the responder
 * (`GET /admin/metrics`, one isolate's counters) print in the same shape.
 * @module
 */
export {
	COLUMNS,
	type DataPoint,
	type DataPointSink,
	type DecisionRecord,
	FALLBACK_REASONS,
	type FallbackReason,
	STAGES,
	STORAGE_TIERS,
	type Stage,
	type StorageTier,
	TIME_BUCKET_BOUNDS_MS,
	timeBucket,
	toDataPoint,
	writeDecision,
} from "./data-point.ts";
export {
	DEFAULT_DATASET,
	MAX_WINDOW_MINUTES,
	type SqlJsonResult,
	type StatsQueries,
	statsFromResults,
	statsQueries,
} from "./queries.ts";
export {
	addRow,
	emptyStats,
	IsolateStats,
	type MinuteStats,
	quantile,
	type RtaStats,
	type StatsRow,
} from "./stats.ts";
