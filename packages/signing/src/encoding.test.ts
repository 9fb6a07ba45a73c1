import { describe, it } from "vitest";
import { bytesToHex, hexToBytes, toBytes } from "./encoding.ts";
import { isSigningError } from "./errors.ts";

describe("hex", () => {
	it("round-trips every byte value", ({ expect }) => {
		const all = Uint8Array.from({ length: 256 }, (_, i) => i);
		const hex = bytesToHex(all);
		expect(hex).toMatch(/^[0-9a-f]{512}$/);
		expect(hex.slice(0, 6)).toBe("000102");
		expect(hex.slice(-4)).toBe("feff");
		expect(hexToBytes(hex)).toEqual(all);
		expect(hexToBytes(hex.toUpperCase())).toEqual(all);
	});

	it("decodes each pair in place, and nothing for empty input", ({ expect }) => {
		expect(hexToBytes("0aFf10")).toEqual(new Uint8Array([0x0a, 0xff, 0x10]));
		expect(hexToBytes("")).toEqual(new Uint8Array(0));
		expect(bytesToHex(new Uint8Array(0))).toBe("");
	});

	it.for(["abc", "zz", "0x00", "0g", " 00", "00\n", "00 ", "１２"])(
		"rejects %j with INVALID_HEX, naming the length",
		(bad, { expect }) => {
			let caught: unknown;
			try {
				hexToBytes(bad);
			} catch (e) {
				caught = e;
			}
			expect(isSigningError(caught) && caught.code).toBe("INVALID_HEX");
			expect(isSigningError(caught) && caught.message).toBe(
				`not an even-length hex string (length ${bad.length})`,
			);
		},
	);
});

describe("toBytes", () => {
	it("encodes text as UTF-8 and passes ArrayBuffer-backed bytes through", ({ expect }) => {
		expect(toBytes("é中")).toEqual(new Uint8Array([0xc3, 0xa9, 0xe4, 0xb8, 0xad]));
		const bytes = new Uint8Array([1, 2, 3]);
		expect(toBytes(bytes)).toBe(bytes);
	});

	it("copies bytes backed by a SharedArrayBuffer, which WebCrypto refuses", ({ expect }) => {
		const shared = new Uint8Array(new SharedArrayBuffer(2));
		shared.set([7, 8]);
		const copy = toBytes(shared);
		expect(copy).not.toBe(shared);
		expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
		expect([...copy]).toEqual([7, 8]);
	});
});
