import { describe, it } from "vitest";
import { chooseShardBits, SnapshotBuilder, setWidthFor } from "./builder.ts";
import { isAudienceError } from "./errors.ts";
import { fingerprint, shardOf } from "./fingerprint.ts";
import type { IdType } from "./id-types.ts";
import { parseManifest, snapshotChecksum } from "./manifest.ts";
import { openShard, type ShardView } from "./shard.ts";
import { prng, randomHash } from "./testing.testdata.ts";

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (e) {
		return isAudienceError(e) ? e.code : "other";
	}
	return undefined;
}

function openAll(shards: Uint8Array[], manifestJson: unknown) {
	const manifest = parseManifest(JSON.parse(JSON.stringify(manifestJson)));
	const views = shards.map((bytes, i) => openShard(bytes, manifest.layout, i));
	const lookup = (type: IdType, value: string) => {
		const f = fingerprint(type, value);
		const view = views[shardOf(f.shardWord, manifest.shardBits)] as ShardView;
		const set = view.find(f.keyHi, f.keyLo);
		return set < 0 ? null : manifest.memberships[set];
	};
	return { manifest, views, lookup };
}

describe("SnapshotBuilder", () => {
	it("round-trips ids of every type; duplicates get the union of their sets", ({ expect }) => {
		const b = new SnapshotBuilder({ targetShardBytes: 2048 });
		const sets = [
			b.dictionary.intern([["new_user", 0]]),
			b.dictionary.intern([["vip", 1_900_000_000]]),
			b.dictionary.intern([
				["new_user", 0],
				["installed", 0],
			]),
		];
		const types: IdType[] = ["imei_md5", "oaid_md5", "idfa_md5", "caid_md5", "android_id_md5", "mac_md5"];
		const next = prng(42);
		const expected = new Map<string, string[]>();
		for (let i = 0; i < 20_000; i++) {
			const type = types[i % types.length] as IdType;
			const hash = randomHash(next);
			const set = sets[i % 3] as number;
			expect(b.add(type, hash, set)).toBe(true);
			expected.set(`${type}:${hash}`, b.dictionary.membership(set).names as string[]);
		}
		// The same device again under another set, in upper case: one record, both sets.
		const [firstKey] = expected.keys();
		const [t0, h0] = (firstKey as string).split(":") as [IdType, string];
		b.add(t0, h0.toUpperCase(), sets[1] as number);
		expected.set(firstKey as string, ["new_user", "vip"]);
		expect(b.add("openid", "o_demo_openid_0001", sets[1] as number)).toBe(true);
		expected.set("openid:o_demo_openid_0001", ["vip"]);
		expect(b.add("imei_md5", "not-a-hash", 0)).toBe(false);

		const built = b.finish({
			snapshotId: "test-snap",
			builtAt: new Date("2026-12-01T00:00:00Z"),
			deltasFoldedUntil: 5,
		});
		expect(built.records).toBe(20_001);
		expect(built.duplicates).toBe(1);
		expect(built.shardCount).toBe(2 ** built.shardBits);
		const shards = [...built.shards()];
		expect(shards).toHaveLength(built.shardCount);
		const doc = built.manifest();
		expect(doc).toMatchObject({
			format: 1,
			snapshot_id: "test-snap",
			built_at: "2026-12-01T00:00:00.000Z",
			records: 20_001,
			set_width: 1,
			deltas_folded_until: 5,
		});
		const { manifest, views, lookup } = openAll(shards, doc);
		for (const [key, names] of expected) {
			const [type, value] = key.split(/:(.*)/s) as [IdType, string];
			expect(lookup(type, value)?.names, key).toEqual(names);
		}
		expect(lookup("imei_md5", randomHash(prng(7)))).toBeNull();
		expect(lookup("oaid_md5", h0)).toBeNull(); // same hash, other id type
		expect(manifest.document.checksum).toBe(snapshotChecksum(views.map((v) => v.recordsCrc)));
		expect(views.reduce((s, v) => s + v.count, 0)).toBe(20_001);
		expect(doc.stats?.bytes).toBe(shards.reduce((s, x) => s + x.byteLength, 0));
	});

	it("sizes shards from the id count: mean near the target, none near 64 KiB", ({ expect }) => {
		const b = new SnapshotBuilder();
		const set = b.dictionary.intern([["a", 0]]);
		const next = prng(3);
		for (let i = 0; i < 300_000; i++) b.add("imei_md5", randomHash(next), set);
		const built = b.finish();
		const sizes = [...built.shards()].map((s) => s.byteLength);
		const mean = sizes.reduce((s, x) => s + x, 0) / sizes.length;
		expect(built.shardBits).toBe(chooseShardBits(300_000, 8));
		expect(mean).toBeLessThanOrEqual(16 * 1024);
		expect(mean).toBeGreaterThan(4 * 1024);
		expect(Math.max(...sizes)).toBeLessThan(32 * 1024);
		expect(built.manifest().stats?.shard_bytes_max).toBe(Math.max(...sizes));
	});

	it("builds an empty snapshot of one empty shard", ({ expect }) => {
		const built = new SnapshotBuilder().finish({ snapshotId: "empty" });
		const shards = [...built.shards()];
		expect(shards).toHaveLength(1);
		const { lookup } = openAll(shards, built.manifest());
		expect(lookup("imei_md5", randomHash(prng(1)))).toBeNull();
	});

	it("wants every shard encoded before the manifest, takes no ids after finish, checks set indexes", ({
		expect,
	}) => {
		const b = new SnapshotBuilder();
		expect(codeOf(() => b.addFingerprint(1, 2, 3, 0))).toBe("INVALID_SEGMENTS");
		const built = b.finish();
		expect(codeOf(() => built.manifest())).toBe("INVALID_MANIFEST");
		expect(codeOf(() => b.finish())).toBe("INVALID_SEGMENTS");
		expect(codeOf(() => b.addFingerprint(1, 2, 3, 0))).toBe("INVALID_SEGMENTS");
	});

	it("refuses more distinct sets than the limit, with advice", ({ expect }) => {
		const b = new SnapshotBuilder({ maxSets: 10 });
		for (let i = 0; i < 11; i++) b.dictionary.intern([["promo", 1_900_000_000 + i]]);
		expect(() => b.finish()).toThrow(/11 distinct segment sets.*round them/);
	});

	it("widens set indexes when unions of duplicates create more sets", ({ expect }) => {
		const b = new SnapshotBuilder({ shardBits: 2 });
		const single = Array.from({ length: 200 }, (_, i) => b.dictionary.intern([[`s${i}`, 0]]));
		const next = prng(5);
		// 200 ids each listed under two different sets: 200 more (union) sets, 400 in all.
		for (let i = 0; i < 200; i++) {
			const h = randomHash(next);
			b.add("imei_md5", h, single[i] as number);
			b.add("imei_md5", h, single[(i + 1) % 200] as number);
		}
		const built = b.finish();
		expect(built.setWidth).toBe(2);
		const shards = [...built.shards()];
		expect(openAll(shards, built.manifest()).manifest.memberships).toHaveLength(400);
	});
});

describe("chooseShardBits / setWidthFor", () => {
	it("picks the smallest power of two under the target", ({ expect }) => {
		expect(chooseShardBits(0, 8)).toBe(0);
		expect(chooseShardBits(2044, 8)).toBe(0); // (16384 - 32) / 8 = 2044 per shard
		expect(chooseShardBits(2045, 8)).toBe(1);
		expect(chooseShardBits(100_000_000, 8)).toBe(16);
		expect(codeOf(() => chooseShardBits(2 ** 40, 8))).toBe("TOO_MANY_SETS");
		expect([
			setWidthFor(1),
			setWidthFor(256),
			setWidthFor(257),
			setWidthFor(65_536),
			setWidthFor(65_537),
		]).toEqual([1, 1, 2, 2, 3]);
	});
});
