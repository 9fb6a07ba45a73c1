/**
 * The manifest: what a snapshot is (id, build time, shard layout, segment dictionary, checksum)
 * and which deltas it already contains. Stored as JSON under `audience:manifest`; a reader opens
 * every shard against it.
 * @module
 */
import { crc32 } from "./crc32.ts";
import { AudienceError } from "./errors.ts";
import { isSegmentName, MAX_SEGMENTS_PER_RECORD, MAX_UNTIL_SECONDS } from "./id-types.ts";
import { isSnapshotId } from "./keys.ts";
import type { Membership } from "./membership.ts";
import { KEY_BYTES, type ShardLayout, snapshotTag } from "./shard.ts";

/** Version of the manifest format. */
export const MANIFEST_FORMAT_VERSION = 1;
/** Most shards a snapshot may have (2^24). */
export const MAX_SHARD_BITS = 24;

/** A replaced snapshot whose keys are kept for the grace period. */
export interface ReplacedSnapshot {
	snapshot_id: string;
	shard_count: number;
	/** ISO instant it stopped being current. */
	replaced_at: string;
	deltas_folded_until: number;
}

/** The stored JSON. */
export interface ManifestDocument {
	format: typeof MANIFEST_FORMAT_VERSION;
	snapshot_id: string;
	/** ISO instant the build finished. */
	built_at: string;
	/** ISO instant the manifest was published (set by the publisher). */
	published_at?: string;
	/** log2 of shard_count. */
	shard_bits: number;
	shard_count: number;
	/** Bytes of a record's set index. */
	set_width: number;
	/** Bytes of a record's key (always 7). */
	key_bytes: number;
	/** Ids in the snapshot. */
	records: number;
	/** Segment names; sets refer to them by index. */
	segments: string[];
	/** Segment sets: pairs of segment index and end (epoch seconds, 0 = open-ended). */
	sets: [number, number][][];
	/** CRC-32 (8 hex) over every shard's index and records CRC, in shard order. */
	checksum: string;
	/** Epoch ms: deltas written up to this instant are folded in; 0 = none. */
	deltas_folded_until: number;
	/** Sizes, for humans and tools. */
	stats?: { shard_bytes_p50: number; shard_bytes_max: number; bytes: number };
	/** Snapshots replaced by this one (or earlier), deleted after the grace period. */
	history?: ReplacedSnapshot[];
}

/** A parsed manifest, ready for lookups. */
export interface Manifest {
	readonly document: ManifestDocument;
	readonly snapshotId: string;
	readonly shardBits: number;
	readonly shardCount: number;
	readonly layout: ShardLayout;
	/** Memberships by set index. */
	readonly memberships: readonly Membership[];
	readonly deltasFoldedUntil: number;
}

/**
 * The snapshot checksum: CRC-32 over (shard index, records CRC) of every shard, in order.
 * @param recordsCrcs - records CRC of shard 0, 1, …
 * @returns 8 lower-case hex digits
 */
export function snapshotChecksum(recordsCrcs: ArrayLike<number>): string {
	const buf = new Uint8Array(8);
	const view = new DataView(buf.buffer);
	let crc = 0;
	for (let i = 0; i < recordsCrcs.length; i++) {
		view.setUint32(0, i);
		view.setUint32(4, (recordsCrcs[i] as number) >>> 0);
		crc = crc32(buf, 0, 8, crc);
	}
	return crc.toString(16).padStart(8, "0");
}

/**
 * Parses and validates a manifest.
 * @param input - the stored JSON text, or the parsed value
 * @returns the manifest
 * @throws AudienceError `INVALID_MANIFEST` naming the first bad field, `UNSUPPORTED_VERSION` for another format
 * @example parseManifest(await kv.get("audience:manifest")).shardCount
 */
export function parseManifest(input: string | unknown): Manifest {
	let data: unknown = input;
	if (typeof input === "string") {
		try {
			data = JSON.parse(input);
		} catch {
			throw invalid("$", "is not JSON");
		}
	}
	if (typeof data !== "object" || data === null || Array.isArray(data))
		throw invalid("$", "must be an object");
	const d = data as Record<string, unknown>;
	if (d.format !== MANIFEST_FORMAT_VERSION)
		throw new AudienceError(
			"UNSUPPORTED_VERSION",
			`manifest format ${String(d.format)}, this reader reads ${MANIFEST_FORMAT_VERSION}`,
			{ field: "format" },
		);
	if (!isSnapshotId(d.snapshot_id)) throw invalid("snapshot_id", "must be 1–64 of A-Z a-z 0-9 _ . -");
	if (typeof d.built_at !== "string" || !Number.isFinite(Date.parse(d.built_at)))
		throw invalid("built_at", "must be an ISO instant");
	const bits = d.shard_bits;
	if (typeof bits !== "number" || !Number.isInteger(bits) || bits < 0 || bits > MAX_SHARD_BITS)
		throw invalid("shard_bits", `must be an integer 0–${MAX_SHARD_BITS}`);
	if (d.shard_count !== 2 ** bits) throw invalid("shard_count", `must be 2^shard_bits = ${2 ** bits}`);
	if (d.key_bytes !== KEY_BYTES) throw invalid("key_bytes", `must be ${KEY_BYTES}`);
	const width = d.set_width;
	if (width !== 1 && width !== 2 && width !== 3) throw invalid("set_width", "must be 1, 2 or 3");
	if (typeof d.records !== "number" || !Number.isInteger(d.records) || d.records < 0)
		throw invalid("records", "must be a whole number");
	if (!Array.isArray(d.segments)) throw invalid("segments", "must be an array of segment names");
	for (const [i, s] of d.segments.entries())
		if (!isSegmentName(s)) throw invalid(`segments[${i}]`, "is not a segment name");
	if (new Set(d.segments).size !== d.segments.length) throw invalid("segments", "names must be unique");
	const segments = d.segments as string[];
	if (!Array.isArray(d.sets)) throw invalid("sets", "must be an array of segment sets");
	if (d.sets.length > 2 ** (8 * width)) throw invalid("sets", `more sets than ${width}-byte indexes address`);
	const memberships: Membership[] = d.sets.map((set, i) => parseSet(set, `sets[${i}]`, segments));
	if (typeof d.checksum !== "string" || !/^[0-9a-f]{8}$/.test(d.checksum))
		throw invalid("checksum", "must be 8 lower-case hex digits");
	const folded = d.deltas_folded_until;
	if (typeof folded !== "number" || !Number.isInteger(folded) || folded < 0)
		throw invalid("deltas_folded_until", "must be epoch ms (0 = none)");
	if (d.history !== undefined && !Array.isArray(d.history)) throw invalid("history", "must be an array");
	const document = d as unknown as ManifestDocument;
	return {
		document,
		snapshotId: document.snapshot_id,
		shardBits: bits,
		shardCount: 2 ** bits,
		layout: { snapshotTag: snapshotTag(document.snapshot_id), shardBits: bits, setWidth: width },
		memberships,
		deltasFoldedUntil: folded,
	};
}

function parseSet(set: unknown, field: string, segments: readonly string[]): Membership {
	if (!Array.isArray(set)) throw invalid(field, "must be an array of [segment index, end] pairs");
	if (set.length > MAX_SEGMENTS_PER_RECORD)
		throw invalid(field, `at most ${MAX_SEGMENTS_PER_RECORD} segments`);
	const names: string[] = [];
	const until: number[] = [];
	for (const [j, pair] of set.entries()) {
		const f = `${field}[${j}]`;
		if (!Array.isArray(pair) || pair.length !== 2) throw invalid(f, "must be [segment index, end]");
		const [s, end] = pair as unknown[];
		if (typeof s !== "number" || !Number.isInteger(s) || s < 0 || s >= segments.length)
			throw invalid(f, "segment index out of range");
		if (typeof end !== "number" || !Number.isInteger(end) || end < 0 || end > MAX_UNTIL_SECONDS)
			throw invalid(f, "end must be 0 or epoch seconds");
		const name = segments[s] as string;
		if (names.includes(name)) throw invalid(f, `segment "${name}" twice in one set`);
		names.push(name);
		until.push(end);
	}
	return { names, until };
}

function invalid(field: string, message: string): AudienceError {
	return new AudienceError("INVALID_MANIFEST", `manifest ${field} ${message}`, { field });
}
