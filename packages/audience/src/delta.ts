/**
 * Deltas: the changes written between two snapshots (admin NDJSON lines, DELETEs). Each write is
 * one small immutable JSON blob of operations under its own key (keys.ts); readers apply every
 * blob newer than their snapshot's `deltas_folded_until`, in key order, then the next publish
 * folds them into the snapshot.
 *
 * Operations, not results, are stored: a merge says "add these segments", so two merges of the
 * same id written at the same moment by two isolates both take effect.
 *
 * Blob: `{"format":1,"created_at":"…","ops":[{"op":"merge","type":"imei_md5","value":"<md5>",
 * "segments":[["vip",0],["promo",1798675200]]}, {"op":"delete","type":"openid","value":"o_…"}]}`.
 * @module
 */
import { AudienceError } from "./errors.ts";
import { type IdType, isIdType, MAX_OPENID_LENGTH } from "./id-types.ts";
import { checkEntry, type Membership, membershipOf, type SegmentEntry } from "./membership.ts";

/** Version of the delta blob format. */
export const DELTA_FORMAT_VERSION = 1;
/**
 * Most operations in one delta blob, so the admin API's lines per request and the CLI's batches
 * agree. Every reader holds all active deltas in memory: keep them for corrections between
 * snapshots, publish a snapshot for bulk changes.
 */
export const MAX_DELTA_OPS = 5000;

/** One change to one id. */
export type DeltaOp =
	/** The id's segments become exactly these. */
	| { op: "replace"; type: IdType; value: string; segments: SegmentEntry[] }
	/** These segments are added (a segment already there takes the new end). */
	| { op: "merge"; type: IdType; value: string; segments: SegmentEntry[] }
	/** The id leaves the audience. */
	| { op: "delete"; type: IdType; value: string };

/** One stored delta. */
export interface DeltaBlob {
	format: typeof DELTA_FORMAT_VERSION;
	/** ISO instant of the write. */
	created_at: string;
	ops: DeltaOp[];
}

const HASH = /^[0-9a-f]{32}$/;

/**
 * Whether an id value is in the canonical form its type stores.
 * @param type - id type
 * @param value - lower-case md5, or an openid of 1–128 characters
 * @returns true when canonical
 */
export function isCanonicalIdValue(type: IdType, value: unknown): value is string {
	if (typeof value !== "string") return false;
	return type === "openid" ? value.length >= 1 && value.length <= MAX_OPENID_LENGTH : HASH.test(value);
}

/**
 * Serializes a delta.
 * @param ops - the operations
 * @param createdAt - write time
 * @returns the blob text
 */
export function serializeDelta(ops: readonly DeltaOp[], createdAt: Date): string {
	const blob: DeltaBlob = {
		format: DELTA_FORMAT_VERSION,
		created_at: createdAt.toISOString(),
		ops: [...ops],
	};
	return JSON.stringify(blob);
}

/**
 * Parses and validates a stored delta.
 * @param text - the blob text
 * @returns the blob
 * @throws AudienceError `INVALID_DELTA` naming the first bad field, `UNSUPPORTED_VERSION` for another format
 */
export function parseDelta(text: string): DeltaBlob {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		throw new AudienceError("INVALID_DELTA", "delta is not JSON", { field: "$" });
	}
	if (typeof data !== "object" || data === null || Array.isArray(data))
		throw new AudienceError("INVALID_DELTA", "delta must be a JSON object", { field: "$" });
	const d = data as Record<string, unknown>;
	if (d.format !== DELTA_FORMAT_VERSION)
		throw new AudienceError(
			"UNSUPPORTED_VERSION",
			`delta format ${String(d.format)}, this reader reads ${DELTA_FORMAT_VERSION}`,
			{ field: "format" },
		);
	if (typeof d.created_at !== "string" || !Number.isFinite(Date.parse(d.created_at)))
		throw new AudienceError("INVALID_DELTA", "created_at must be an ISO instant", { field: "created_at" });
	if (!Array.isArray(d.ops))
		throw new AudienceError("INVALID_DELTA", "ops must be an array", { field: "ops" });
	const ops = d.ops.map((op, i) => parseOp(op, `ops[${i}]`));
	return { format: DELTA_FORMAT_VERSION, created_at: d.created_at, ops };
}

function parseOp(raw: unknown, field: string): DeltaOp {
	const bad = (what: string, sub = "") =>
		new AudienceError("INVALID_DELTA", `${field}${sub}: ${what}`, { field: `${field}${sub}` });
	if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw bad("must be an object");
	const o = raw as Record<string, unknown>;
	if (!isIdType(o.type)) throw bad("unknown id type", ".type");
	const type = o.type;
	if (!isCanonicalIdValue(type, o.value))
		throw bad(type === "openid" ? "must be 1–128 characters" : "must be 32 lower-case hex", ".value");
	const value = o.value;
	if (o.op === "delete") return { op: "delete", type, value };
	if (o.op !== "replace" && o.op !== "merge") throw bad('must be "replace", "merge" or "delete"', ".op");
	if (!Array.isArray(o.segments)) throw bad("must be an array of [name, end] pairs", ".segments");
	const segments: SegmentEntry[] = [];
	for (const [j, e] of o.segments.entries()) {
		if (!Array.isArray(e) || e.length !== 2) throw bad("must be [name, end]", `.segments[${j}]`);
		try {
			checkEntry(e[0], e[1]);
		} catch (cause) {
			throw new AudienceError(
				"INVALID_DELTA",
				`${field}.segments[${j}]: ${cause instanceof Error ? cause.message : String(cause)}`,
				{ field: `${field}.segments[${j}]`, cause },
			);
		}
		segments.push([e[0] as string, e[1] as number]);
	}
	return { op: o.op, type, value, segments };
}

/**
 * Applies operations, in order, to what an id had.
 * @param base - the id's membership before (snapshot record), or null when it had none
 * @param ops - its operations, oldest first
 * @returns the membership after, or null when the id has no record
 * @throws AudienceError `INVALID_SEGMENTS` when a merge would exceed 64 segments
 */
export function applyOps(base: Membership | null, ops: readonly DeltaOp[]): Membership | null {
	let current = base;
	for (const op of ops) {
		if (op.op === "delete") current = null;
		else if (op.op === "replace") current = membershipOf(op.segments);
		else {
			const entries: SegmentEntry[] = [];
			if (current !== null)
				for (let i = 0; i < current.names.length; i++) {
					const name = current.names[i] as string;
					// A segment sent again takes the new end, whatever it had.
					if (!op.segments.some(([n]) => n === name)) entries.push([name, current.until[i] ?? 0]);
				}
			entries.push(...op.segments);
			current = membershipOf(entries);
		}
	}
	return current;
}
