/**
 * The numbers Tencent judges an RTA integration by — accept rate, refusals by code, fallbacks,
 * processing time p50/p99 per minute — in one JSON shape, whether they come from the fleet's
 * Analytics Engine dataset (queries.ts, `txad rta stats`) or from one isolate's own counters
 * (`IsolateStats`, the responder's `GET /admin/metrics`). Both go through `addRow`, so the two
 * cannot count differently.
 * @module
 */
import {
	type DecisionRecord,
	FALLBACK_REASONS,
	type FallbackReason,
	STAGES,
	STORAGE_TIERS,
	type StorageTier,
} from "./data-point.ts";

/** One minute of live decisions (is_test excluded). */
export interface MinuteStats {
	/** Start of the minute, ISO 8601 UTC. */
	minute: string;
	requests: number;
	takes: number;
	/** takes / requests; null when there were none. */
	accept_rate: number | null;
	fallbacks: number;
	p50_ms: number | null;
	p99_ms: number | null;
}

/** The report. Counts from Analytics Engine are estimates (each row stands for `_sample_interval` answers). */
export interface RtaStats {
	/** Where the numbers come from: the dataset (every isolate) or one isolate's memory. */
	source: "analytics_engine" | "isolate";
	/** Window start and end, ISO 8601 UTC. */
	from: string;
	to: string;
	minutes: number;
	/** Live decisions (is_test excluded). */
	requests: number;
	/** is_test answers (Tencent's debug tool), counted apart from everything else. */
	tests: number;
	/** Code 0 answers. */
	takes: number;
	/** takes / requests; null without requests. */
	accept_rate: number | null;
	/** Live decisions per code name. */
	by_code: Record<string, number>;
	by_stage: Record<string, number>;
	/** Fallback answers per reason (deadline missed, storage failed). */
	fallbacks: Record<Exclude<FallbackReason, "">, number>;
	/** Live decisions by the slowest storage tier they waited for. */
	tiers: Record<StorageTier, number>;
	/** Over the window's live decisions. */
	processing_ms: { p50: number | null; p99: number | null };
	per_minute: MinuteStats[];
}

/** A group of answers alike in every dimension: one SQL result row, or one isolate counter. */
export interface StatsRow {
	code: number;
	codeName: string;
	stage: string;
	fallback: string;
	tier: string;
	isTest: boolean;
	/** How many answers the row stands for. */
	count: number;
}

/** `RtaResponse.code` 0: take (docs/rta/wire-protocol.md RtaResponse #2). */
const TAKE = 0;

/**
 * An empty report for a window.
 * @param source - where the numbers come from
 * @param fromMs - window start, epoch ms
 * @param toMs - window end, epoch ms
 * @returns the report with every count at 0
 */
export function emptyStats(source: RtaStats["source"], fromMs: number, toMs: number): RtaStats {
	return {
		source,
		from: new Date(fromMs).toISOString(),
		to: new Date(toMs).toISOString(),
		minutes: Math.round((toMs - fromMs) / 60_000),
		requests: 0,
		tests: 0,
		takes: 0,
		accept_rate: null,
		by_code: {},
		by_stage: Object.fromEntries(STAGES.map((s) => [s, 0])),
		fallbacks: Object.fromEntries(FALLBACK_REASONS.map((r) => [r, 0])) as RtaStats["fallbacks"],
		tiers: Object.fromEntries(STORAGE_TIERS.map((t) => [t, 0])) as RtaStats["tiers"],
		processing_ms: { p50: null, p99: null },
		per_minute: [],
	};
}

/**
 * Adds a group of answers to a report's totals (and its accept rate).
 * @param stats - the report, changed in place
 * @param row - the group
 */
export function addRow(stats: RtaStats, row: StatsRow): void {
	if (row.count <= 0) return;
	if (row.isTest) {
		stats.tests += row.count;
		return;
	}
	stats.requests += row.count;
	stats.by_code[row.codeName] = (stats.by_code[row.codeName] ?? 0) + row.count;
	stats.by_stage[row.stage] = (stats.by_stage[row.stage] ?? 0) + row.count;
	if (row.code === TAKE) stats.takes += row.count;
	if (row.fallback !== "")
		stats.fallbacks[row.fallback as "deadline"] =
			(stats.fallbacks[row.fallback as "deadline"] ?? 0) + row.count;
	stats.tiers[row.tier as StorageTier] = (stats.tiers[row.tier as StorageTier] ?? 0) + row.count;
	stats.accept_rate = stats.takes / stats.requests;
}

/**
 * The weighted quantile the way Analytics Engine's `quantileExactWeighted` takes it: the
 * smallest value whose cumulative weight reaches `level` of the total.
 * @param weights - value → weight
 * @param level - 0–1
 * @returns the value, or null without data
 * @example quantile(new Map([[1, 98], [40, 2]]), 0.99) // 40
 */
export function quantile(weights: ReadonlyMap<number, number>, level: number): number | null {
	let total = 0;
	for (const w of weights.values()) total += w;
	if (total === 0) return null;
	const threshold = level * total;
	let seen = 0;
	const values = [...weights.keys()].sort((a, b) => a - b);
	for (const v of values) {
		seen += weights.get(v) as number;
		if (seen >= threshold) return v;
	}
	return values.at(-1) ?? null;
}

interface Minute {
	start: number;
	/** By {@link rowKey}. */
	rows: Map<number, StatsRow>;
	/** Processing ms of live decisions: how many took each whole ms below {@link MS_SLOTS}… */
	ms: Uint32Array;
	/** …and above it. */
	slowMs: Map<number, number>;
	requests: number;
	takes: number;
	fallbacks: number;
}

/** Whole milliseconds counted in an array (the budget is 60–80 ms; slower ones go to a map). */
const MS_SLOTS = 256;
const STAGE_INDEX: Record<string, number> = { first: 0, adlist: 1 };
const FALLBACK_INDEX: Record<string, number> = { "": 0, deadline: 1, storage_error: 2 };
const TIER_INDEX: Record<string, number> = { none: 0, memory: 1, cache_api: 2, kv: 3 };

/**
 * A number naming a row's dimensions: on the `/rta` path, cheaper than building a string key.
 * Codes above 2^20 and unknown names fall back to a string-derived key.
 */
function rowKey(r: DecisionRecord): number {
	const stage = STAGE_INDEX[r.stage] ?? 2;
	const fallback = FALLBACK_INDEX[r.fallback] ?? 3;
	const tier = TIER_INDEX[r.tier] ?? 4;
	const code = r.code >= 0 && r.code < 1 << 20 ? r.code : (1 << 20) + (r.code % 1000);
	return (((code * 3 + stage) * 4 + fallback) * 5 + tier) * 2 + (r.isTest ? 1 : 0);
}

function msWeights(m: Minute): Map<number, number> {
	const out = new Map<number, number>();
	for (let v = 0; v < MS_SLOTS; v++) if ((m.ms[v] as number) > 0) out.set(v, m.ms[v] as number);
	for (const [v, w] of m.slowMs) out.set(v, w);
	return out;
}

/**
 * One isolate's answers per minute, kept for the last `keepMinutes`, reported in the shape the
 * Analytics Engine queries produce. Bounded: one small map per minute.
 */
export class IsolateStats {
	readonly #keepMinutes: number;
	readonly #minutes: Minute[] = [];

	/** @param keepMinutes - how many minutes back the isolate remembers (default 60) */
	constructor(keepMinutes = 60) {
		this.#keepMinutes = keepMinutes;
	}

	/**
	 * Counts one answer.
	 * @param record - the answer (the same record the data point is built from)
	 * @param nowMs - epoch ms of the answer
	 */
	record(record: DecisionRecord, nowMs: number): void {
		const start = Math.floor(nowMs / 60_000) * 60_000;
		let minute = this.#minutes.at(-1);
		if (minute === undefined || minute.start !== start) {
			minute = {
				start,
				rows: new Map(),
				ms: new Uint32Array(MS_SLOTS),
				slowMs: new Map(),
				requests: 0,
				takes: 0,
				fallbacks: 0,
			};
			this.#minutes.push(minute);
			while (this.#minutes.length > this.#keepMinutes) this.#minutes.shift();
		}
		const key = rowKey(record);
		const row = minute.rows.get(key);
		if (row !== undefined) row.count++;
		else
			minute.rows.set(key, {
				code: record.code,
				codeName: record.codeName,
				stage: record.stage,
				fallback: record.fallback,
				tier: record.tier,
				isTest: record.isTest,
				count: 1,
			});
		if (record.isTest) return;
		const ms = record.processingMs > 0 ? Math.round(record.processingMs) : 0;
		if (ms < MS_SLOTS) minute.ms[ms] = (minute.ms[ms] as number) + 1;
		else minute.slowMs.set(ms, (minute.slowMs.get(ms) ?? 0) + 1);
		minute.requests++;
		if (record.code === TAKE) minute.takes++;
		if (record.fallback !== "") minute.fallbacks++;
	}

	/**
	 * The report over the last `minutes` (the current minute included).
	 * @param nowMs - epoch ms
	 * @param minutes - window length, 1 to the kept minutes
	 * @returns the report, `source: "isolate"`
	 */
	stats(nowMs: number, minutes: number): RtaStats {
		const currentStart = Math.floor(nowMs / 60_000) * 60_000;
		const fromMs = currentStart - (minutes - 1) * 60_000;
		const stats = emptyStats("isolate", fromMs, currentStart + 60_000);
		const all = new Map<number, number>();
		for (const m of this.#minutes) {
			if (m.start < fromMs || m.start > currentStart) continue;
			for (const row of m.rows.values()) addRow(stats, row);
			const weights = msWeights(m);
			for (const [v, w] of weights) all.set(v, (all.get(v) ?? 0) + w);
			stats.per_minute.push({
				minute: new Date(m.start).toISOString(),
				requests: m.requests,
				takes: m.takes,
				accept_rate: m.requests === 0 ? null : m.takes / m.requests,
				fallbacks: m.fallbacks,
				p50_ms: quantile(weights, 0.5),
				p99_ms: quantile(weights, 0.99),
			});
		}
		stats.processing_ms = { p50: quantile(all, 0.5), p99: quantile(all, 0.99) };
		return stats;
	}
}
