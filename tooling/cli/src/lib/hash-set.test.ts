import { md5Hex } from "@txad/signing";
import { describe, it } from "vitest";
import { Md5Set } from "./hash-set.ts";

describe("Md5Set", () => {
	it("agrees with a Set<string> across growth, duplicates included", ({ expect }) => {
		const set = new Md5Set(16);
		const reference = new Set<string>();
		for (let i = 0; i < 50_000; i++) {
			const hash = md5Hex(String(i % 37_000));
			expect(set.add(hash)).toBe(!reference.has(hash));
			reference.add(hash);
		}
		expect(set.size).toBe(reference.size);
		expect(set.size).toBe(37_000);
	});

	it("keeps the all-zero hash although zero marks empty slots", ({ expect }) => {
		const set = new Md5Set();
		const zero = "0".repeat(32);
		expect(set.add(zero)).toBe(true);
		expect(set.add(zero)).toBe(false);
		expect(set.size).toBe(1);
	});

	it("uses at most ~43 bytes per entry", ({ expect }) => {
		const set = new Md5Set();
		for (let i = 0; i < 100_000; i++) set.add(md5Hex(`d${i}`));
		expect(set.bytes / set.size).toBeLessThanOrEqual(43);
	});
});
