import { describe, it } from "vitest";
import { BINS_PER_DECADE, binEdge, binOf, LatencyHistogram } from "./histogram.ts";
import { createPacer } from "./pacing.ts";

describe("LatencyHistogram", () => {
	it("computes nearest-rank percentiles", ({ expect }) => {
		const h = new LatencyHistogram(1000);
		for (let i = 1; i <= 100; i++) h.record(i);
		const s = h.summary();
		expect(s).toMatchObject({ count: 100, min: 1, p50: 50, p90: 90, p99: 99, max: 100 });
		expect(s.mean).toBeCloseTo(50.5);
	});

	it("anchors the bins at the budget: 60 ms is an edge, and the bin from it is over", ({ expect }) => {
		expect(binEdge({ budgetMs: 60, binsPerDecade: 20 }, 0)).toBe(60);
		expect(binOf(60, 60)).toBe(0);
		expect(binOf(59.999, 60)).toBe(-1);
		expect(binOf(6, 60)).toBe(-20);
		expect(binOf(5.9999, 60)).toBe(-21);
		expect(binOf(600, 60)).toBe(20);
		// Every edge maps to its own bin, whatever the float rounding of 10^(k/20).
		for (let k = -60; k <= 40; k++)
			expect(binOf(binEdge({ budgetMs: 60, binsPerDecade: 20 }, k), 60)).toBe(k);
		// 0 ms (a local error) is floored rather than -Infinity.
		expect(Number.isFinite(binOf(0, 60))).toBe(true);
	});

	it("counts every sample in the occupied bins only", ({ expect }) => {
		const h = new LatencyHistogram(100);
		for (const ms of [1, 1.05, 2, 59, 60, 61, 75]) h.record(ms);
		const bins = h.bins(60);
		expect(bins.binsPerDecade).toBe(BINS_PER_DECADE);
		expect(bins.firstBin).toBe(binOf(1, 60));
		expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(7);
		const over = bins.counts.filter((_, i) => bins.firstBin + i >= 0).reduce((a, b) => a + b, 0);
		expect(over).toBe(3);
		expect(bins.counts[0]).toBe(2);
		expect(new LatencyHistogram(5).bins(60)).toEqual({
			budgetMs: 60,
			binsPerDecade: 20,
			firstBin: 0,
			counts: [],
		});
	});
});

describe("createPacer", () => {
	it("schedules qps × duration requests evenly, capped", ({ expect }) => {
		const p = createPacer(200, 3000, 1e6);
		expect(p.total).toBe(600);
		expect(p.dueBy(0)).toBe(1);
		expect(p.dueBy(999)).toBe(200);
		expect(p.dueBy(10_000)).toBe(600);
		expect(p.dueAt(100)).toBe(500);
		expect(createPacer(1000, 10_000, 50).total).toBe(50);
	});

	it("ramps linearly during the warm-up, then keeps the full rate", ({ expect }) => {
		const p = createPacer(100, 2000, 1e6, 2000);
		// Ramp: 100 QPS × 2 s / 2 = 100 requests, then 200 at full rate.
		expect(p.warmup).toBe(100);
		expect(p.total).toBe(300);
		// Half-way through the ramp a quarter of its requests are due (area of a triangle).
		expect(p.dueBy(1000)).toBe(26);
		expect(p.dueBy(2000)).toBe(101);
		expect(p.dueBy(3000)).toBe(201);
		expect(p.dueAt(0)).toBe(0);
		expect(p.dueAt(25)).toBeCloseTo(1000);
		expect(p.dueAt(100)).toBeCloseTo(2000);
		expect(p.dueAt(200)).toBeCloseTo(3000);
		// Per second: the ramp's triangle (25 + 75; request 25 is due at exactly 1 s), then the full
		// rate; nothing after the plan, and the seconds add up to the total.
		expect([0, 1, 2, 3, 4].map((t) => p.plannedIn(t * 1000, (t + 1) * 1000))).toEqual([25, 75, 100, 100, 0]);
		for (let i = 1; i < p.total; i++) {
			expect(p.dueAt(i)).toBeGreaterThan(p.dueAt(i - 1));
			expect(p.dueBy(p.dueAt(i))).toBeGreaterThanOrEqual(i + 1);
		}
	});
});
