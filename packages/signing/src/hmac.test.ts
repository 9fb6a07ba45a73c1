import { describe, it } from "vitest";
import { isSigningError } from "./errors.ts";
import { hmacSha256, hmacSha256Hex, verifyHmacSha256Hex } from "./hmac.ts";
import { hmacRfc4231 } from "./vectors.testdata.ts";

describe("hmacSha256Hex", () => {
	it.for(hmacRfc4231)("RFC 4231 case %#", async ({ key, data, mac }, { expect }) => {
		expect(await hmacSha256Hex(key, data)).toBe(mac);
	});

	it("gives the same MAC for a cached key on repeated calls", async ({ expect }) => {
		const first = await hmacSha256Hex("Jefe", "what do ya want for nothing?");
		const second = await hmacSha256Hex("Jefe", "what do ya want for nothing?");
		expect(second).toBe(first);
		expect(await hmacSha256Hex("Jefe", "other")).not.toBe(first);
	});

	it("returns raw bytes from hmacSha256", async ({ expect }) => {
		expect(await hmacSha256("k", "m")).toHaveLength(32);
	});

	it("rejects an empty secret with INVALID_KEY", async ({ expect }) => {
		const error = await hmacSha256Hex("", "m").catch((e: unknown) => e);
		expect(isSigningError(error) && error.code).toBe("INVALID_KEY");
	});
});

describe("verifyHmacSha256Hex", () => {
	const { key, data, mac } = hmacRfc4231[1];

	it("accepts the right MAC in either case", async ({ expect }) => {
		expect(await verifyHmacSha256Hex(key, data, mac)).toBe(true);
		expect(await verifyHmacSha256Hex(key, data, mac.toUpperCase())).toBe(true);
	});

	it("rejects a MAC with one changed digit, a short MAC and non-hex", async ({ expect }) => {
		const flipped = `${mac.slice(0, -1)}${mac.endsWith("3") ? "4" : "3"}`;
		expect(await verifyHmacSha256Hex(key, data, flipped)).toBe(false);
		expect(await verifyHmacSha256Hex(key, data, mac.slice(0, 62))).toBe(false);
		expect(await verifyHmacSha256Hex(key, data, `${mac.slice(0, 63)}z`)).toBe(false);
	});
});
