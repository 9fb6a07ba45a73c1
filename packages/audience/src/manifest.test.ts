import { describe, it } from "vitest";
import { SnapshotBuilder } from "./builder.ts";
import { isAudienceError } from "./errors.ts";
import { type ManifestDocument, parseManifest } from "./manifest.ts";
import { snapshotTag } from "./shard.ts";

function built(): ManifestDocument {
	const b = new SnapshotBuilder();
	const s = b.dictionary.intern([
		["vip", 0],
		["promo", 1_900_000_000],
	]);
	b.add("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71", s);
	const x = b.finish({ snapshotId: "snap-a" });
	for (const _ of x.shards()) {
		// encode all
	}
	return JSON.parse(JSON.stringify(x.manifest()));
}

function failure(doc: unknown): [string, string | undefined] | undefined {
	try {
		parseManifest(doc);
	} catch (e) {
		return isAudienceError(e) ? [e.code, e.field] : ["other", undefined];
	}
	return undefined;
}

describe("parseManifest", () => {
	it("parses a built manifest, from text or value", ({ expect }) => {
		const doc = built();
		const m = parseManifest(JSON.stringify(doc));
		expect(m.snapshotId).toBe("snap-a");
		expect(m.layout).toEqual({ snapshotTag: snapshotTag("snap-a"), shardBits: 0, setWidth: 1 });
		expect(m.memberships).toEqual([{ names: ["vip", "promo"], until: [0, 1_900_000_000] }]);
		expect(parseManifest(doc).shardCount).toBe(1);
	});

	it("rejects another format version", ({ expect }) => {
		expect(failure({ ...built(), format: 2 })).toEqual(["UNSUPPORTED_VERSION", "format"]);
	});

	it.for([
		["snapshot_id", { snapshot_id: "a:b" }],
		["built_at", { built_at: "yesterday" }],
		["shard_bits", { shard_bits: 25 }],
		["shard_count", { shard_count: 3 }],
		["key_bytes", { key_bytes: 8 }],
		["set_width", { set_width: 4 }],
		["records", { records: -1 }],
		["segments[1]", { segments: ["vip", "bad name"] }],
		["segments", { segments: ["vip", "vip"] }],
		["sets[0][0]", { sets: [[[5, 0]]] }],
		[
			"sets[0][1]",
			{
				sets: [
					[
						[0, 0],
						[1, -3],
					],
				],
			},
		],
		[
			"sets[0][1]",
			{
				sets: [
					[
						[0, 0],
						[0, 0],
					],
				],
			},
		],
		["sets[0]", { sets: [{}] }],
		["checksum", { checksum: "XYZ" }],
		["deltas_folded_until", { deltas_folded_until: "soon" }],
		["history", { history: {} }],
	] as const)("names the bad field: %s", ([field, patch], { expect }) => {
		expect(failure({ ...built(), ...patch })).toEqual(["INVALID_MANIFEST", field]);
	});

	it("rejects what is not a manifest at all", ({ expect }) => {
		expect(failure("{")).toEqual(["INVALID_MANIFEST", "$"]);
		expect(failure("[]")).toEqual(["INVALID_MANIFEST", "$"]);
		expect(failure(null)).toEqual(["INVALID_MANIFEST", "$"]);
	});
});
