import { describe, it } from "vitest";
import { SnapshotBuilder } from "./builder.ts";
import type { DeltaBlob, DeltaOp } from "./delta.ts";
import { fingerprint, shardOf } from "./fingerprint.ts";
import { foldDeltas } from "./fold.ts";
import type { IdType } from "./id-types.ts";
import { type ManifestDocument, parseManifest, snapshotChecksum } from "./manifest.ts";
import { openShard } from "./shard.ts";
import { prng, randomHash } from "./testing.testdata.ts";

function build(n: number, sets: number) {
	const b = new SnapshotBuilder({ shardBits: 3 });
	const setIds = Array.from({ length: sets }, (_, i) => b.dictionary.intern([[`seg${i}`, 0]]));
	const next = prng(9);
	const hashes: string[] = [];
	for (let i = 0; i < n; i++) {
		const h = randomHash(next);
		hashes.push(h);
		b.add("imei_md5", h, setIds[i % sets] as number);
	}
	const built = b.finish({ snapshotId: "fold-test" });
	const shards = [...built.shards()];
	return { hashes, shards, manifest: built.manifest() };
}

function reader(doc: ManifestDocument, shards: Uint8Array[], replaced: Map<number, Uint8Array>) {
	const m = parseManifest(doc);
	return (type: IdType, value: string) => {
		const f = fingerprint(type, value);
		const i = shardOf(f.shardWord, m.shardBits);
		const view = openShard(replaced.get(i) ?? (shards[i] as Uint8Array), m.layout, i);
		const set = view.find(f.keyHi, f.keyLo);
		return set < 0 ? null : m.memberships[set]?.names;
	};
}

const blob = (ops: DeltaOp[]): DeltaBlob => ({ format: 1, created_at: "2026-12-01T00:00:00Z", ops });

describe("foldDeltas", () => {
	it("applies replace, merge, delete and new ids in order, re-encoding only touched shards", ({ expect }) => {
		const { hashes, shards, manifest } = build(2000, 3);
		const [h0, h1, h2] = hashes as [string, string, string];
		const fresh = randomHash(prng(77));
		const result = foldDeltas(
			manifest,
			(i) => shards[i] as Uint8Array,
			[
				blob([
					{ op: "replace", type: "imei_md5", value: h0, segments: [["vip", 0]] },
					{ op: "merge", type: "imei_md5", value: h1, segments: [["vip", 1_900_000_000]] },
				]),
				blob([
					{ op: "delete", type: "imei_md5", value: h2 },
					{ op: "merge", type: "openid", value: "o_new", segments: [["new_user", 0]] },
					{ op: "merge", type: "imei_md5", value: fresh, segments: [["a", 0]] },
					{ op: "merge", type: "imei_md5", value: fresh, segments: [["b", 0]] },
				]),
			],
			1_764_000_000_000,
		);
		expect(result.ops).toBe(6);
		expect(result.ids).toBe(5);
		expect(result.shards.size).toBeLessThanOrEqual(5);
		expect(result.shards.size).toBeLessThan(8);
		const doc = result.manifest;
		expect(doc.records).toBe(2000 - 1 + 2);
		expect(doc.deltas_folded_until).toBe(1_764_000_000_000);
		expect(doc.snapshot_id).toBe("fold-test");
		const lookup = reader(doc, shards, result.shards);
		expect(lookup("imei_md5", h0)).toEqual(["vip"]);
		expect(lookup("imei_md5", h1)).toEqual(["seg1", "vip"]);
		expect(lookup("imei_md5", h2)).toBeNull();
		expect(lookup("openid", "o_new")).toEqual(["new_user"]);
		expect(lookup("imei_md5", fresh)).toEqual(["a", "b"]);
		expect(lookup("imei_md5", hashes[3] as string)).toEqual(["seg0"]);
		const m = parseManifest(doc);
		const crcs = shards.map((s, i) => openShard(result.shards.get(i) ?? s, m.layout, i).recordsCrc);
		expect(doc.checksum).toBe(snapshotChecksum(crcs));
	});

	it("re-encodes every shard when new sets widen the set index", ({ expect }) => {
		const { hashes, shards, manifest } = build(600, 256);
		expect(manifest.set_width).toBe(1);
		const result = foldDeltas(
			manifest,
			(i) => shards[i] as Uint8Array,
			[blob([{ op: "replace", type: "imei_md5", value: hashes[0] as string, segments: [["brand_new", 0]] }])],
			1,
		);
		expect(result.manifest.set_width).toBe(2);
		expect(result.shards.size).toBe(8);
		const lookup = reader(result.manifest, shards, result.shards);
		expect(lookup("imei_md5", hashes[0] as string)).toEqual(["brand_new"]);
		expect(lookup("imei_md5", hashes[599] as string)).toEqual([`seg${599 % 256}`]);
	});

	it("with no deltas only moves the cursor", ({ expect }) => {
		const { shards, manifest } = build(100, 2);
		const result = foldDeltas(manifest, (i) => shards[i] as Uint8Array, [], 42);
		expect(result.shards.size).toBe(0);
		expect(result.manifest).toEqual({ ...manifest, deltas_folded_until: 42 });
	});
});
