import { describe, it } from "vitest";
import { isJumpError, JumpError } from "./errors.ts";

describe("isJumpError", () => {
	it("is true for its own error", ({ expect }) => {
		expect(isJumpError(new JumpError("INVALID_FIELD", "m", { field: "platform" }))).toBe(true);
	});

	it("is true for a JumpError from another copy of the package (cross-realm: name and code)", ({
		expect,
	}) => {
		class OtherCopy extends Error {
			override name = "JumpError";
			readonly code = "INVALID_FIELD";
		}
		expect(isJumpError(new OtherCopy("m"))).toBe(true);
	});

	it.for([
		["null", null],
		["undefined", undefined],
		["a plain Error", new Error("m")],
		["a TypeError", new TypeError("m")],
		["a lookalike object (not an Error)", { name: "JumpError", code: "INVALID_FIELD", message: "m" }],
		["an Error named JumpError without a code", Object.assign(new Error("m"), { name: "JumpError" })],
		[
			"an Error named JumpError with a numeric code",
			Object.assign(new Error("m"), { name: "JumpError", code: 1 }),
		],
		["another package's error", Object.assign(new Error("m"), { name: "DspbError", code: "INVALID_FIELD" })],
		["a string", "JumpError"],
	] as const)("is false for %s", ([, value], { expect }) => {
		expect(isJumpError(value)).toBe(false);
	});
});

describe("JumpError", () => {
	it("carries code, field, name and cause", ({ expect }) => {
		const cause = new Error("inner");
		const e = new JumpError("INVALID_FIELD", "interact_type must be 0 or 1", {
			field: "interact_type",
			cause,
		});
		expect([e.name, e.code, e.field, e.message, e.cause]).toEqual([
			"JumpError",
			"INVALID_FIELD",
			"interact_type",
			"interact_type must be 0 or 1",
			cause,
		]);
		expect(e).toBeInstanceOf(Error);
	});

	it("has no field or cause unless given", ({ expect }) => {
		const e = new JumpError("INVALID_FIELD", "m");
		expect(e.field).toBeUndefined();
		expect("cause" in e).toBe(false);
	});
});
