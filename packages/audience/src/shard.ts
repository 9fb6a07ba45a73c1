/**
 * One shard of a snapshot: a binary blob searched in place (interpolation, then binary search), never parsed into objects.
 *
 * Layout (all integers big-endian):
 *
 * | offset | size | field                                                    |
 * | ------ | ---- | -------------------------------------------------------- |
 * | 0      | 4    | magic `TXAS`                                             |
 * | 4      | 2    | format version ({@link SHARD_FORMAT_VERSION})            |
 * | 6      | 2    | header size (32)                                         |
 * | 8      | 1    | shard bits (log2 of the snapshot's shard count)          |
 * | 9      | 1    | set width: bytes of the segment-set index (1–3)          |
 * | 10     | 1    | key bytes (7)                                            |
 * | 11     | 1    | reserved (0)                                             |
 * | 12     | 4    | shard index                                              |
 * | 16     | 4    | record count                                             |
 * | 20     | 4    | snapshot tag (CRC-32 of the snapshot id)                 |
 * | 24     | 4    | CRC-32 of the records                                    |
 * | 28     | 4    | CRC-32 of bytes 0–27                                     |
 *
 * then `count` fixed-width records sorted by key: key hi (4 bytes), key lo (3 bytes), segment-set
 * index (set width bytes) — 8 bytes per id with up to 256 distinct segment sets, 9 up to 65,536.
 * @module
 */
import { crc32 } from "./crc32.ts";
import { AudienceError } from "./errors.ts";

/** `TXAS` */
export const SHARD_MAGIC = 0x54584153;
/** Version of the shard layout this code reads and writes. */
export const SHARD_FORMAT_VERSION = 1;
/** Bytes before the first record. */
export const SHARD_HEADER_BYTES = 32;
/** Bytes of a record key (56 bits of the fingerprint). */
export const KEY_BYTES = 7;

/** What every shard of one snapshot shares; a shard is only opened against it. */
export interface ShardLayout {
	/** CRC-32 of the snapshot id ({@link snapshotTag}). */
	snapshotTag: number;
	/** log2 of the shard count. */
	shardBits: number;
	/** Bytes of a segment-set index: 1 (≤ 256 sets), 2 (≤ 65,536) or 3. */
	setWidth: number;
}

/**
 * Bytes per record for a set width.
 * @param setWidth - 1–3
 * @returns key bytes + set width
 */
export function recordBytes(setWidth: number): number {
	return KEY_BYTES + setWidth;
}

/**
 * The tag stored in every shard header: CRC-32 of the snapshot id's UTF-8 bytes, so a shard of
 * another snapshot is never read as this one's.
 * @param snapshotId - the manifest's snapshot id
 * @returns the tag
 */
export function snapshotTag(snapshotId: string): number {
	return crc32(new TextEncoder().encode(snapshotId));
}

/** Records to encode: parallel arrays, sorted by (keyHi, keyLo) with no equal keys. */
export interface ShardRecords {
	keyHi: Uint32Array;
	keyLo: Uint32Array;
	set: Uint32Array;
	/** How many entries of the arrays to use. */
	count: number;
}

/**
 * Encodes one shard.
 * @param layout - the snapshot's layout
 * @param shardIndex - this shard's index
 * @param records - sorted, distinct records
 * @returns the blob
 * @throws AudienceError `INVALID_SEGMENTS` when a set index does not fit the set width, or keys are not strictly increasing
 */
export function encodeShard(layout: ShardLayout, shardIndex: number, records: ShardRecords): Uint8Array {
	const width = layout.setWidth;
	const size = recordBytes(width);
	const { count, keyHi, keyLo, set } = records;
	const bytes = new Uint8Array(SHARD_HEADER_BYTES + count * size);
	const view = new DataView(bytes.buffer);
	const maxSet = 2 ** (8 * width);
	let prevHi = -1;
	let prevLo = -1;
	for (let i = 0; i < count; i++) {
		const hi = keyHi[i] as number;
		const lo = keyLo[i] as number;
		const s = set[i] as number;
		if (hi < prevHi || (hi === prevHi && lo <= prevLo))
			throw new AudienceError(
				"INVALID_SEGMENTS",
				`shard ${shardIndex}: record keys must be strictly increasing`,
			);
		if (s >= maxSet)
			throw new AudienceError("INVALID_SEGMENTS", `set index ${s} does not fit ${width} byte(s)`);
		prevHi = hi;
		prevLo = lo;
		const off = SHARD_HEADER_BYTES + i * size;
		view.setUint32(off, hi);
		view.setUint8(off + 4, lo >>> 16);
		view.setUint16(off + 5, lo & 0xffff);
		if (width === 1) view.setUint8(off + 7, s);
		else if (width === 2) view.setUint16(off + 7, s);
		else {
			view.setUint16(off + 7, s >>> 8);
			view.setUint8(off + 9, s & 0xff);
		}
	}
	view.setUint32(0, SHARD_MAGIC);
	view.setUint16(4, SHARD_FORMAT_VERSION);
	view.setUint16(6, SHARD_HEADER_BYTES);
	view.setUint8(8, layout.shardBits);
	view.setUint8(9, width);
	view.setUint8(10, KEY_BYTES);
	view.setUint32(12, shardIndex);
	view.setUint32(16, count);
	view.setUint32(20, layout.snapshotTag >>> 0);
	view.setUint32(24, crc32(bytes, SHARD_HEADER_BYTES));
	view.setUint32(28, crc32(bytes, 0, 28));
	return bytes;
}

/** A shard opened for lookups: the blob plus a DataView, nothing decoded. */
export class ShardView {
	/** The blob. */
	readonly bytes: Uint8Array;
	/** Records in the shard. */
	readonly count: number;
	/** The shard's index. */
	readonly shardIndex: number;
	/** CRC-32 of the records, as in the header. */
	readonly recordsCrc: number;
	readonly #view: DataView;
	readonly #size: number;
	readonly #width: number;

	constructor(bytes: Uint8Array, shardIndex: number, count: number, setWidth: number, recordsCrc: number) {
		this.bytes = bytes;
		this.shardIndex = shardIndex;
		this.count = count;
		this.recordsCrc = recordsCrc;
		this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		this.#width = setWidth;
		this.#size = recordBytes(setWidth);
	}

	/** Size of the blob in bytes. */
	get byteLength(): number {
		return this.bytes.byteLength;
	}

	/**
	 * Looks a key up. Keys are uniform, so the position is estimated from the high word
	 * (interpolation, twice), then bracketed by galloping outwards and binary-searched: a lookup
	 * touches two or three cache lines instead of one per halving.
	 * @param keyHi - fingerprint key, high 32 bits
	 * @param keyLo - fingerprint key, low 24 bits
	 * @returns the segment-set index, or -1 when the id is not in the shard
	 */
	find(keyHi: number, keyLo: number): number {
		const n = this.count;
		if (n === 0) return -1;
		// Two interpolation steps: from the key range, then from the key found at the first guess
		// (the records between them are about as dense as everywhere), leaving a few records to walk.
		const first = Math.min(n - 1, Math.floor((keyHi / 4294967296) * n));
		const c1 = this.#compare(first, keyHi, keyLo);
		if (c1 === 0) return this.#setAt(first);
		const shift = Math.round(
			((keyHi - this.#view.getUint32(SHARD_HEADER_BYTES + first * this.#size)) / 4294967296) * n,
		);
		const guess = Math.max(0, Math.min(n - 1, first + (shift === 0 ? (c1 < 0 ? 1 : -1) : shift)));
		const c = this.#compare(guess, keyHi, keyLo);
		if (c === 0) return this.#setAt(guess);
		let lo: number;
		let hi: number;
		if (c < 0) {
			// record < key: gallop right
			lo = guess + 1;
			let step = 1;
			hi = guess + step;
			while (hi < n && this.#compare(hi, keyHi, keyLo) < 0) {
				lo = hi + 1;
				step *= 2;
				hi = guess + step;
			}
			if (hi >= n) hi = n - 1;
		} else {
			hi = guess - 1;
			let step = 1;
			lo = guess - step;
			while (lo >= 0 && this.#compare(lo, keyHi, keyLo) > 0) {
				hi = lo - 1;
				step *= 2;
				lo = guess - step;
			}
			if (lo < 0) lo = 0;
		}
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			const m = this.#compare(mid, keyHi, keyLo);
			if (m < 0) lo = mid + 1;
			else if (m > 0) hi = mid - 1;
			else return this.#setAt(mid);
		}
		return -1;
	}

	/** Compares record `i` with a key: negative when the record is smaller. */
	#compare(i: number, keyHi: number, keyLo: number): number {
		const off = SHARD_HEADER_BYTES + i * this.#size;
		const k = this.#view.getUint32(off);
		if (k !== keyHi) return k < keyHi ? -1 : 1;
		// Bytes off+3..off+6 hold the last key-hi byte and the 3 key-lo bytes.
		const l = this.#view.getUint32(off + 3) & 0xffffff;
		return l === keyLo ? 0 : l < keyLo ? -1 : 1;
	}

	/**
	 * The record at a position, for iteration (folding deltas, tests).
	 * @param i - 0 ≤ i < count
	 * @returns key and set index
	 */
	recordAt(i: number): { keyHi: number; keyLo: number; set: number } {
		const off = SHARD_HEADER_BYTES + i * this.#size;
		return {
			keyHi: this.#view.getUint32(off),
			keyLo: this.#view.getUint32(off + 3) & 0xffffff,
			set: this.#setAt(i),
		};
	}

	#setAt(i: number): number {
		const off = SHARD_HEADER_BYTES + i * this.#size + KEY_BYTES;
		const v = this.#view;
		if (this.#width === 1) return v.getUint8(off);
		if (this.#width === 2) return v.getUint16(off);
		return (v.getUint16(off) << 8) | v.getUint8(off + 2);
	}
}

/** Options of {@link openShard}. */
export interface OpenShardOptions {
	/**
	 * Check the CRC of the records (default true). Costs a pass over the bytes; a reader may skip
	 * it for bytes it checked itself before caching them.
	 */
	verifyRecords?: boolean;
}

/**
 * Validates a blob against the layout it must have and opens it for lookups.
 * @param bytes - the blob as stored
 * @param layout - the snapshot's layout (from its manifest)
 * @param shardIndex - the shard asked for
 * @param options - whether to check the records' CRC
 * @returns the view
 * @throws AudienceError `TRUNCATED`, `BAD_LENGTH`, `BAD_MAGIC`, `UNSUPPORTED_VERSION`, `CHECKSUM_MISMATCH` or `WRONG_SHARD`
 * @example openShard(new Uint8Array(await kv.get(key, "arrayBuffer")), layout, 17).find(hi, lo)
 */
export function openShard(
	bytes: Uint8Array,
	layout: ShardLayout,
	shardIndex: number,
	options: OpenShardOptions = {},
): ShardView {
	const where = `shard ${shardIndex}`;
	if (bytes.byteLength < SHARD_HEADER_BYTES)
		throw new AudienceError(
			"TRUNCATED",
			`${where}: ${bytes.byteLength} bytes, shorter than the ${SHARD_HEADER_BYTES}-byte header`,
		);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (view.getUint32(0) !== SHARD_MAGIC) throw new AudienceError("BAD_MAGIC", `${where}: not a TXAS shard`);
	const version = view.getUint16(4);
	if (version !== SHARD_FORMAT_VERSION)
		throw new AudienceError(
			"UNSUPPORTED_VERSION",
			`${where}: format version ${version}, this reader reads version ${SHARD_FORMAT_VERSION}`,
		);
	if (view.getUint32(28) !== crc32(bytes, 0, 28))
		throw new AudienceError("CHECKSUM_MISMATCH", `${where}: header checksum does not match`);
	const headerBytes = view.getUint16(6);
	const bits = view.getUint8(8);
	const width = view.getUint8(9);
	const keyBytes = view.getUint8(10);
	const index = view.getUint32(12);
	const count = view.getUint32(16);
	const tag = view.getUint32(20);
	if (headerBytes !== SHARD_HEADER_BYTES || keyBytes !== KEY_BYTES)
		throw new AudienceError("UNSUPPORTED_VERSION", `${where}: header ${headerBytes} / key ${keyBytes} bytes`);
	if (tag !== layout.snapshotTag >>> 0)
		throw new AudienceError("WRONG_SHARD", `${where}: belongs to another snapshot`);
	if (index !== shardIndex || bits !== layout.shardBits || width !== layout.setWidth)
		throw new AudienceError(
			"WRONG_SHARD",
			`${where}: header says shard ${index} of 2^${bits} with ${width}-byte sets, expected shard ${shardIndex} of 2^${layout.shardBits} with ${layout.setWidth}-byte sets`,
		);
	const expected = SHARD_HEADER_BYTES + count * recordBytes(width);
	if (bytes.byteLength < expected)
		throw new AudienceError(
			"TRUNCATED",
			`${where}: ${bytes.byteLength} bytes, the header announces ${count} records (${expected} bytes)`,
		);
	if (bytes.byteLength > expected)
		throw new AudienceError(
			"BAD_LENGTH",
			`${where}: ${bytes.byteLength - expected} bytes after the ${count} records the header announces`,
		);
	const recordsCrc = view.getUint32(24);
	if (options.verifyRecords !== false && crc32(bytes, SHARD_HEADER_BYTES) !== recordsCrc)
		throw new AudienceError("CHECKSUM_MISMATCH", `${where}: records checksum does not match`);
	return new ShardView(bytes, index, count, width, recordsCrc);
}

/**
 * Reads the header of a blob without validating it against a layout: for tools that walk a
 * snapshot file of concatenated shards.
 * @param bytes - at least the header
 * @returns shard index, record count, set width and total byte length of the shard
 * @throws AudienceError `TRUNCATED` or `BAD_MAGIC`
 */
export function peekShardHeader(bytes: Uint8Array): {
	shardIndex: number;
	count: number;
	setWidth: number;
	byteLength: number;
} {
	if (bytes.byteLength < SHARD_HEADER_BYTES)
		throw new AudienceError("TRUNCATED", `${bytes.byteLength} bytes, shorter than a shard header`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, SHARD_HEADER_BYTES);
	if (view.getUint32(0) !== SHARD_MAGIC) throw new AudienceError("BAD_MAGIC", "not a TXAS shard");
	const count = view.getUint32(16);
	const setWidth = view.getUint8(9);
	return {
		shardIndex: view.getUint32(12),
		count,
		setWidth,
		byteLength: SHARD_HEADER_BYTES + count * recordBytes(setWidth),
	};
}
