import { afterEach, describe, it, vi } from "vitest";
import { isSigningError } from "./errors.ts";
import { hmacSha256, hmacSha256Hex, verifyHmacSha256Hex } from "./hmac.ts";
import { hmacRfc4231 } from "./vectors.testdata.ts";

/** A secret no other test has used, so the module's key cache has never seen it. */
let secretCount = 0;
const freshSecret = (): string => `fresh-secret-${Date.now()}-${secretCount++}`;

afterEach(() => {
	vi.restoreAllMocks();
});

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
		const mac = await hmacSha256("Jefe", "what do ya want for nothing?");
		expect(mac).toBeInstanceOf(Uint8Array);
		expect(mac).toHaveLength(32);
		expect(mac[0]).toBe(0x5b);
	});

	it("rejects an empty secret, as text or bytes, with INVALID_KEY", async ({ expect }) => {
		for (const secret of ["", new Uint8Array(0)]) {
			const error = await hmacSha256Hex(secret, "m").catch((e: unknown) => e);
			expect(isSigningError(error) && error.code).toBe("INVALID_KEY");
			expect(isSigningError(error) && error.message).toBe("HMAC secret is empty");
		}
	});
});

describe("imported key cache", () => {
	it("imports a secret once, as a non-extractable HMAC-SHA256 key", async ({ expect }) => {
		const importKey = vi.spyOn(crypto.subtle, "importKey");
		const secret = freshSecret();
		const mac = await hmacSha256Hex(secret, "m");
		expect(await hmacSha256Hex(secret, "m")).toBe(mac);
		// A text secret and its UTF-8 bytes are the same HMAC key.
		expect(await hmacSha256Hex(new TextEncoder().encode(secret), "m")).toBe(mac);
		expect(importKey).toHaveBeenCalledTimes(1);
		const key = (await importKey.mock.results[0]?.value) as CryptoKey;
		expect(key.extractable).toBe(false);
		expect(key.algorithm).toMatchObject({ name: "HMAC", hash: { name: "SHA-256" } });
		expect([...key.usages].sort()).toEqual(["sign", "verify"]);
	});

	it("keeps text and byte secrets apart when their texts look alike", async ({ expect }) => {
		// Bytes 1,2 and the text "1,2" are different keys; neither may hit the other's cache entry.
		const text = await hmacSha256Hex("1,2", "m");
		const bytes = await hmacSha256Hex(new Uint8Array([1, 2]), "m");
		expect(bytes).not.toBe(text);
		expect(await hmacSha256Hex("1,2", "m")).toBe(text);
		expect(await hmacSha256Hex(new Uint8Array([1, 2]), "m")).toBe(bytes);
	});

	it("does not keep a failed import, so the next call retries", async ({ expect }) => {
		const importKey = vi.spyOn(crypto.subtle, "importKey");
		importKey.mockRejectedValueOnce(new Error("injected import failure"));
		const secret = freshSecret();
		await expect(hmacSha256Hex(secret, "m")).rejects.toThrow("injected import failure");
		expect(await hmacSha256Hex(secret, "m")).toMatch(/^[0-9a-f]{64}$/);
		expect(importKey).toHaveBeenCalledTimes(2);
	});

	it("holds the 64 most recently imported secrets and drops the oldest", async ({ expect }) => {
		const secrets = Array.from({ length: 65 }, freshSecret);
		for (const secret of secrets) await hmacSha256Hex(secret, "m");
		const importKey = vi.spyOn(crypto.subtle, "importKey");
		// The 64 newest are all still cached, the second-oldest included ...
		for (const secret of secrets.slice(1)) await hmacSha256Hex(secret, "m");
		expect(importKey).toHaveBeenCalledTimes(0);
		// ... and the oldest was dropped when the 65th came in.
		await hmacSha256Hex(secrets[0] as string, "m");
		expect(importKey).toHaveBeenCalledTimes(1);
	});
});

describe("verifyHmacSha256Hex", () => {
	const { key, data, mac } = hmacRfc4231[1];

	it("accepts the right MAC in either case", async ({ expect }) => {
		expect(await verifyHmacSha256Hex(key, data, mac)).toBe(true);
		expect(await verifyHmacSha256Hex(key, data, mac.toUpperCase())).toBe(true);
		expect(
			await verifyHmacSha256Hex(new TextEncoder().encode(key), new TextEncoder().encode(data), mac),
		).toBe(true);
	});

	it("rejects a MAC with one changed digit, or for another message or key", async ({ expect }) => {
		const flipped = `${mac.slice(0, -1)}${mac.endsWith("3") ? "4" : "3"}`;
		expect(await verifyHmacSha256Hex(key, data, flipped)).toBe(false);
		expect(await verifyHmacSha256Hex(key, `${data}!`, mac)).toBe(false);
		expect(await verifyHmacSha256Hex(`${key}!`, data, mac)).toBe(false);
	});

	it.for([
		["empty", ""],
		["62 digits (31 bytes)", mac.slice(0, 62)],
		["63 digits (odd length)", mac.slice(0, 63)],
		["65 digits (odd length)", `${mac}0`],
		["66 digits (33 bytes)", `${mac}00`],
		["128 digits (the MAC twice)", mac + mac],
		["a non-hex last digit", `${mac.slice(0, 63)}z`],
		["a non-hex first digit", `z${mac.slice(1)}`],
		["a 0x prefix", `0x${mac.slice(2)}`],
		["surrounding white space", ` ${mac} `],
		["a trailing newline", `${mac.slice(0, 63)}\n`],
		["hex with a non-hex prefix", `zz${mac}`],
		["hex with a non-hex suffix", `${mac}zz`],
		["non-ASCII digits", "３".repeat(64)],
	] as const)("returns false, never throws, for a MAC with %s", async ([, bad], { expect }) => {
		expect(await verifyHmacSha256Hex(key, data, bad)).toBe(false);
	});

	it.for([
		["null (a missing query parameter)", null],
		["undefined", undefined],
		["a number", 42],
		["the MAC's bytes", new Uint8Array(32)],
		// Query-string parsers give an array for a repeated parameter; it stringifies to the MAC.
		["an array holding the right MAC", [mac]],
	] as const)("returns false for a MAC that is %s", async ([, bad], { expect }) => {
		expect(await verifyHmacSha256Hex(key, data, bad as unknown as string)).toBe(false);
	});

	it("still rejects an empty secret with INVALID_KEY, whatever the MAC", async ({ expect }) => {
		for (const given of [mac, "not hex"]) {
			const error = await verifyHmacSha256Hex("", data, given).catch((e: unknown) => e);
			expect(isSigningError(error) && error.code).toBe("INVALID_KEY");
		}
	});
});
