/**
 * NDJSON audience lines → delta operations: ids resolved (raw, hashed, openid; placeholders
 * refused), segment ends from `until` and `ttl_seconds`, bounds every line gets its own error for.
 * @module
 */
import { md5Hex } from "@txad/signing";
import { describe, it } from "vitest";
import { MIN_TTL_SECONDS, parseAudienceLine, resolveId } from "./audience-line.ts";

const NOW = 1_800_000_000;
const HASH = "b496ec1169770ea274a2b4f42ca4fb71";

function entries(segments: unknown[], extra: Record<string, unknown> = {}) {
	const r = parseAudienceLine({ type: "imei_md5", hash: HASH, segments, ...extra }, NOW);
	if (!r.ok) throw new Error(`${r.field}: ${r.message}`);
	return r.write.entries;
}

function failure(line: unknown): [string, string] | undefined {
	const r = parseAudienceLine(line, NOW);
	return r.ok ? undefined : [r.field, r.message];
}

describe("parseAudienceLine", () => {
	it("resolves a hash, a raw id and an openid to the stored form", ({ expect }) => {
		const byHash = parseAudienceLine({ type: "imei_md5", hash: HASH.toUpperCase(), segments: ["a"] }, NOW);
		expect(byHash).toEqual({
			ok: true,
			write: { type: "imei_md5", value: HASH, key: `imei_md5:${HASH}`, entries: [["a", 0]] },
		});
		const raw = parseAudienceLine({ type: "imei", id: "354649050046412", segments: ["a"] }, NOW);
		expect(raw.ok && raw.write.value).toBe(HASH);
		const detected = parseAudienceLine({ id: "1E2DFA89-496A-47FD-9941-DF1FC4E6484A", segments: ["a"] }, NOW);
		expect(detected.ok && detected.write.type).toBe("idfa_md5");
		const openid = parseAudienceLine({ type: "openid", id: " o_1 ", segments: ["a"] }, NOW);
		expect(openid.ok && openid.write.key).toBe("openid:o_1");
	});

	it("takes each segment's end from until, capped by ttl_seconds; the last of a repeated name wins", ({
		expect,
	}) => {
		expect(entries(["a", { id: "b", until: NOW + 100 }, { id: "c", until: "2030-01-01T00:00:00Z" }])).toEqual(
			[
				["a", 0],
				["b", NOW + 100],
				["c", 1_893_456_000],
			],
		);
		expect(
			entries(["a", { id: "b", until: NOW + 100 }, { id: "c", until: NOW + 9000 }], { ttl_seconds: 3600 }),
		).toEqual([
			["a", NOW + 3600],
			["b", NOW + 100],
			["c", NOW + 3600],
		]);
		expect(entries(["a", { id: "a", until: NOW + 5 }])).toEqual([["a", NOW + 5]]);
		expect(MIN_TTL_SECONDS).toBe(60);
	});

	it("accepts ends past 2038 and ttls past 2^31 s (no KV expiration involved)", ({ expect }) => {
		expect(entries([{ id: "a", until: "2038-01-19T03:14:08Z" }])).toEqual([["a", 2_147_483_648]]);
		expect(entries([{ id: "a", until: 4_102_444_800 }])).toEqual([["a", 4_102_444_800]]);
		expect(entries(["a"], { ttl_seconds: 2 ** 31 + 5 })).toEqual([["a", NOW + 2 ** 31 + 5]]);
	});

	it.for([
		["until in the past", { segments: [{ id: "a", until: NOW }] }, "segments[0].until", "is in the past"],
		[
			"until after 9999",
			{ segments: [{ id: "a", until: 253_402_300_800 }] },
			"segments[0].until",
			"is after 9999-12-31",
		],
		[
			"until not a time",
			{ segments: [{ id: "a", until: "soon" }] },
			"segments[0].until",
			"must be epoch seconds or an ISO 8601 instant",
		],
		["ttl too small", { segments: ["a"], ttl_seconds: 59 }, "ttl_seconds", "must be an integer ≥ 60"],
		["ttl fractional", { segments: ["a"], ttl_seconds: 90.5 }, "ttl_seconds", "must be an integer ≥ 60"],
		["ttl past 9999", { segments: ["a"], ttl_seconds: 1e15 }, "ttl_seconds", "ends after 9999-12-31"],
		["no segments", { segments: [] }, "segments", "must be a non-empty array of segment names"],
		[
			"65 segments",
			{ segments: Array.from({ length: 65 }, (_, i) => `s${i}`) },
			"segments",
			"at most 64 segments",
		],
		[
			"bad name",
			{ segments: ["a b"] },
			"segments[0]",
			"must be a segment name (1–64 of A-Z a-z 0-9 _ . : -) or {id, until}",
		],
	] as const)("refuses %s, naming the field", ([, extra, field, message], { expect }) => {
		expect(failure({ type: "imei_md5", hash: HASH, ...extra })).toEqual([field, message]);
	});

	it("refuses unknown fields, both or neither of hash and id, and a hash without its type", ({ expect }) => {
		expect(failure({ type: "imei_md5", hash: HASH, segments: ["a"], seg: 1 })).toEqual([
			"seg",
			"unknown field",
		]);
		expect(failure({ type: "imei_md5", hash: HASH, id: "x", segments: ["a"] })?.[0]).toBe("id");
		expect(failure({ type: "imei_md5", segments: ["a"] })?.[0]).toBe("id");
		expect(failure({ hash: HASH, segments: ["a"] })).toEqual([
			"type",
			"a hash needs its id type, e.g. imei_md5",
		]);
		expect(failure({ type: "imei_md5", id: "354649050046412", segments: ["a"] })?.[0]).toBe("type");
		expect(failure([1])).toEqual(["", "a line must be a JSON object"]);
	});
});

describe("resolveId: one placeholder list with /rta", () => {
	it.for(["UNKNOWN", "02:00:00:00:00:00", "nil", "undefined", ""])(
		"refuses the md5 of %j as a hash",
		(raw, { expect }) => {
			expect(resolveId("imei_md5", md5Hex(raw))).toMatchObject({ field: "hash" });
		},
	);

	it("refuses raw placeholders and ids that hash to one, keeps real ids", ({ expect }) => {
		expect(resolveId("mac", "02:00:00:00:00:00")).toMatchObject({ field: "id" });
		expect(resolveId("idfa", "unknown")).toMatchObject({ field: "id" });
		expect(resolveId("openid", "null")).toMatchObject({ field: "id" });
		expect(resolveId("openid", "x".repeat(129))).toMatchObject({ field: "id" });
		expect(resolveId("imei", "354649050046412")).toEqual({ type: "imei_md5", value: HASH });
		expect(resolveId("phone", "1")).toMatchObject({ field: "type" });
	});
});
