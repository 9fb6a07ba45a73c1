/**
 * Builds a snapshot from (id, segment set) pairs in typed arrays: 16 bytes per id while adding,
 * 12 more while sorting, nothing per id on the JS heap — 10^8 ids fit in about 3 GB.
 *
 * Steps: fingerprint every id as it is added; once all are in, choose the shard count from the
 * id count so shards average {@link DEFAULT_TARGET_SHARD_BYTES} (they stay far below 64 KiB),
 * scatter the records by shard (counting sort), sort each shard by key, unite the segment sets
 * of an id given more than once, and encode shard after shard.
 * @module
 */
import { AudienceError } from "./errors.ts";
import { fingerprintInto, shardOf } from "./fingerprint.ts";
import type { IdType } from "./id-types.ts";
import { newSnapshotId } from "./keys.ts";
import {
	MANIFEST_FORMAT_VERSION,
	MAX_SHARD_BITS,
	type ManifestDocument,
	snapshotChecksum,
} from "./manifest.ts";
import { SegmentDictionary } from "./membership.ts";
import {
	encodeShard,
	KEY_BYTES,
	recordBytes,
	SHARD_HEADER_BYTES,
	type ShardLayout,
	snapshotTag,
} from "./shard.ts";

/** Mean shard size the builder aims for. */
export const DEFAULT_TARGET_SHARD_BYTES = 16 * 1024;
/** Most distinct segment sets (2-byte set indexes). */
export const DEFAULT_MAX_SETS = 65_536;

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const LOCAL_BITS = 21;
const LOCAL_SPAN = 2 ** LOCAL_BITS;

/** Options of {@link SnapshotBuilder}. */
export interface SnapshotBuilderOptions {
	/** Mean shard size to aim for, bytes (default 16 KiB). */
	targetShardBytes?: number;
	/** Use exactly this many shard bits instead of choosing from the id count. */
	shardBits?: number;
	/** Most distinct segment sets (default 65,536). */
	maxSets?: number;
}

/** What {@link SnapshotBuilder.finish} is told about the snapshot. */
export interface FinishOptions {
	/** Snapshot id (default: build time + random). */
	snapshotId?: string;
	/** Build time (default now). */
	builtAt?: Date;
	/** Epoch ms up to which deltas are folded in (default 0). */
	deltasFoldedUntil?: number;
	/** Called while sorting, with shards done and shard count. */
	onSortProgress?: (done: number, total: number) => void;
}

/** A finished build: shards to write, then the manifest. */
export interface BuiltSnapshot {
	readonly snapshotId: string;
	readonly shardBits: number;
	readonly shardCount: number;
	readonly setWidth: number;
	/** Distinct ids. */
	readonly records: number;
	/** Ids added more than once (their segment sets were united). */
	readonly duplicates: number;
	/** Encodes the shards one at a time, in index order (each call starts over). */
	shards(): Generator<Uint8Array>;
	/**
	 * The manifest, once {@link shards} has been run to the end.
	 * @throws AudienceError `INVALID_MANIFEST` when called before every shard was encoded
	 */
	manifest(): ManifestDocument;
}

/**
 * The shard count for an id count: the smallest power of two whose shards average at most
 * `targetBytes`.
 * @param ids - ids in the snapshot
 * @param recordSize - bytes per record
 * @param targetBytes - mean shard size to aim for
 * @returns shard bits (0–24)
 * @throws AudienceError `TOO_MANY_SETS` when even 2^24 shards would be larger
 */
export function chooseShardBits(
	ids: number,
	recordSize: number,
	targetBytes = DEFAULT_TARGET_SHARD_BYTES,
): number {
	const perShard = Math.max(1, Math.floor((targetBytes - SHARD_HEADER_BYTES) / recordSize));
	let bits = 0;
	while (ids / 2 ** bits > perShard) {
		bits++;
		if (bits > MAX_SHARD_BITS)
			throw new AudienceError("TOO_MANY_SETS", `${ids} ids do not fit 2^${MAX_SHARD_BITS} shards`);
	}
	return bits;
}

/**
 * The set width a number of sets needs.
 * @param sets - distinct sets
 * @returns 1, 2 or 3 bytes
 */
export function setWidthFor(sets: number): number {
	return sets <= 256 ? 1 : sets <= 65_536 ? 2 : 3;
}

/**
 * Accumulates ids, then encodes a snapshot.
 * @example
 * const b = new SnapshotBuilder();
 * const vip = b.dictionary.intern([["vip", 0]]);
 * b.add("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71", vip);
 * const built = b.finish();
 * for (const shard of built.shards()) write(shard);
 * const manifest = built.manifest();
 */
export class SnapshotBuilder {
	/** Segment names and sets; intern a set, then add ids with its index. */
	readonly dictionary = new SegmentDictionary();
	readonly #options: SnapshotBuilderOptions;
	#words: Uint32Array[] = [];
	#hi: Uint32Array[] = [];
	#lo: Uint32Array[] = [];
	#set: Uint32Array[] = [];
	#count = 0;
	#finished = false;
	readonly #scratch = new Uint32Array(3);

	constructor(options: SnapshotBuilderOptions = {}) {
		this.#options = options;
	}

	/** Ids added so far (duplicates included). */
	get added(): number {
		return this.#count;
	}

	/**
	 * Adds one id.
	 * @param type - id type
	 * @param value - md5 hex (either case) or the openid
	 * @param set - index from `dictionary.intern`
	 * @returns false when the value cannot be fingerprinted (not 32 hex for an md5 type)
	 */
	add(type: IdType, value: string, set: number): boolean {
		const s = this.#scratch;
		if (!fingerprintInto(type, value, s)) return false;
		this.addFingerprint(s[0] as number, s[1] as number, s[2] as number, set);
		return true;
	}

	/**
	 * Adds one already fingerprinted id.
	 * @param shardWord - fingerprint shard word
	 * @param keyHi - key high 32 bits
	 * @param keyLo - key low 24 bits
	 * @param set - set index
	 */
	addFingerprint(shardWord: number, keyHi: number, keyLo: number, set: number): void {
		if (this.#finished) throw new AudienceError("INVALID_SEGMENTS", "the builder is finished");
		if (set < 0 || set >= this.dictionary.sets.length)
			throw new AudienceError("INVALID_SEGMENTS", `set ${set} was not interned`);
		const c = this.#count >>> CHUNK_BITS;
		const i = this.#count & (CHUNK - 1);
		if (i === 0) {
			this.#words.push(new Uint32Array(CHUNK));
			this.#hi.push(new Uint32Array(CHUNK));
			this.#lo.push(new Uint32Array(CHUNK));
			this.#set.push(new Uint32Array(CHUNK));
		}
		(this.#words[c] as Uint32Array)[i] = shardWord;
		(this.#hi[c] as Uint32Array)[i] = keyHi;
		(this.#lo[c] as Uint32Array)[i] = keyLo;
		(this.#set[c] as Uint32Array)[i] = set;
		this.#count++;
	}

	/**
	 * Sorts and dedupes everything added; the builder cannot take more ids afterwards.
	 * @param options - snapshot id, build time, delta cursor, progress
	 * @returns the built snapshot
	 * @throws AudienceError `TOO_MANY_SETS` beyond the set limit
	 */
	finish(options: FinishOptions = {}): BuiltSnapshot {
		if (this.#finished) throw new AudienceError("INVALID_SEGMENTS", "finish() was already called");
		this.#finished = true;
		const builtAt = options.builtAt ?? new Date();
		const snapshotId = options.snapshotId ?? newSnapshotId(builtAt);
		const n = this.#count;
		const dict = this.dictionary;
		const maxSets = this.#options.maxSets ?? DEFAULT_MAX_SETS;
		if (dict.sets.length > maxSets) throw tooManySets(dict.sets.length, maxSets);
		const bits =
			this.#options.shardBits ??
			chooseShardBits(n, recordBytes(setWidthFor(dict.sets.length)), this.#options.targetShardBytes);
		const shardCount = 2 ** bits;

		// Counting sort by shard into flat arrays.
		const starts = new Float64Array(shardCount + 1);
		for (let c = 0; c < this.#words.length; c++) {
			const words = this.#words[c] as Uint32Array;
			const len = Math.min(CHUNK, n - c * CHUNK);
			for (let i = 0; i < len; i++) {
				const at = shardOf(words[i] as number, bits) + 1;
				starts[at] = (starts[at] as number) + 1;
			}
		}
		for (let s = 0; s < shardCount; s++) starts[s + 1] = (starts[s + 1] as number) + (starts[s] as number);
		const hi = new Uint32Array(n);
		const lo = new Uint32Array(n);
		const sets = new Uint32Array(n);
		const next = starts.slice(0, shardCount);
		for (let c = 0; c < this.#words.length; c++) {
			const words = this.#words[c] as Uint32Array;
			const h = this.#hi[c] as Uint32Array;
			const l = this.#lo[c] as Uint32Array;
			const st = this.#set[c] as Uint32Array;
			const len = Math.min(CHUNK, n - c * CHUNK);
			for (let i = 0; i < len; i++) {
				const s = shardOf(words[i] as number, bits);
				const p = next[s] as number;
				next[s] = p + 1;
				hi[p] = h[i] as number;
				lo[p] = l[i] as number;
				sets[p] = st[i] as number;
			}
		}
		this.#words = [];
		this.#hi = [];
		this.#lo = [];
		this.#set = [];

		// Sort each shard by key and unite duplicates; kept[s] = distinct ids of shard s.
		const kept = new Uint32Array(shardCount);
		const sorter = new ShardSorter();
		let records = 0;
		for (let s = 0; s < shardCount; s++) {
			const a = starts[s] as number;
			const b = starts[s + 1] as number;
			const k = sorter.sortUnique(hi, lo, sets, a, b, dict);
			kept[s] = k;
			records += k;
			if (options.onSortProgress !== undefined && (s & 1023) === 1023)
				options.onSortProgress(s + 1, shardCount);
		}
		options.onSortProgress?.(shardCount, shardCount);
		if (dict.sets.length > maxSets) throw tooManySets(dict.sets.length, maxSets);
		const setWidth = setWidthFor(dict.sets.length);
		const layout: ShardLayout = { snapshotTag: snapshotTag(snapshotId), shardBits: bits, setWidth };
		const crcs = new Uint32Array(shardCount);
		const sizes = new Uint32Array(shardCount);
		let encoded = false;
		const deltasFoldedUntil = options.deltasFoldedUntil ?? 0;

		return {
			snapshotId,
			shardBits: bits,
			shardCount,
			setWidth,
			records,
			duplicates: n - records,
			*shards() {
				for (let s = 0; s < shardCount; s++) {
					const a = starts[s] as number;
					const k = kept[s] as number;
					const bytes = encodeShard(layout, s, {
						keyHi: hi.subarray(a, a + k),
						keyLo: lo.subarray(a, a + k),
						set: sets.subarray(a, a + k),
						count: k,
					});
					crcs[s] = new DataView(bytes.buffer).getUint32(24);
					sizes[s] = bytes.byteLength;
					if (s === shardCount - 1) encoded = true;
					yield bytes;
				}
			},
			manifest(): ManifestDocument {
				if (!encoded)
					throw new AudienceError("INVALID_MANIFEST", "encode every shard (shards()) before the manifest");
				const sorted = Array.from(sizes).sort((x, y) => x - y);
				let bytes = 0;
				for (const x of sizes) bytes += x;
				return {
					format: MANIFEST_FORMAT_VERSION,
					snapshot_id: snapshotId,
					built_at: builtAt.toISOString(),
					shard_bits: bits,
					shard_count: shardCount,
					set_width: setWidth,
					key_bytes: KEY_BYTES,
					records,
					segments: [...dict.segments],
					sets: dict.sets.map((pairs) => pairs.map(([s, e]) => [s, e] as [number, number])),
					checksum: snapshotChecksum(crcs),
					deltas_folded_until: deltasFoldedUntil,
					stats: {
						shard_bytes_p50: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
						shard_bytes_max: sorted[sorted.length - 1] ?? 0,
						bytes,
					},
				};
			},
		};
	}
}

function tooManySets(sets: number, max: number): AudienceError {
	return new AudienceError(
		"TOO_MANY_SETS",
		`${sets} distinct segment sets (segments × end times); at most ${max}: use fewer distinct end times (round them, e.g. to the hour)`,
	);
}

/** Sorts one shard's slice of the flat arrays in place; reuses its scratch space. */
class ShardSorter {
	#keys = new Float64Array(4096);
	#hi = new Uint32Array(4096);
	#lo = new Uint32Array(4096);
	#set = new Uint32Array(4096);

	/**
	 * Sorts records [a, b) by (hi, lo), unites equal keys, compacts them to the front.
	 * @returns how many distinct records remain at [a, a + k)
	 */
	sortUnique(
		hi: Uint32Array,
		lo: Uint32Array,
		sets: Uint32Array,
		a: number,
		b: number,
		dict: SegmentDictionary,
	): number {
		const m = b - a;
		if (m <= 1) return m;
		this.#grow(m);
		const th = this.#hi;
		const tl = this.#lo;
		const ts = this.#set;
		if (m < LOCAL_SPAN) {
			// hi · 2^21 + position < 2^53: a native Float64Array sort orders by hi, ties by position.
			const keys = this.#keys.subarray(0, m);
			for (let j = 0; j < m; j++) keys[j] = (hi[a + j] as number) * LOCAL_SPAN + j;
			keys.sort();
			for (let j = 0; j < m; j++) {
				const src = a + ((keys[j] as number) % LOCAL_SPAN);
				th[j] = hi[src] as number;
				tl[j] = lo[src] as number;
				ts[j] = sets[src] as number;
			}
		} else {
			const order = Array.from({ length: m }, (_, j) => a + j);
			order.sort((x, y) => (hi[x] as number) - (hi[y] as number) || (lo[x] as number) - (lo[y] as number));
			for (let j = 0; j < m; j++) {
				const src = order[j] as number;
				th[j] = hi[src] as number;
				tl[j] = lo[src] as number;
				ts[j] = sets[src] as number;
			}
		}
		// Equal hi words are rare (runs of 2–3): order them by lo with an insertion sort.
		for (let j = 1; j < m; j++) {
			if (th[j] !== th[j - 1]) continue;
			let r = j;
			while (r + 1 < m && th[r + 1] === th[j]) r++;
			const start = j - 1;
			for (let x = start + 1; x <= r; x++) {
				const vl = tl[x] as number;
				const vs = ts[x] as number;
				let y = x - 1;
				while (y >= start && (tl[y] as number) > vl) {
					tl[y + 1] = tl[y] as number;
					ts[y + 1] = ts[y] as number;
					y--;
				}
				tl[y + 1] = vl;
				ts[y + 1] = vs;
			}
			j = r;
		}
		let k = 0;
		for (let j = 0; j < m; j++) {
			if (k > 0 && th[j] === hi[a + k - 1] && tl[j] === lo[a + k - 1]) {
				sets[a + k - 1] = dict.union(sets[a + k - 1] as number, ts[j] as number);
				continue;
			}
			hi[a + k] = th[j] as number;
			lo[a + k] = tl[j] as number;
			sets[a + k] = ts[j] as number;
			k++;
		}
		return k;
	}

	#grow(m: number): void {
		if (this.#hi.length >= m) return;
		let size = this.#hi.length;
		while (size < m) size *= 2;
		this.#keys = new Float64Array(Math.min(size, LOCAL_SPAN));
		this.#hi = new Uint32Array(size);
		this.#lo = new Uint32Array(size);
		this.#set = new Uint32Array(size);
	}
}
