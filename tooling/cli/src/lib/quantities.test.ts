import { describe, it } from "vitest";
import { parseAmount, parseDurationSeconds } from "./quantities.ts";

describe("parseAmount", () => {
	it.for([
		["20W", 200_000],
		["20w", 200_000],
		["20万", 200_000],
		["20万元/天", 200_000],
		["1.5W", 15_000],
		["200k", 200_000],
		["200,000", 200_000],
		["80000元", 80_000],
		["1亿", 100_000_000],
	] as const)("%s → %d", ([input, expected], { expect }) => {
		expect(parseAmount(input)).toEqual({ ok: true, value: expected });
	});
	it("takes numbers as they are", ({ expect }) => {
		expect(parseAmount(300000)).toEqual({ ok: true, value: 300000 });
	});
	it.for(["twenty", "20X", "", "-5", "W20"])("refuses %j with a reason", (input, { expect }) => {
		const result = parseAmount(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toMatch(/amount/);
	});
	it("refuses negative numbers", ({ expect }) => {
		expect(parseAmount(-1).ok).toBe(false);
	});
});

describe("parseDurationSeconds", () => {
	it.for([
		["1小时", 3600],
		["1 小时", 3600],
		["2h", 7200],
		["2 hours", 7200],
		["3600s", 3600],
		["3600秒", 3600],
		["90min", 5400],
		["90分钟", 5400],
		["1天", 86_400],
		["24", 86_400],
	] as const)("%s → %d s", ([input, expected], { expect }) => {
		expect(parseDurationSeconds(input)).toEqual({ ok: true, value: expected });
	});
	it("reads bare numbers as hours", ({ expect }) => {
		expect(parseDurationSeconds(1.5)).toEqual({ ok: true, value: 5400 });
	});
	it.for(["one hour", "1 fortnight", "", "h"])("refuses %j", (input, { expect }) => {
		expect(parseDurationSeconds(input).ok).toBe(false);
	});
});
