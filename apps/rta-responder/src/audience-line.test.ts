/**
 * NDJSON audience lines → KV writes: when a record expires in KV (replace and merge mode), and
 * how merge mode combines a line with the stored record.
 * @module
 */
import { describe, it } from "vitest";
import { type AudienceWrite, MIN_TTL_SECONDS, mergeAudience, parseAudienceLine } from "./audience-line.ts";
import { parseAudienceRecord } from "./decide/record.ts";

const NOW = 1_800_000_000;
const HASH = "b496ec1169770ea274a2b4f42ca4fb71";

function write(segments: unknown[], extra: Record<string, unknown> = {}): AudienceWrite {
	const r = parseAudienceLine({ type: "imei_md5", hash: HASH, segments, ...extra }, NOW);
	if (!r.ok) throw new Error(`${r.field}: ${r.message}`);
	return r.write;
}

function stored(text: string) {
	const r = parseAudienceRecord(text);
	if (r === undefined) throw new Error(`invalid record ${text}`);
	return r;
}

describe("KV expiration of a line (replace mode)", () => {
	it("is the end of the last segment when every segment ends", ({ expect }) => {
		const w = write([
			{ id: "a", until: NOW + 7200 },
			{ id: "b", until: NOW + 3600 },
		]);
		expect(w).toEqual(
			expect.objectContaining({
				key: `imei_md5:${HASH}`,
				segments: ["a", "b"],
				until: { a: NOW + 7200, b: NOW + 3600 },
				expiration: NOW + 7200,
				ttlExpiration: undefined,
			}),
		);
	});

	it("is never while one segment is permanent", ({ expect }) => {
		expect(write(["a", { id: "b", until: NOW + 3600 }]).expiration).toBeUndefined();
	});

	it("is at least KV's minimum ahead, although the segment ends sooner", ({ expect }) => {
		expect(MIN_TTL_SECONDS).toBe(60);
		expect(write([{ id: "a", until: NOW + 5 }]).expiration).toBe(NOW + 60);
	});

	it("is the earlier of ttl_seconds and the last end", ({ expect }) => {
		expect(write([{ id: "a", until: NOW + 7200 }], { ttl_seconds: 3600 }).expiration).toBe(NOW + 3600);
		expect(write([{ id: "a", until: NOW + 600 }], { ttl_seconds: 3600 }).expiration).toBe(NOW + 600);
		expect(write(["a"], { ttl_seconds: 3600 })).toEqual(
			expect.objectContaining({ expiration: NOW + 3600, ttlExpiration: NOW + 3600 }),
		);
	});
});

describe("mergeAudience (merge mode)", () => {
	it("adds the line's segments to the stored active ones, dropping ended ones", ({ expect }) => {
		const old = stored(`{"segments":["x","ended","y"],"until":{"ended":${NOW},"y":${NOW + 100}}}`);
		expect(mergeAudience(old, write(["z", "x"]), NOW)).toEqual({
			segments: ["x", "y", "z"],
			until: { y: NOW + 100 },
			expiration: undefined,
		});
	});

	it("gives a re-sent segment the line's end time, or none", ({ expect }) => {
		const old = stored(`{"segments":["a","b"],"until":{"a":${NOW + 100},"b":${NOW + 200}}}`);
		const merged = mergeAudience(old, write(["a", { id: "b", until: NOW + 900 }]), NOW);
		expect(merged.until).toEqual({ b: NOW + 900 });
		expect(merged.expiration).toBeUndefined();
	});

	it("expires the merged record at its last end when every segment ends", ({ expect }) => {
		const old = stored(`{"segments":["a"],"until":{"a":${NOW + 7200}}}`);
		expect(mergeAudience(old, write([{ id: "b", until: NOW + 3600 }]), NOW).expiration).toBe(NOW + 7200);
	});

	it("never asks KV for an expiration less than a minute ahead", ({ expect }) => {
		const old = stored(`{"segments":["a"],"until":{"a":${NOW + 40}}}`);
		expect(mergeAudience(old, write([{ id: "b", until: NOW + 45 }]), NOW).expiration).toBe(NOW + 60);
	});

	it("keeps the line's ttl_seconds as an upper bound", ({ expect }) => {
		const old = stored(`{"segments":["a"],"until":{"a":${NOW + 7200}}}`);
		const line = write([{ id: "b", until: NOW + 7200 }], { ttl_seconds: 600 });
		expect(mergeAudience(old, line, NOW).expiration).toBe(NOW + 600);
		expect(mergeAudience(stored('{"segments":["a"]}'), line, NOW).expiration).toBe(NOW + 600);
	});

	it("is the line alone when every stored segment has ended", ({ expect }) => {
		const old = stored(`{"segments":["a"],"until":{"a":${NOW - 1}}}`);
		expect(mergeAudience(old, write([{ id: "b", until: NOW + 3600 }]), NOW)).toEqual({
			segments: ["b"],
			until: { b: NOW + 3600 },
			expiration: NOW + 3600,
		});
	});
});
