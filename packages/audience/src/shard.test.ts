import { describe, it } from "vitest";
import { crc32 } from "./crc32.ts";
import { type AudienceErrorCode, isAudienceError } from "./errors.ts";
import {
	encodeShard,
	openShard,
	peekShardHeader,
	recordBytes,
	SHARD_HEADER_BYTES,
	type ShardLayout,
	snapshotTag,
} from "./shard.ts";
import { prng } from "./testing.testdata.ts";

const layout: ShardLayout = { snapshotTag: snapshotTag("snap-1"), shardBits: 4, setWidth: 2 };

function sortedRecords(n: number, seed: number, maxSet: number) {
	const next = prng(seed);
	const keys = Array.from({ length: n }, () => [next(), next() & 0xffffff, next() % maxSet] as const);
	keys.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	const unique = keys.filter((k, i) => i === 0 || k[0] !== keys[i - 1]?.[0] || k[1] !== keys[i - 1]?.[1]);
	return {
		keyHi: Uint32Array.from(unique, (k) => k[0]),
		keyLo: Uint32Array.from(unique, (k) => k[1]),
		set: Uint32Array.from(unique, (k) => k[2]),
		count: unique.length,
	};
}

function codeOf(fn: () => unknown): AudienceErrorCode | string | undefined {
	try {
		fn();
	} catch (e) {
		return isAudienceError(e) ? e.code : `not an AudienceError: ${String(e)}`;
	}
	return undefined;
}

/** Rewrites the header checksum after a deliberate header change. */
function resealHeader(bytes: Uint8Array): Uint8Array {
	new DataView(bytes.buffer).setUint32(28, crc32(bytes, 0, 28));
	return bytes;
}

describe("shard round trip", () => {
	it.for([1, 2, 3])("finds every record and nothing else (set width %i)", (width, { expect }) => {
		const l = { ...layout, setWidth: width };
		const recs = sortedRecords(3000, 11 + width, 2 ** (8 * width));
		const bytes = encodeShard(l, 5, recs);
		expect(bytes.byteLength).toBe(SHARD_HEADER_BYTES + recs.count * recordBytes(width));
		const view = openShard(bytes, l, 5);
		expect(view.count).toBe(recs.count);
		for (let i = 0; i < recs.count; i++)
			expect(view.find(recs.keyHi[i] as number, recs.keyLo[i] as number)).toBe(recs.set[i]);
		const next = prng(99);
		for (let i = 0; i < 2000; i++) {
			const hi = next();
			const lo = next() & 0xffffff;
			const known = recs.keyHi.some((h, j) => h === hi && recs.keyLo[j] === lo);
			if (!known) expect(view.find(hi, lo)).toBe(-1);
		}
		// Same hi, neighbouring lo values: misses on both sides.
		const h0 = recs.keyHi[0] as number;
		const l0 = recs.keyLo[0] as number;
		expect(view.find(h0, (l0 + 1) & 0xffffff)).toBe(-1);
		expect(view.recordAt(0)).toEqual({ keyHi: h0, keyLo: l0, set: recs.set[0] });
	});

	it("tells equal high words apart by the low bits", ({ expect }) => {
		const recs = {
			keyHi: Uint32Array.from([7, 7, 7, 9]),
			keyLo: Uint32Array.from([1, 5, 0xffffff, 0]),
			set: Uint32Array.from([10, 11, 12, 13]),
			count: 4,
		};
		const view = openShard(encodeShard(layout, 3, recs), layout, 3);
		expect([view.find(7, 1), view.find(7, 5), view.find(7, 0xffffff), view.find(9, 0)]).toEqual([
			10, 11, 12, 13,
		]);
		expect([view.find(7, 2), view.find(7, 0), view.find(8, 0), view.find(9, 1)]).toEqual([-1, -1, -1, -1]);
	});

	it("finds keys when they are not uniform (long gallops both ways)", ({ expect }) => {
		const n = 1000;
		const keyHi = new Uint32Array(n);
		const keyLo = new Uint32Array(n);
		const set = new Uint32Array(n);
		// 999 keys crowded at the bottom of the range and one at the very top.
		for (let i = 0; i < n - 1; i++) {
			keyHi[i] = i * 3;
			keyLo[i] = i;
			set[i] = i % 200;
		}
		keyHi[n - 1] = 0xffffffff;
		keyLo[n - 1] = 0xffffff;
		set[n - 1] = 7;
		const view = openShard(encodeShard(layout, 1, { keyHi, keyLo, set, count: n }), layout, 1);
		for (let i = 0; i < n; i++) expect(view.find(keyHi[i] as number, keyLo[i] as number)).toBe(set[i]);
		expect(view.find(1, 0)).toBe(-1);
		expect(view.find(0x80000000, 0)).toBe(-1);
		expect(view.find(0xffffffff, 0)).toBe(-1);
		expect(view.find(0, 1)).toBe(-1);
		// Crowded at the top, looked up from the bottom.
		for (let i = 0; i < n; i++) {
			keyHi[i] = 0xffffffff - (n - 1 - i) * 3;
			keyLo[i] = 5;
		}
		const top = openShard(encodeShard(layout, 2, { keyHi, keyLo, set, count: n }), layout, 2);
		for (let i = 0; i < n; i++) expect(top.find(keyHi[i] as number, 5)).toBe(set[i]);
		expect(top.find(0, 5)).toBe(-1);
	});

	it("opens an empty shard and a view into a larger buffer", ({ expect }) => {
		const empty = encodeShard(layout, 0, {
			keyHi: new Uint32Array(),
			keyLo: new Uint32Array(),
			set: new Uint32Array(),
			count: 0,
		});
		expect(openShard(empty, layout, 0).find(1, 1)).toBe(-1);
		const recs = sortedRecords(10, 3, 100);
		const bytes = encodeShard(layout, 2, recs);
		const big = new Uint8Array(bytes.byteLength + 20);
		big.set(bytes, 7);
		const view = openShard(big.subarray(7, 7 + bytes.byteLength), layout, 2);
		expect(view.find(recs.keyHi[4] as number, recs.keyLo[4] as number)).toBe(recs.set[4]);
		expect(peekShardHeader(big.subarray(7))).toEqual({
			shardIndex: 2,
			count: 10,
			setWidth: 2,
			byteLength: bytes.byteLength,
		});
	});

	it("refuses keys that are not strictly increasing and set indexes wider than the layout", ({ expect }) => {
		const unsorted = {
			keyHi: Uint32Array.from([5, 4]),
			keyLo: Uint32Array.from([0, 0]),
			set: Uint32Array.from([0, 0]),
			count: 2,
		};
		expect(codeOf(() => encodeShard(layout, 0, unsorted))).toBe("INVALID_SEGMENTS");
		const dup = {
			keyHi: Uint32Array.from([5, 5]),
			keyLo: Uint32Array.from([1, 1]),
			set: Uint32Array.from([0, 0]),
			count: 2,
		};
		expect(codeOf(() => encodeShard(layout, 0, dup))).toBe("INVALID_SEGMENTS");
		const wide = {
			keyHi: Uint32Array.from([1]),
			keyLo: Uint32Array.from([1]),
			set: Uint32Array.from([256]),
			count: 1,
		};
		expect(codeOf(() => encodeShard({ ...layout, setWidth: 1 }, 0, wide))).toBe("INVALID_SEGMENTS");
	});
});

describe("openShard rejects bad bytes with a typed error", () => {
	const recs = sortedRecords(200, 5, 1000);
	const good = () => encodeShard(layout, 9, recs);

	it("truncated: shorter than the header, or than the records it announces", ({ expect }) => {
		expect(codeOf(() => openShard(good().subarray(0, 31), layout, 9))).toBe("TRUNCATED");
		expect(codeOf(() => openShard(new Uint8Array(), layout, 9))).toBe("TRUNCATED");
		const g = good();
		expect(codeOf(() => openShard(g.subarray(0, g.byteLength - 1), layout, 9))).toBe("TRUNCATED");
		expect(codeOf(() => openShard(g.subarray(0, SHARD_HEADER_BYTES), layout, 9))).toBe("TRUNCATED");
	});

	it("trailing bytes", ({ expect }) => {
		const g = good();
		const longer = new Uint8Array(g.byteLength + 1);
		longer.set(g);
		expect(codeOf(() => openShard(longer, layout, 9))).toBe("BAD_LENGTH");
	});

	it("not a shard, other version, corrupted header or records", ({ expect }) => {
		const notShard = good();
		notShard[0] = 0x7b; // "{": a JSON value stored under a shard key
		expect(codeOf(() => openShard(notShard, layout, 9))).toBe("BAD_MAGIC");
		const v2 = good();
		new DataView(v2.buffer).setUint16(4, 2);
		expect(codeOf(() => openShard(resealHeader(v2), layout, 9))).toBe("UNSUPPORTED_VERSION");
		const headerFlip = good();
		(headerFlip[17] as number) ^= 1;
		expect(codeOf(() => openShard(headerFlip, layout, 9))).toBe("CHECKSUM_MISMATCH");
		const recordFlip = good();
		(recordFlip[SHARD_HEADER_BYTES + 13] as number) ^= 0x40;
		expect(codeOf(() => openShard(recordFlip, layout, 9))).toBe("CHECKSUM_MISMATCH");
		// A reader that checked the bytes before caching them may skip the records pass.
		expect(openShard(recordFlip, layout, 9, { verifyRecords: false }).count).toBe(recs.count);
	});

	it("a valid shard of another snapshot, index or layout", ({ expect }) => {
		expect(codeOf(() => openShard(good(), layout, 8))).toBe("WRONG_SHARD");
		expect(codeOf(() => openShard(good(), { ...layout, snapshotTag: snapshotTag("snap-2") }, 9))).toBe(
			"WRONG_SHARD",
		);
		expect(codeOf(() => openShard(good(), { ...layout, shardBits: 5 }, 9))).toBe("WRONG_SHARD");
		expect(codeOf(() => openShard(good(), { ...layout, setWidth: 1 }, 9))).toBe("WRONG_SHARD");
	});

	it("says what is wrong in the message", ({ expect }) => {
		const g = good();
		expect(() => openShard(g.subarray(0, 100), layout, 9)).toThrow(
			/shard 9: 100 bytes, the header announces 200 records/,
		);
	});
});
