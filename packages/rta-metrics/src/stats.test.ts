import { describe, it } from "vitest";
import type { DecisionRecord } from "./data-point.ts";
import { IsolateStats, quantile } from "./stats.ts";

const base: DecisionRecord = {
	code: 0,
	codeName: "TAKE",
	stage: "first",
	strategies: ["st_a"],
	fallback: "",
	tier: "memory",
	processingMs: 1,
	isTest: false,
	ids: 1,
	ads: 0,
	configVersion: "v",
};
const T0 = Date.parse("2026-12-01T19:00:10Z");

describe("quantile", () => {
	it("takes the smallest value whose cumulative weight reaches the level", ({ expect }) => {
		const w = new Map([
			[1, 98],
			[40, 2],
		]);
		expect(quantile(w, 0.5)).toBe(1);
		expect(quantile(w, 0.98)).toBe(1);
		expect(quantile(w, 0.99)).toBe(40);
		expect(quantile(new Map(), 0.5)).toBeNull();
	});
});

describe("IsolateStats", () => {
	it("counts accept rate, refusals by code, fallbacks, tiers and per-minute p50/p99; tests apart", ({
		expect,
	}) => {
		const s = new IsolateStats();
		for (let i = 0; i < 6; i++) s.record({ ...base, processingMs: 2 }, T0);
		s.record(
			{ ...base, code: 4, codeName: "NO_STRATEGY", strategies: [], tier: "cache_api", processingMs: 3 },
			T0,
		);
		s.record(
			{
				...base,
				code: 5,
				codeName: "DEADLINE",
				strategies: [],
				fallback: "deadline",
				tier: "kv",
				processingMs: 30,
			},
			T0,
		);
		s.record(
			{ ...base, code: 3, codeName: "NO_USABLE_ID", strategies: [], tier: "none", processingMs: 0 },
			T0,
		);
		s.record({ ...base, isTest: true, processingMs: 90 }, T0);
		// Next minute: one take via a strategy fallback.
		s.record({ ...base, fallback: "storage_error", tier: "kv", processingMs: 12 }, T0 + 60_000);

		const r = s.stats(T0 + 60_000, 5);
		expect(r).toMatchObject({
			source: "isolate",
			from: "2026-12-01T18:57:00.000Z",
			to: "2026-12-01T19:02:00.000Z",
			minutes: 5,
			requests: 10,
			tests: 1,
			takes: 7,
			by_code: { TAKE: 7, NO_STRATEGY: 1, DEADLINE: 1, NO_USABLE_ID: 1 },
			by_stage: { first: 10, adlist: 0 },
			fallbacks: { deadline: 1, storage_error: 1 },
			tiers: { memory: 6, cache_api: 1, kv: 2, none: 1 },
			processing_ms: { p50: 2, p99: 30 },
		});
		expect(r.accept_rate).toBe(7 / 10);
		expect(r.per_minute).toEqual([
			{
				minute: "2026-12-01T19:00:00.000Z",
				requests: 9,
				takes: 6,
				accept_rate: 6 / 9,
				fallbacks: 1,
				p50_ms: 2,
				p99_ms: 30,
			},
			{
				minute: "2026-12-01T19:01:00.000Z",
				requests: 1,
				takes: 1,
				accept_rate: 1,
				fallbacks: 1,
				p50_ms: 12,
				p99_ms: 12,
			},
		]);
	});

	it("counts slow decisions past the array of whole milliseconds, and codes of any size", ({ expect }) => {
		const s = new IsolateStats();
		for (let i = 0; i < 98; i++) s.record({ ...base, processingMs: 0.4 }, T0);
		s.record({ ...base, code: 4_000_000, codeName: "ODD", processingMs: 300 }, T0);
		s.record({ ...base, code: 4_000_000, codeName: "ODD", processingMs: 300 }, T0);
		const r = s.stats(T0, 1);
		expect(r).toMatchObject({
			requests: 100,
			by_code: { TAKE: 98, ODD: 2 },
			processing_ms: { p50: 0, p99: 300 },
		});
	});

	it("reports only the window asked for, and forgets minutes past what it keeps", ({ expect }) => {
		const s = new IsolateStats(3);
		for (let m = 0; m < 5; m++) s.record(base, T0 + m * 60_000);
		expect(s.stats(T0 + 4 * 60_000, 1).requests).toBe(1);
		expect(s.stats(T0 + 4 * 60_000, 60).requests).toBe(3);
		const empty = new IsolateStats().stats(T0, 60);
		expect(empty).toMatchObject({
			requests: 0,
			accept_rate: null,
			processing_ms: { p50: null, p99: null },
			per_minute: [],
		});
	});
});
