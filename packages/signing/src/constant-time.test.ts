import { describe, it } from "vitest";
import { timingSafeEqual } from "./constant-time.ts";

describe("timingSafeEqual", () => {
	it("is true only for identical values", ({ expect }) => {
		expect(timingSafeEqual("secret-value", "secret-value")).toBe(true);
		expect(timingSafeEqual("secret-value", "secret-valuf")).toBe(false);
		expect(timingSafeEqual("", "")).toBe(true);
	});

	it("treats a prefix as different (length counts)", ({ expect }) => {
		expect(timingSafeEqual("abc", "abcd")).toBe(false);
		expect(timingSafeEqual("abcd", "abc")).toBe(false);
		expect(timingSafeEqual("", "a")).toBe(false);
	});

	it("does not confuse trailing NUL bytes with absence", ({ expect }) => {
		expect(timingSafeEqual("a", "a\u0000")).toBe(false);
	});

	it("compares UTF-8 bytes and accepts byte arrays", ({ expect }) => {
		expect(timingSafeEqual("中", new TextEncoder().encode("中"))).toBe(true);
		expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
	});
});
