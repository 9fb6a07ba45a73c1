/**
 * Audience records: what KV holds per device id, parsed once per cache fill.
 *
 * Stored JSON (value of key `<id type>:<hash>`):
 * `{"segments":["new_user","vip"],"until":{"vip":1767225600}}` — the segments the device belongs
 * to, and optionally, per segment, the epoch second its membership ends.
 *
 * A record is used only when all of it is well formed: a non-empty list of distinct segment
 * names, and `until` (optional) an object whose every key is one of those segments and whose
 * every value is a positive integer. A record that is partly corrupt (one bad segment name,
 * one end time that is a string, an end time for a segment the record does not list) is rejected
 * whole rather than repaired: guessing would turn a membership meant to end into a permanent one,
 * or decide on data nobody wrote.
 *
 * A record whose every segment has ended is expired: it counts as no record at all.
 * @module
 */

/** A parsed audience record. */
export interface AudienceRecord {
	/** Segment names. */
	readonly segments: readonly string[];
	/** Per-segment expiry (epoch seconds), parallel to `segments`; 0 = none. Undefined when no segment expires. */
	readonly until: readonly number[] | undefined;
}

/** The stored JSON shape. */
export interface StoredAudienceRecord {
	segments: string[];
	until?: Record<string, number>;
}

/** Longest segment name accepted (bytes are cheap, typos in giant names are not). */
export const MAX_SEGMENT_LENGTH = 64;
/** Most segments per NDJSON line (a merged record may hold more). */
export const MAX_SEGMENTS_PER_RECORD = 64;
const SEGMENT_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Whether a string is a valid segment name: 1–64 of `A-Z a-z 0-9 _ . : -`.
 * @param value - candidate
 * @returns true when valid
 */
export function isSegmentName(value: unknown): value is string {
	return typeof value === "string" && SEGMENT_PATTERN.test(value);
}

/**
 * Parses a stored record. Anything that is not exactly the documented shape yields undefined
 * (the caller logs it and treats the device as unknown: a corrupt record must not select
 * strategies).
 * @param text - the KV value
 * @returns the record, or undefined when malformed
 * @example parseAudienceRecord('{"segments":["new_user"]}')
 */
export function parseAudienceRecord(text: string): AudienceRecord | undefined {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (!isPlainObject(data)) return undefined;
	const { segments, until } = data;
	if (!Array.isArray(segments) || segments.length === 0) return undefined;
	if (!segments.every(isSegmentName) || new Set(segments).size !== segments.length) return undefined;
	if (until === undefined) return { segments, until: undefined };
	if (!isPlainObject(until)) return undefined;
	for (const [segment, t] of Object.entries(until)) {
		if (!segments.includes(segment) || !isEpochSeconds(t)) return undefined;
	}
	const times = segments.map((s) => (until[s] as number | undefined) ?? 0);
	return { segments, until: times.some((t) => t > 0) ? times : undefined };
}

/**
 * The segments still active at a time.
 * @param record - the record
 * @param nowSeconds - epoch seconds
 * @returns active segment names (the record's own array when none can expire); empty once the
 *   record has expired
 */
export function activeSegments(record: AudienceRecord, nowSeconds: number): readonly string[] {
	const until = record.until;
	if (until === undefined) return record.segments;
	const out: string[] = [];
	for (let i = 0; i < record.segments.length; i++) {
		const t = until[i] ?? 0;
		if (t === 0 || t > nowSeconds) out.push(record.segments[i] as string);
	}
	return out;
}

/**
 * When a record ends as a whole: the end of its last segment.
 * @param segments - segment names
 * @param until - per-segment expiry (epoch seconds), by segment
 * @returns epoch seconds, or undefined when a segment never ends
 * @example recordEnd(["a", "b"], { a: 100, b: 200 }) // 200
 */
export function recordEnd(
	segments: readonly string[],
	until: Readonly<Record<string, number>>,
): number | undefined {
	let last = 0;
	for (const s of segments) {
		const t = until[s];
		if (t === undefined) return undefined;
		last = Math.max(last, t);
	}
	return segments.length === 0 ? undefined : last;
}

/**
 * Serializes a record for KV.
 * @param segments - segment names
 * @param until - per-segment expiry (epoch seconds)
 * @returns the JSON text
 */
export function serializeAudienceRecord(
	segments: readonly string[],
	until: Readonly<Record<string, number>>,
): string {
	const stored: StoredAudienceRecord = { segments: [...segments] };
	const entries = Object.entries(until).filter(([s]) => segments.includes(s));
	if (entries.length > 0) stored.until = Object.fromEntries(entries);
	return JSON.stringify(stored);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isEpochSeconds(v: unknown): v is number {
	return Number.isSafeInteger(v) && (v as number) > 0;
}
