import { describe, it } from "vitest";
import { isSigningError, SigningError } from "./errors.ts";

/** What another copy of this package (a second bundle) throws: same name and code, other class. */
function foreignSigningError(code: unknown): Error {
	return Object.assign(new Error("from another copy"), { name: "SigningError", code });
}

describe("SigningError", () => {
	it("carries code, field, message and name", ({ expect }) => {
		const e = new SigningError("INVALID_FIELD", "pos must be a JSON object", { field: "pos" });
		expect(e).toBeInstanceOf(Error);
		expect(e.name).toBe("SigningError");
		expect(e.code).toBe("INVALID_FIELD");
		expect(e.field).toBe("pos");
		expect(e.message).toBe("pos must be a JSON object");
	});

	it("keeps a cause when one is given, and has none otherwise", ({ expect }) => {
		const cause = new SyntaxError("bad");
		expect(new SigningError("INVALID_FIELD", "m", { field: "pos", cause }).cause).toBe(cause);
		const plain = new SigningError("INVALID_HEX", "m");
		expect("cause" in plain).toBe(false);
		expect(plain.field).toBeUndefined();
		expect("cause" in new SigningError("INVALID_FIELD", "m", { field: "pos" })).toBe(false);
	});
});

describe("isSigningError", () => {
	class DerivedSigningError extends SigningError {}

	it.for(["INVALID_KEY", "INVALID_HEX", "INVALID_FIELD"])(
		"is true for a SigningError with code %s",
		(code, { expect }) => {
			expect(isSigningError(new SigningError(code as SigningError["code"], "m"))).toBe(true);
			// A copy of the package from another bundle has its own class: name and code decide.
			expect(isSigningError(foreignSigningError(code))).toBe(true);
		},
	);

	it("is true for a subclass", ({ expect }) => {
		expect(isSigningError(new DerivedSigningError("INVALID_KEY", "m"))).toBe(true);
	});

	it.for([
		["null", null],
		["undefined", undefined],
		["a string", "SigningError"],
		["a plain Error", new Error("x")],
		["a TypeError", new TypeError("x")],
		["an Error named SigningError without a code", Object.assign(new Error("x"), { name: "SigningError" })],
		["an Error named SigningError with a numeric code", foreignSigningError(42)],
		["an Error named SigningError with an unknown code", foreignSigningError("NOT_A_CODE")],
		["an Error with a known code but another name", Object.assign(new Error("x"), { code: "INVALID_KEY" })],
		[
			"a plain object shaped like a SigningError",
			{ name: "SigningError", code: "INVALID_KEY", message: "x", field: undefined },
		],
	] as const)("is false for %s", ([, value], { expect }) => {
		expect(isSigningError(value)).toBe(false);
	});
});
