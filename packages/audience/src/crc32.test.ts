import { describe, it } from "vitest";
import { crc32 } from "./crc32.ts";

describe("crc32", () => {
	it("matches the IEEE check value and continues in pieces", ({ expect }) => {
		const bytes = new TextEncoder().encode("123456789");
		expect(crc32(bytes)).toBe(0xcbf43926);
		expect(crc32(bytes, 4, 9, crc32(bytes, 0, 4))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array())).toBe(0);
	});
});
