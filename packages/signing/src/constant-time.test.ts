import { describe, it } from "vitest";
import { timingSafeEqual } from "./constant-time.ts";

describe("timingSafeEqual", () => {
	it("is true only for identical values", ({ expect }) => {
		expect(timingSafeEqual("secret-value", "secret-value")).toBe(true);
		expect(timingSafeEqual("secret-value", "secret-valuf")).toBe(false);
		expect(timingSafeEqual("", "")).toBe(true);
	});

	it("finds a difference in any position, the first and the last byte included", ({ expect }) => {
		const secret = "0123456789abcdef";
		for (let i = 0; i < secret.length; i++) {
			const changed = `${secret.slice(0, i)}x${secret.slice(i + 1)}`;
			expect(timingSafeEqual(secret, changed)).toBe(false);
			expect(timingSafeEqual(changed, secret)).toBe(false);
		}
	});

	it("sees every bit of a byte", ({ expect }) => {
		for (let bit = 0; bit < 8; bit++) {
			expect(timingSafeEqual(new Uint8Array([0]), new Uint8Array([1 << bit]))).toBe(false);
			expect(timingSafeEqual(new Uint8Array([0xff]), new Uint8Array([0xff ^ (1 << bit)]))).toBe(false);
		}
		expect(timingSafeEqual(new Uint8Array([0, 0xff, 0x80]), new Uint8Array([0, 0xff, 0x80]))).toBe(true);
	});

	it("treats a prefix as different, whichever side is shorter (length counts)", ({ expect }) => {
		expect(timingSafeEqual("abc", "abcd")).toBe(false);
		expect(timingSafeEqual("abcd", "abc")).toBe(false);
		expect(timingSafeEqual("", "a")).toBe(false);
		expect(timingSafeEqual("a", "")).toBe(false);
	});

	it("does not confuse trailing or leading NUL bytes with absence", ({ expect }) => {
		expect(timingSafeEqual("a", "a\u0000")).toBe(false);
		expect(timingSafeEqual("a\u0000", "a")).toBe(false);
		expect(timingSafeEqual("\u0000a", "a")).toBe(false);
		expect(timingSafeEqual(new Uint8Array([0]), new Uint8Array(0))).toBe(false);
	});

	it("compares UTF-8 bytes and accepts byte arrays", ({ expect }) => {
		expect(timingSafeEqual("中", new TextEncoder().encode("中"))).toBe(true);
		expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
		// "é" precomposed and decomposed look alike but are different bytes.
		expect(timingSafeEqual("\u00e9", "e\u0301")).toBe(false);
	});
});
