import { describe, it } from "vitest";
import { bytesToHex, hexToBytes } from "./encoding.ts";
import { isSigningError } from "./errors.ts";

describe("hex", () => {
	it("round-trips every byte value", ({ expect }) => {
		const all = Uint8Array.from({ length: 256 }, (_, i) => i);
		const hex = bytesToHex(all);
		expect(hex).toMatch(/^[0-9a-f]{512}$/);
		expect(hexToBytes(hex)).toEqual(all);
		expect(hexToBytes(hex.toUpperCase())).toEqual(all);
	});

	it.for(["abc", "zz", "0x00"])("rejects %j with INVALID_HEX", (bad, { expect }) => {
		let caught: unknown;
		try {
			hexToBytes(bad);
		} catch (e) {
			caught = e;
		}
		expect(isSigningError(caught) && caught.code).toBe("INVALID_HEX");
	});
});
