import { describe, it } from "vitest";
import { describeCode, RESPONDER_CODE_NAMES } from "./rta-codes.ts";

describe("RESPONDER_CODE_NAMES", () => {
	it("formats known and unknown codes", ({ expect }) => {
		expect(describeCode(4)).toBe("4 NO_STRATEGY");
		expect(describeCode(42)).toBe("42");
	});

	it("equals apps/rta-responder/src/codes.ts", async ({ expect, skip }) => {
		let codes: Record<string, number>;
		try {
			// Read-only look at the responder's table, so the two cannot drift.
			({ RtaCode: codes } = await import("../../../../apps/rta-responder/src/codes.ts"));
		} catch {
			skip("apps/rta-responder/src/codes.ts not there");
			return;
		}
		expect(Object.fromEntries(Object.entries(codes).map(([name, code]) => [code, name]))).toEqual(
			Object.fromEntries(Object.entries(RESPONDER_CODE_NAMES).map(([c, n]) => [String(c), n])),
		);
	});
});
