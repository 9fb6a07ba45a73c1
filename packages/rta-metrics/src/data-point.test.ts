import { describe, it } from "vitest";
import { COLUMNS, type DecisionRecord, timeBucket, toDataPoint, writeDecision } from "./data-point.ts";

const take: DecisionRecord = {
	code: 0,
	codeName: "TAKE",
	stage: "first",
	strategies: ["st_new_user", "st_vip"],
	fallback: "",
	tier: "cache_api",
	processingMs: 3,
	isTest: false,
	ids: 2,
	ads: 0,
	configVersion: "0123456789abcdef",
};

describe("toDataPoint", () => {
	it("puts each field at its documented position, the code name as the sampling index", ({ expect }) => {
		expect(toDataPoint(take)).toEqual({
			indexes: ["TAKE"],
			blobs: ["TAKE", "first", "st_new_user,st_vip", "", "cache_api", "2-5", "0123456789abcdef"],
			doubles: [0, 3, 0, 2, 0, 1],
		});
		const blob = (name: keyof typeof COLUMNS) => Number(COLUMNS[name].replace("blob", "")) - 1;
		const point = toDataPoint(take);
		expect(point.blobs[blob("tier")]).toBe("cache_api");
		expect(point.doubles[Number(COLUMNS.processingMs.replace("double", "")) - 1]).toBe(3);
	});

	it("records a second-stage deadline fallback of a test request", ({ expect }) => {
		const point = toDataPoint({
			...take,
			code: 5,
			codeName: "DEADLINE",
			stage: "adlist",
			strategies: [],
			fallback: "deadline",
			tier: "kv",
			processingMs: 31,
			isTest: true,
			ads: 10,
		});
		expect(point.indexes).toEqual(["DEADLINE"]);
		expect(point.blobs.slice(0, 6)).toEqual(["DEADLINE", "adlist", "", "deadline", "kv", "30-50"]);
		expect(point.doubles).toEqual([5, 31, 1, 2, 10, 1]);
	});

	it("never writes a negative or non-finite time, and bounds the strategy list", ({ expect }) => {
		expect(toDataPoint({ ...take, processingMs: Number.NaN }).doubles[1]).toBe(0);
		expect(toDataPoint({ ...take, processingMs: -4 }).blobs[5]).toBe("0-1");
		const many = Array.from({ length: 500 }, (_, i) => `strategy_${i}`);
		expect(toDataPoint({ ...take, strategies: many }).blobs[2]).toHaveLength(1024);
	});
});

describe("timeBucket", () => {
	it("labels each bucket by its bounds, the last open", ({ expect }) => {
		expect([0, 0.9, 1, 4.99, 5, 29, 30, 79, 80, 900].map(timeBucket)).toEqual([
			"0-1",
			"0-1",
			"1-2",
			"2-5",
			"5-10",
			"20-30",
			"30-50",
			"50-80",
			"80+",
			"80+",
		]);
	});
});

describe("writeDecision", () => {
	it("writes one point to a bound dataset", ({ expect }) => {
		const written: unknown[] = [];
		expect(writeDecision({ writeDataPoint: (p) => written.push(p) }, take)).toBe("written");
		expect(written).toEqual([toDataPoint(take)]);
	});

	it("writes a sample when asked, each point weighted by 1 / rate", ({ expect }) => {
		const written: { doubles: number[] }[] = [];
		const sink = { writeDataPoint: (p: { doubles: number[] }) => written.push(p) };
		const draws = [0.05, 0.5, 0.0999, 0.1, 0.99];
		const results = draws.map((d) => writeDecision(sink, take, 0.1, () => d));
		expect(results).toEqual(["written", "skipped", "written", "skipped", "skipped"]);
		expect(written.map((p) => p.doubles[5])).toEqual([10, 10]);
		expect(writeDecision(sink, take, 0)).toBe("skipped");
	});

	it("is harmless without a dataset or with a failing one", ({ expect }) => {
		expect(writeDecision(undefined, take)).toBe("unbound");
		expect(writeDecision({} as never, take)).toBe("unbound");
		expect(
			writeDecision(
				{
					writeDataPoint: () => {
						throw new Error("quota");
					},
				},
				take,
			),
		).toBe("failed");
	});
});
