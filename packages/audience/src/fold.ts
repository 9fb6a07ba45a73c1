/**
 * Folds deltas into a built snapshot before it is published, so the new snapshot already holds
 * every change written since the previous one and readers can drop those deltas. Only the shards
 * an operation touches are re-encoded (all of them if the set index has to widen); the snapshot
 * id stays, the manifest gets the new sets, checksum and `deltas_folded_until`.
 * @module
 */
import { setWidthFor } from "./builder.ts";
import { applyOps, type DeltaBlob, type DeltaOp } from "./delta.ts";
import { fingerprint, shardOf } from "./fingerprint.ts";
import { audienceKey } from "./id-types.ts";
import { type ManifestDocument, parseManifest, snapshotChecksum } from "./manifest.ts";
import { entriesOf, SegmentDictionary } from "./membership.ts";
import { encodeShard, openShard, type ShardLayout, type ShardView } from "./shard.ts";

/** Result of {@link foldDeltas}. */
export interface FoldResult {
	/** The manifest of the folded snapshot. */
	manifest: ManifestDocument;
	/** Re-encoded shards by index; every other shard is unchanged. */
	shards: Map<number, Uint8Array>;
	/** Operations applied. */
	ops: number;
	/** Distinct ids they touched. */
	ids: number;
}

interface Pending {
	keyHi: number;
	keyLo: number;
	ops: DeltaOp[];
}

/**
 * Applies delta blobs, oldest first, to a snapshot.
 * @param document - the built snapshot's manifest
 * @param readShard - the stored bytes of shard `i`
 * @param deltas - blobs in key (time) order
 * @param deltasFoldedUntil - epoch ms the result says it contains deltas up to
 * @returns the new manifest and the re-encoded shards
 * @throws AudienceError from reading the shards, or `TOO_MANY_SETS` / `INVALID_SEGMENTS`
 */
export function foldDeltas(
	document: ManifestDocument,
	readShard: (index: number) => Uint8Array,
	deltas: readonly DeltaBlob[],
	deltasFoldedUntil: number,
): FoldResult {
	const manifest = parseManifest(document);
	const dict = SegmentDictionary.from(document.segments, document.sets);
	const bits = manifest.shardBits;
	// Group operations by shard, then by id, keeping their order.
	const byShard = new Map<number, Map<string, Pending>>();
	let opCount = 0;
	for (const blob of deltas)
		for (const op of blob.ops) {
			const f = fingerprint(op.type, op.value);
			const shard = shardOf(f.shardWord, bits);
			let ids = byShard.get(shard);
			if (ids === undefined) {
				ids = new Map();
				byShard.set(shard, ids);
			}
			const key = audienceKey(op.type, op.value);
			const pending = ids.get(key);
			if (pending === undefined) ids.set(key, { keyHi: f.keyHi, keyLo: f.keyLo, ops: [op] });
			else pending.ops.push(op);
			opCount++;
		}

	const views = new Map<number, ShardView>();
	const open = (i: number, layout: ShardLayout) => {
		let v = views.get(i);
		if (v === undefined) {
			v = openShard(readShard(i), layout, i);
			views.set(i, v);
		}
		return v;
	};
	const changed = new Map<number, { hi: number[]; lo: number[]; set: number[] }>();
	let idCount = 0;
	for (const [shard, ids] of byShard) {
		const view = open(shard, manifest.layout);
		const records = new Map<string, { hi: number; lo: number; set: number }>();
		for (let i = 0; i < view.count; i++) {
			const r = view.recordAt(i);
			records.set(`${r.keyHi}:${r.keyLo}`, { hi: r.keyHi, lo: r.keyLo, set: r.set });
		}
		for (const p of ids.values()) {
			idCount++;
			const k = `${p.keyHi}:${p.keyLo}`;
			const before = records.get(k);
			const after = applyOps(before === undefined ? null : dict.membership(before.set), p.ops);
			if (after === null || after.names.length === 0) records.delete(k);
			else records.set(k, { hi: p.keyHi, lo: p.keyLo, set: dict.intern(entriesOf(after)) });
		}
		const sorted = [...records.values()].sort((a, b) => a.hi - b.hi || a.lo - b.lo);
		changed.set(shard, {
			hi: sorted.map((r) => r.hi),
			lo: sorted.map((r) => r.lo),
			set: sorted.map((r) => r.set),
		});
	}

	const width = setWidthFor(dict.sets.length);
	const layout: ShardLayout = { ...manifest.layout, setWidth: width };
	const out = new Map<number, Uint8Array>();
	const crcs = new Uint32Array(manifest.shardCount);
	const sizes = new Uint32Array(manifest.shardCount);
	let records = 0;
	for (let i = 0; i < manifest.shardCount; i++) {
		let c = changed.get(i);
		if (c === undefined && width !== manifest.layout.setWidth) {
			// Wider set indexes: this shard is rewritten too, records unchanged.
			const v = open(i, manifest.layout);
			c = { hi: [], lo: [], set: [] };
			for (let j = 0; j < v.count; j++) {
				const r = v.recordAt(j);
				c.hi.push(r.keyHi);
				c.lo.push(r.keyLo);
				c.set.push(r.set);
			}
		}
		if (c !== undefined) {
			const bytes = encodeShard(layout, i, {
				keyHi: Uint32Array.from(c.hi),
				keyLo: Uint32Array.from(c.lo),
				set: Uint32Array.from(c.set),
				count: c.hi.length,
			});
			out.set(i, bytes);
			crcs[i] = new DataView(bytes.buffer).getUint32(24);
			sizes[i] = bytes.byteLength;
			records += c.hi.length;
		} else {
			const v = views.get(i) ?? openShard(readShard(i), manifest.layout, i, { verifyRecords: false });
			crcs[i] = v.recordsCrc;
			sizes[i] = v.byteLength;
			records += v.count;
		}
		views.delete(i);
	}
	const sortedSizes = Array.from(sizes).sort((a, b) => a - b);
	let bytes = 0;
	for (const s of sizes) bytes += s;
	return {
		manifest: {
			...document,
			set_width: width,
			records,
			segments: [...dict.segments],
			sets: dict.sets.map((pairs) => pairs.map(([s, e]) => [s, e] as [number, number])),
			checksum: snapshotChecksum(crcs),
			deltas_folded_until: deltasFoldedUntil,
			stats: {
				shard_bytes_p50: sortedSizes[Math.floor((sortedSizes.length - 1) / 2)] ?? 0,
				shard_bytes_max: sortedSizes[sortedSizes.length - 1] ?? 0,
				bytes,
			},
		},
		shards: out,
		ops: opCount,
		ids: idCount,
	};
}
