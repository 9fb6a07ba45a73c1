import { describe, it } from "vitest";
import { DEFAULT_DATASET, statsFromResults, statsQueries } from "./queries.ts";

describe("statsQueries", () => {
	it("weights every count by _sample_interval and keeps tests out of latency", ({ expect }) => {
		const q = statsQueries(DEFAULT_DATASET, 60);
		expect(q.totals).toContain("SUM(_sample_interval * double6) AS answers");
		expect(q.perMinute).toContain("SUM(IF(double1 = 0, _sample_interval * double6, 0)) AS takes,");
		expect(q.totals).toContain("FROM txad_rta_decisions\nWHERE timestamp > NOW() - INTERVAL '60' MINUTE");
		expect(q.latency).toBe(
			[
				"SELECT quantileExactWeighted(0.5)(double2, _sample_interval) AS p50_ms, quantileExactWeighted(0.99)(double2, _sample_interval) AS p99_ms",
				"FROM txad_rta_decisions",
				"WHERE timestamp > NOW() - INTERVAL '60' MINUTE AND double3 = 0",
				"FORMAT JSON",
			].join("\n"),
		);
		expect(q.perMinute).toContain("GROUP BY minute\nORDER BY minute\nFORMAT JSON");
	});

	it("refuses a dataset or window that would be pasted into SQL unchecked", ({ expect }) => {
		expect(() => statsQueries("x; DROP", 60)).toThrow(/dataset must be/);
		expect(() => statsQueries(DEFAULT_DATASET, 0)).toThrow(
			/minutes must be an integer from 1 to 10080, got 0/,
		);
		expect(() => statsQueries(DEFAULT_DATASET, 1.5)).toThrow(/minutes/);
	});
});

describe("statsFromResults", () => {
	const from = Date.parse("2026-12-01T18:00:00Z");
	const to = Date.parse("2026-12-01T19:00:00Z");

	it("builds the report from the SQL API's rows, numbers given as numbers or strings", ({ expect }) => {
		const r = statsFromResults(
			{
				totals: {
					data: [
						{
							code: 0,
							code_name: "TAKE",
							stage: "first",
							fallback: "",
							tier: "memory",
							is_test: 0,
							answers: "90",
						},
						{
							code: 4,
							code_name: "NO_STRATEGY",
							stage: "first",
							fallback: "",
							tier: "cache_api",
							is_test: 0,
							answers: 8,
						},
						{
							code: 5,
							code_name: "DEADLINE",
							stage: "adlist",
							fallback: "deadline",
							tier: "kv",
							is_test: 0,
							answers: 2,
						},
						{
							code: 3,
							code_name: "NO_USABLE_ID",
							stage: "first",
							fallback: "",
							tier: "none",
							is_test: 0,
							answers: 5,
						},
						{
							code: 0,
							code_name: "TAKE",
							stage: "first",
							fallback: "",
							tier: "memory",
							is_test: 1,
							answers: 3,
						},
					],
				},
				latency: { data: [{ p50_ms: 1, p99_ms: "28" }] },
				perMinute: {
					data: [
						{
							minute: "2026-12-01 18:59:00",
							requests: "100",
							takes: "90",
							fallbacks: "2",
							p50_ms: 1,
							p99_ms: 28,
						},
					],
				},
			},
			from,
			to,
		);
		expect(r).toMatchObject({
			source: "analytics_engine",
			minutes: 60,
			requests: 105,
			tests: 3,
			takes: 90,
			accept_rate: 90 / 105,
			by_code: { TAKE: 90, NO_STRATEGY: 8, DEADLINE: 2, NO_USABLE_ID: 5 },
			by_stage: { first: 103, adlist: 2 },
			fallbacks: { deadline: 2, storage_error: 0 },
			tiers: { memory: 90, cache_api: 8, kv: 2, none: 5 },
			processing_ms: { p50: 1, p99: 28 },
			per_minute: [
				{
					minute: "2026-12-01T18:59:00.000Z",
					requests: 100,
					takes: 90,
					accept_rate: 0.9,
					fallbacks: 2,
					p50_ms: 1,
					p99_ms: 28,
				},
			],
		});
	});

	it("reads an empty window as no data, quantiles of nothing as null", ({ expect }) => {
		const r = statsFromResults(
			{ totals: { data: [] }, latency: { data: [{ p50_ms: "nan", p99_ms: null }] }, perMinute: { data: [] } },
			from,
			to,
		);
		expect(r).toMatchObject({ requests: 0, accept_rate: null, processing_ms: { p50: null, p99: null } });
	});

	it("names the query and column when an answer is not what was asked", ({ expect }) => {
		const ok = { data: [] };
		expect(() => statsFromResults({ totals: {} as never, latency: ok, perMinute: ok }, from, to)).toThrow(
			'the totals query\'s answer has no "data" array',
		);
		expect(() =>
			statsFromResults(
				{ totals: ok, latency: ok, perMinute: { data: [{ minute: "2026-12-01 18:59:00", requests: "x" }] } },
				from,
				to,
			),
		).toThrow('the perMinute query\'s "requests" is not a number: "x"');
	});
});
