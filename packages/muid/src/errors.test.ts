import { SigningError } from "@txad/signing";
import { describe, it } from "vitest";
import { isMuidError, MuidError } from "./errors.ts";

/** What another copy of this package (a second bundle) throws: same name and code, other class. */
function foreignMuidError(code: unknown): Error {
	return Object.assign(new Error("from another copy"), { name: "MuidError", code });
}

describe("MuidError", () => {
	it("carries code, message, name and cause", ({ expect }) => {
		const cause = new Error("underlying");
		const e = new MuidError("INVALID_HASH", "a device id hash must be 32 hex characters (md5)", { cause });
		expect(e).toBeInstanceOf(Error);
		expect(e.name).toBe("MuidError");
		expect(e.code).toBe("INVALID_HASH");
		expect(e.message).toBe("a device id hash must be 32 hex characters (md5)");
		expect(e.cause).toBe(cause);
	});
});

describe("isMuidError", () => {
	class DerivedMuidError extends MuidError {}

	it.for(["UNKNOWN_KIND", "EMPTY_ID", "MALFORMED_ID", "INVALID_HASH"])(
		"is true for a MuidError with code %s",
		(code, { expect }) => {
			expect(isMuidError(new MuidError(code as MuidError["code"], "m"))).toBe(true);
			// A copy of the package from another bundle has its own class: name and code decide.
			expect(isMuidError(foreignMuidError(code))).toBe(true);
		},
	);

	it("is true for a subclass", ({ expect }) => {
		expect(isMuidError(new DerivedMuidError("EMPTY_ID", "m"))).toBe(true);
	});

	it.for([
		["null", null],
		["undefined", undefined],
		["a string", "MuidError"],
		["a plain Error", new Error("x")],
		["a SigningError", new SigningError("INVALID_HEX", "x")],
		["an Error named MuidError without a code", Object.assign(new Error("x"), { name: "MuidError" })],
		["an Error named MuidError with a numeric code", foreignMuidError(1)],
		["an Error named MuidError with an unknown code", foreignMuidError("NOT_A_CODE")],
		["an Error with a known code but another name", Object.assign(new Error("x"), { code: "EMPTY_ID" })],
		["a plain object shaped like a MuidError", { name: "MuidError", code: "EMPTY_ID", message: "x" }],
	] as const)("is false for %s", ([, value], { expect }) => {
		expect(isMuidError(value)).toBe(false);
	});
});
