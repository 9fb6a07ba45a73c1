import { describe, it } from "vitest";
import { isAudienceError } from "./errors.ts";
import { fingerprint, fingerprintInto, shardOf } from "./fingerprint.ts";
import { ID_TYPES } from "./id-types.ts";
import { prng, randomHash, sequentialHash } from "./testing.testdata.ts";

const IMEI = "b496ec1169770ea274a2b4f42ca4fb71"; // md5 of IMEI 354649050046412

describe("fingerprint", () => {
	it("is stable: snapshots built by one version are read by the next (golden values)", ({ expect }) => {
		expect(fingerprint("imei_md5", IMEI)).toEqual({
			shardWord: 0x5478f544,
			keyHi: 0x3efd7ab5,
			keyLo: 0x45ce1c,
		});
		expect(fingerprint("openid", "o_demo_openid_0001")).toEqual({
			shardWord: 0xe6196fce,
			keyHi: 0x5e80fa83,
			keyLo: 0xb8bd14,
		});
	});

	it("ignores hex case and tells id types apart", ({ expect }) => {
		expect(fingerprint("imei_md5", IMEI.toUpperCase())).toEqual(fingerprint("imei_md5", IMEI));
		const words = new Set(ID_TYPES.map((t) => fingerprint(t, IMEI).shardWord));
		expect(words.size).toBe(ID_TYPES.length);
	});

	it("rejects what is not 32 hex characters", ({ expect }) => {
		const out = new Uint32Array(3);
		for (const bad of ["", IMEI.slice(1), `${IMEI}0`, `${IMEI.slice(0, 31)}g`, `${IMEI.slice(0, 31)}é`])
			expect(fingerprintInto("imei_md5", bad, out), bad).toBe(false);
		expect(fingerprintInto("nope" as "imei_md5", IMEI, out)).toBe(false);
		let caught: unknown;
		try {
			fingerprint("oaid_md5", "xyz");
		} catch (e) {
			caught = e;
		}
		expect(isAudienceError(caught) && caught.code).toBe("INVALID_ID");
	});

	it("spreads structured ids as evenly as random ones over 256 shards", ({ expect }) => {
		const n = 51_200;
		for (const make of [
			(i: number) => sequentialHash(i),
			(
				(r) => () =>
					randomHash(r)
			)(prng(7)),
		]) {
			const counts = new Array(256).fill(0);
			for (let i = 0; i < n; i++) counts[shardOf(fingerprint("imei_md5", make(i)).shardWord, 8)]++;
			// Chi-square with 255 degrees of freedom: 99.9 % of uniform draws stay below 330.
			const mean = n / 256;
			const chi = counts.reduce((s, c) => s + (c - mean) ** 2 / mean, 0);
			expect(chi).toBeLessThan(330);
		}
	});

	it("keeps keys distinct for structured ids (no collisions in 200k)", ({ expect }) => {
		const seen = new Set<string>();
		for (let i = 0; i < 200_000; i++) {
			const f = fingerprint("mac_md5", sequentialHash(i));
			seen.add(`${f.shardWord >>> 16}:${f.keyHi}:${f.keyLo}`);
		}
		expect(seen.size).toBe(200_000);
	});
});

describe("shardOf", () => {
	it("takes the top bits, and one shard for 0 bits", ({ expect }) => {
		expect(shardOf(0xffffffff, 0)).toBe(0);
		expect(shardOf(0x80000000, 1)).toBe(1);
		expect(shardOf(0x7fffffff, 1)).toBe(0);
		expect(shardOf(0xabcdef12, 16)).toBe(0xabcd);
		expect(shardOf(0xabcdef12, 24)).toBe(0xabcdef);
	});
});
