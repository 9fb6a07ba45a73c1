import { describe, it } from "vitest";
import { DspbError, isDspbError } from "./errors.ts";

describe("isDspbError", () => {
	it("is true for its own errors, whatever the code", ({ expect }) => {
		expect(isDspbError(new DspbError("API_ERROR", "ret 102006", { ret: 102006 }))).toBe(true);
		expect(isDspbError(new DspbError("TIMEOUT", "timed out"))).toBe(true);
	});

	it("is true for a DspbError from another copy of the package (cross-realm: name and code)", ({
		expect,
	}) => {
		class OtherCopy extends Error {
			override name = "DspbError";
			readonly code = "HTTP_ERROR";
		}
		expect(isDspbError(new OtherCopy("m"))).toBe(true);
	});

	it.for([
		["null", null],
		["undefined", undefined],
		["a plain Error", new Error("m")],
		["a TypeError", new TypeError("m")],
		["a lookalike object (not an Error)", { name: "DspbError", code: "API_ERROR", message: "m" }],
		["an Error named DspbError without a code", Object.assign(new Error("m"), { name: "DspbError" })],
		[
			"an Error named DspbError with a numeric code",
			Object.assign(new Error("m"), { name: "DspbError", code: 107073 }),
		],
		["another package's error", Object.assign(new Error("m"), { name: "JumpError", code: "INVALID_FIELD" })],
		["a string", "DspbError"],
	] as const)("is false for %s", ([, value], { expect }) => {
		expect(isDspbError(value)).toBe(false);
	});
});

describe("DspbError", () => {
	it("carries the guide's meaning of ret, and nothing it was not given", ({ expect }) => {
		const e = new DspbError("API_ERROR", "m", { ret: 107073, msg: "sign", field: "ret" });
		expect(e.retMeaning).toBe("请求签名校验不通过");
		expect([e.ret, e.msg, e.field, e.status, e.attempts]).toEqual([
			107073,
			"sign",
			"ret",
			undefined,
			undefined,
		]);
		expect(e.issues).toEqual([]);
		expect(e.name).toBe("DspbError");
		expect(e).toBeInstanceOf(Error);
	});

	it("keeps the cause", ({ expect }) => {
		const cause = new Error("socket");
		expect(new DspbError("NETWORK_ERROR", "m", { cause }).cause).toBe(cause);
		expect("cause" in new DspbError("NETWORK_ERROR", "m")).toBe(false);
	});
});
