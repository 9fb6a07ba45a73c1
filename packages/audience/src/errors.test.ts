import { describe, it } from "vitest";
import { AudienceError, isAudienceError } from "./errors.ts";

describe("isAudienceError", () => {
	it("is true for an AudienceError and carries code and field", ({ expect }) => {
		const e = new AudienceError("TRUNCATED", "short", { field: "x" });
		expect(isAudienceError(e)).toBe(true);
		expect(e.code).toBe("TRUNCATED");
		expect(e.field).toBe("x");
		expect(e.name).toBe("AudienceError");
	});

	it("is false for null, a plain Error and a look-alike without code", ({ expect }) => {
		expect(isAudienceError(null)).toBe(false);
		expect(isAudienceError(new Error("x"))).toBe(false);
		const fake = new Error("x");
		fake.name = "AudienceError";
		expect(isAudienceError(fake)).toBe(false);
	});
});
