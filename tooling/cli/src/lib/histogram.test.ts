import { describe, it } from "vitest";
import { BUCKET_BOUNDS_MS, LatencyHistogram } from "./histogram.ts";
import { createPacer } from "./pacing.ts";

describe("LatencyHistogram", () => {
	it("has fixed, increasing, log-spaced bounds from 0.1 ms to 10 s", ({ expect }) => {
		expect(BUCKET_BOUNDS_MS[0]).toBe(0.1);
		expect(BUCKET_BOUNDS_MS.at(-1)).toBe(10_000);
		expect(BUCKET_BOUNDS_MS[10]).toBe(1);
		for (let i = 1; i < BUCKET_BOUNDS_MS.length; i++)
			expect(BUCKET_BOUNDS_MS[i]).toBeGreaterThan(BUCKET_BOUNDS_MS[i - 1] as number);
	});

	it("computes nearest-rank percentiles and buckets every sample", ({ expect }) => {
		const h = new LatencyHistogram(1000);
		for (let i = 1; i <= 100; i++) h.record(i);
		const s = h.summary();
		expect(s).toMatchObject({ count: 100, min: 1, p50: 50, p90: 90, p99: 99, max: 100 });
		expect(s.mean).toBeCloseTo(50.5);
		expect(h.counts.reduce((a, b) => a + b, 0)).toBe(100);
		// 1 ms lands in the bucket whose upper bound is 1 ms.
		expect(h.counts[10]).toBe(1);
	});

	it("puts samples beyond 10 s in the overflow slot", ({ expect }) => {
		const h = new LatencyHistogram(10);
		h.record(60_000);
		expect(h.counts.at(-1)).toBe(1);
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
		for (let i = 1; i < p.total; i++) {
			expect(p.dueAt(i)).toBeGreaterThan(p.dueAt(i - 1));
			expect(p.dueBy(p.dueAt(i))).toBeGreaterThanOrEqual(i + 1);
		}
	});
});
