/**
 * Retry delays and the ret-code table.
 * @module
 */
import { describe, it } from "vitest";
import { retryDelaySeconds } from "../src/delivery/backoff.ts";
import { describeTencentRet } from "../src/delivery/tencent-ret.ts";

describe("retryDelaySeconds", () => {
	it.for([
		[1, 0, 15],
		[1, 0.999, 29],
		[2, 0, 30],
		[3, 0, 60],
		[8, 0, 1800],
		[20, 0, 1800],
		[20, 0.999, 3598],
	] as const)("attempt %i, random %f -> %i s", ([attempt, r, expected], { expect }) => {
		expect(retryDelaySeconds(attempt, 30, 3600, () => r)).toBe(expected);
	});

	it("is 0 when the base is 0", ({ expect }) => {
		expect(retryDelaySeconds(5, 0, 3600)).toBe(0);
	});
});

describe("describeTencentRet", () => {
	it("retries only -12 among the documented codes", ({ expect }) => {
		const actions = [-3, -4, -5, -12, -13, -14, -15, -17].map((r) => [r, describeTencentRet(r).action]);
		expect(actions).toEqual([
			[-3, "fail"],
			[-4, "fail"],
			[-5, "fail"],
			[-12, "retry"],
			[-13, "fail"],
			[-14, "fail"],
			[-15, "fail"],
			[-17, "fail"],
		]);
		expect(describeTencentRet(-42)).toEqual({
			action: "fail",
			code: "TENCENT_RET_-42",
			meaning: "a ret code docs/conversion/form-api.md §6.4 does not list",
		});
	});
});
