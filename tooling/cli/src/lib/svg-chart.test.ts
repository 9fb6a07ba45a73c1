import { describe, it } from "vitest";
import {
	esc,
	formatCount,
	formatMs,
	linearScale,
	linearTicks,
	logScale,
	logTicks,
	niceStep,
} from "./svg-chart.ts";

describe("svg-chart ticks", () => {
	it.for([
		[0.13, 0.2],
		[1, 1],
		[1.01, 2],
		[3, 5],
		[13, 20],
		[60, 100],
		[420, 500],
	] as const)("niceStep(%d) = %d", ([raw, step], { expect }) => {
		expect(niceStep(raw)).toBe(step);
	});

	it("gives round linear ticks from 0 past the maximum", ({ expect }) => {
		expect(linearTicks(69, 6)).toEqual({ ticks: [0, 20, 40, 60, 80], step: 20 });
		expect(linearTicks(63, 7).ticks).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
		expect(linearTicks(0.3, 3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
		expect(linearTicks(1050, 5).ticks).toEqual([0, 500, 1000, 1500]);
	});

	it("gives 1-2-5 log ticks inside the range only", ({ expect }) => {
		expect(logTicks(0.8, 75)).toEqual([1, 2, 5, 10, 20, 50]);
		expect(logTicks(0.15, 3)).toEqual([0.2, 0.5, 1, 2]);
		expect(logTicks(40, 80)).toEqual([50]);
	});

	it("maps values to pixels", ({ expect }) => {
		const x = linearScale([0, 10], [100, 200]);
		expect(x(5)).toBe(150);
		const lx = logScale([1, 100], [0, 200]);
		expect(lx(10)).toBeCloseTo(100);
		expect(lx(60)).toBeCloseTo((200 * Math.log10(60)) / 2);
	});

	it("formats labels and escapes text", ({ expect }) => {
		expect([0.5, 20, 60, 1000, 2500].map(formatMs)).toEqual(["0.5", "20", "60", "1 s", "2.5 s"]);
		expect([0, 950, 12_000, 2_500_000].map(formatCount)).toEqual(["0", "950", "12k", "2.5M"]);
		expect(esc(`<a href="x">'&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
	});
});
