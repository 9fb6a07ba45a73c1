/**
 * Input rules shared by the client and the sandbox.
 * @module
 */
import { BindType } from "@txad/proto";
import { describe, it } from "vitest";
import {
	bindTypeProblem,
	isHeaderValue,
	isHttpToken,
	pageProblem,
	parseInt64,
	signsProblem,
	targetIdProblem,
} from "./validate.ts";

describe("parseInt64", () => {
	it.for([
		[1, 1n],
		["9223372036854775807", 9223372036854775807n],
		[9223372036854775807n, 9223372036854775807n],
		["0", 0n],
	] as const)("reads %s", ([input, expected], { expect }) => {
		expect(parseInt64(input, 0n)).toBe(expected);
	});

	it.for([["01"], ["1.0"], [" 1"], ["+1"], [1.5], [2 ** 53], [null], ["9223372036854775808"], [-1]] as const)(
		"rejects %s",
		([input], { expect }) => {
			expect(typeof parseInt64(input, 0n)).toBe("string");
		},
	);
});

describe("rules", () => {
	it("checks target ids", ({ expect }) => {
		expect(targetIdProblem("strategy-1")).toBeUndefined();
		expect(targetIdProblem("拉活-15天")).toBeUndefined();
		expect(targetIdProblem("a\tb")).toBeDefined();
		expect(targetIdProblem(5)).toBeDefined();
	});

	it("knows the five bind types of docs/rta/management-api.md and nothing else", ({ expect }) => {
		expect([1, 2, 3, 4, 5].map(bindTypeProblem)).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
		]);
		expect(bindTypeProblem(BindType.UnknownBindType)).toContain("must be one of 1 (AdgroupId)");
		expect(bindTypeProblem(6)).toBeDefined();
		expect(bindTypeProblem("1")).toBeDefined();
	});

	it("checks header names and values", ({ expect }) => {
		expect(isHttpToken("X-Rta_Sig.1")).toBe(true);
		expect(isHttpToken("x:y")).toBe(false);
		expect(isHttpToken("")).toBe(false);
		expect(isHeaderValue("a b")).toBe(true);
		expect(isHeaderValue("a")).toBe(true);
		expect(isHeaderValue("a ")).toBe(false);
		expect(isHeaderValue("a\u0000")).toBe(false);
		expect(signsProblem([])).toBeUndefined();
		expect(signsProblem([{ key: "Connection", value: "x" }])).toMatchObject({ index: 0, field: "key" });
	});

	it("checks paging", ({ expect }) => {
		expect(pageProblem(1, 1000)).toBeUndefined();
		expect(pageProblem(1, 1001)?.field).toBe("page_size");
		expect(pageProblem(-1, 10)?.field).toBe("page_num");
		expect(pageProblem(2 ** 31, 10)?.field).toBe("page_num");
	});
});
