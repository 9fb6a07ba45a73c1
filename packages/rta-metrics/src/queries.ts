/**
 * The Analytics Engine SQL API queries behind `txad rta stats` (docs/cloudflare/analytics-engine.md
 * "Queries"), and the step from their JSON results to the report shape of stats.ts. Every count
 * is `SUM(_sample_interval * double6)`: Analytics Engine may keep one row for many points (and
 * says how many in `_sample_interval`), and the responder may write one point for many decisions
 * (its weight, `double6`). Quantiles are weighted by `_sample_interval` only: the responder's own
 * sample is uniform, so it leaves the distribution as it is.
 * @module
 */
import { COLUMNS as C } from "./data-point.ts";
import { addRow, emptyStats, type MinuteStats, type RtaStats } from "./stats.ts";

/** The dataset `wrangler.jsonc` binds (apps/rta-responder `analytics_engine_datasets`). */
export const DEFAULT_DATASET = "txad_rta_decisions";

/** Longest window accepted, minutes (7 days). */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;

/** The three queries of one report. */
export interface StatsQueries {
	/** Answers per code, stage, fallback, tier and is_test. */
	totals: string;
	/** p50/p99 processing time of decided live requests over the window. */
	latency: string;
	/** Per minute: decided live requests, takes, fallbacks, p50/p99. */
	perMinute: string;
}

/**
 * The queries for a window ending now.
 * @param dataset - dataset name (letters, digits, `_`)
 * @param minutes - window length, 1 to {@link MAX_WINDOW_MINUTES}
 * @returns the SQL texts, each ending in `FORMAT JSON`
 * @throws RangeError naming `dataset` or `minutes` when either is unusable (never interpolated unchecked)
 * @example statsQueries("txad_rta_decisions", 60).totals
 */
export function statsQueries(dataset: string, minutes: number): StatsQueries {
	if (!/^[A-Za-z0-9_]{1,64}$/.test(dataset))
		throw new RangeError(`dataset must be 1–64 letters, digits or _, got "${dataset}"`);
	if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_WINDOW_MINUTES)
		throw new RangeError(`minutes must be an integer from 1 to ${MAX_WINDOW_MINUTES}, got ${minutes}`);
	const window = `timestamp > NOW() - INTERVAL '${minutes}' MINUTE`;
	const live = `${window} AND ${C.isTest} = 0`;
	const n = `_sample_interval * ${C.weight}`;
	const p = (level: number, name: string) =>
		`quantileExactWeighted(${level})(${C.processingMs}, _sample_interval) AS ${name}`;
	return {
		totals: [
			`SELECT ${C.code} AS code, ${C.codeName} AS code_name, ${C.stage} AS stage, ${C.fallback} AS fallback, ${C.tier} AS tier, ${C.isTest} AS is_test, SUM(${n}) AS answers`,
			`FROM ${dataset}`,
			`WHERE ${window}`,
			"GROUP BY code, code_name, stage, fallback, tier, is_test",
			"FORMAT JSON",
		].join("\n"),
		latency: [
			`SELECT ${p(0.5, "p50_ms")}, ${p(0.99, "p99_ms")}`,
			`FROM ${dataset}`,
			`WHERE ${live}`,
			"FORMAT JSON",
		].join("\n"),
		perMinute: [
			"SELECT toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS minute,",
			`  SUM(${n}) AS requests,`,
			`  SUM(IF(${C.code} = 0, ${n}, 0)) AS takes,`,
			`  SUM(IF(${C.fallback} != '', ${n}, 0)) AS fallbacks,`,
			`  ${p(0.5, "p50_ms")},`,
			`  ${p(0.99, "p99_ms")}`,
			`FROM ${dataset}`,
			`WHERE ${live}`,
			"GROUP BY minute",
			"ORDER BY minute",
			"FORMAT JSON",
		].join("\n"),
	};
}

/** A `FORMAT JSON` answer of the SQL API: `data` holds the rows (numbers may come as strings). */
export interface SqlJsonResult {
	data: Record<string, unknown>[];
}

/**
 * The report from the three results.
 * @param results - the parsed JSON answers, same keys as {@link StatsQueries}
 * @param fromMs - window start, epoch ms
 * @param toMs - window end, epoch ms
 * @returns the report, `source: "analytics_engine"`
 * @throws TypeError naming the query and column when a result lacks what the query selects
 */
export function statsFromResults(
	results: { totals: SqlJsonResult; latency: SqlJsonResult; perMinute: SqlJsonResult },
	fromMs: number,
	toMs: number,
): RtaStats {
	const stats = emptyStats("analytics_engine", fromMs, toMs);
	for (const row of rowsOf(results.totals, "totals")) {
		addRow(stats, {
			code: num(row, "code", "totals"),
			codeName: str(row, "code_name", "totals"),
			stage: str(row, "stage", "totals"),
			fallback: str(row, "fallback", "totals"),
			tier: str(row, "tier", "totals"),
			isTest: num(row, "is_test", "totals") !== 0,
			count: num(row, "answers", "totals"),
		});
	}
	const [latency] = rowsOf(results.latency, "latency");
	if (latency !== undefined && stats.requests > 0)
		stats.processing_ms = {
			p50: optionalNum(latency, "p50_ms", "latency"),
			p99: optionalNum(latency, "p99_ms", "latency"),
		};
	stats.per_minute = rowsOf(results.perMinute, "perMinute").map((row): MinuteStats => {
		const requests = num(row, "requests", "perMinute");
		const takes = num(row, "takes", "perMinute");
		return {
			minute: isoMinute(str(row, "minute", "perMinute")),
			requests,
			takes,
			accept_rate: requests === 0 ? null : takes / requests,
			fallbacks: num(row, "fallbacks", "perMinute"),
			p50_ms: optionalNum(row, "p50_ms", "perMinute"),
			p99_ms: optionalNum(row, "p99_ms", "perMinute"),
		};
	});
	return stats;
}

function rowsOf(result: SqlJsonResult, query: string): Record<string, unknown>[] {
	if (typeof result !== "object" || result === null || !Array.isArray(result.data))
		throw new TypeError(`the ${query} query's answer has no "data" array`);
	return result.data;
}

function num(row: Record<string, unknown>, column: string, query: string): number {
	const v = optionalNum(row, column, query);
	if (v === null) throw new TypeError(`the ${query} query's row has no number in "${column}"`);
	return v;
}

function optionalNum(row: Record<string, unknown>, column: string, query: string): number | null {
	const raw = row[column];
	if (raw === null || raw === undefined) return null;
	const v = typeof raw === "number" ? raw : typeof raw === "string" && raw !== "" ? Number(raw) : Number.NaN;
	if (Number.isNaN(v)) {
		// quantile* of no rows answers NaN (sometimes spelled "nan").
		if (raw === "nan" || raw === "NaN" || (typeof raw === "number" && Number.isNaN(raw))) return null;
		throw new TypeError(`the ${query} query's "${column}" is not a number: ${JSON.stringify(raw)}`);
	}
	return v;
}

function str(row: Record<string, unknown>, column: string, query: string): string {
	const v = row[column];
	if (typeof v !== "string") throw new TypeError(`the ${query} query's row has no text in "${column}"`);
	return v;
}

/** "2026-12-01 19:05:00" (the SQL API's DateTime, UTC) → "2026-12-01T19:05:00.000Z". */
function isoMinute(text: string): string {
	const ms = Date.parse(
		/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(" ", "T") : `${text.replace(" ", "T")}Z`,
	);
	if (Number.isNaN(ms))
		throw new TypeError(`the perMinute query's "minute" is not a time: ${JSON.stringify(text)}`);
	return new Date(ms).toISOString();
}
