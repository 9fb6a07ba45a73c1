/**
 * Where a snapshot and its deltas live in Workers KV: the one contract between the CLI that
 * publishes and the responder that reads.
 *
 * - `audience:manifest` — the current snapshot's manifest. Written last by a publish: once it is
 *   there, every shard it names is there too (the atomic switch).
 * - `audience:shard:<snapshot id>:<shard index>` — one shard blob (decimal index).
 * - `audience:delta:<13-digit epoch ms>-<8 hex>` — one admin write (NDJSON request or DELETE). A
 *   fresh key per write, so concurrent writers never overwrite each other (KV allows one write
 *   per second per key and has no compare-and-set); keys sort by time.
 * @module
 */

/** KV key of the current manifest. */
export const MANIFEST_KEY = "audience:manifest";
/** Prefix of every shard key. */
export const SHARD_KEY_PREFIX = "audience:shard:";
/** Prefix of every delta key. */
export const DELTA_KEY_PREFIX = "audience:delta:";

const SNAPSHOT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const DELTA_KEY = /^audience:delta:(\d{13})-([0-9a-f]{8})$/;

/**
 * Whether a string can be a snapshot id (1–64 of `A-Z a-z 0-9 _ . -`).
 * @param id - candidate
 * @returns true when valid
 */
export function isSnapshotId(id: unknown): id is string {
	return typeof id === "string" && SNAPSHOT_ID.test(id);
}

/**
 * A new snapshot id: UTC build time (sorts by age) and 8 random hex digits.
 * @param at - build time
 * @returns e.g. `20261201T160500Z-3fa2c1d0`
 */
export function newSnapshotId(at: Date): string {
	const stamp = at
		.toISOString()
		.replace(/[-:]/g, "")
		.replace(/\.\d{3}/, "");
	return `${stamp}-${randomHex()}`;
}

/**
 * The KV key of one shard.
 * @param snapshotId - snapshot id
 * @param shard - shard index
 * @returns `audience:shard:<id>:<index>`
 */
export function shardKey(snapshotId: string, shard: number): string {
	return `${SHARD_KEY_PREFIX}${snapshotId}:${shard}`;
}

/**
 * A new delta key.
 * @param atMs - epoch ms of the write
 * @returns `audience:delta:<13-digit ms>-<8 hex>`
 */
export function newDeltaKey(atMs: number): string {
	return `${DELTA_KEY_PREFIX}${String(Math.floor(atMs)).padStart(13, "0")}-${randomHex()}`;
}

/**
 * The write time a delta key carries.
 * @param key - a KV key
 * @returns epoch ms, or undefined when the key is not a delta key
 */
export function deltaKeyTime(key: string): number | undefined {
	const m = DELTA_KEY.exec(key);
	return m === null ? undefined : Number(m[1]);
}

function randomHex(): string {
	const b = crypto.getRandomValues(new Uint8Array(4));
	return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
