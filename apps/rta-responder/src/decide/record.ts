/**
 * Audience records: what KV holds per device id, parsed once per cache fill.
 *
 * Stored JSON (value of key `<id type>:<hash>`):
 * `{"segments":["new_user","vip"],"until":{"vip":1767225600}}` — the segments the device belongs
 * to, and optionally, per segment, the epoch second its membership ends.
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
/** Most segments per device. */
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
 * Parses a stored record. Anything that is not the documented shape yields undefined (the
 * caller logs it and treats the device as unknown: a corrupt record must not select strategies).
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
	if (typeof data !== "object" || data === null) return undefined;
	const { segments, until } = data as { segments?: unknown; until?: unknown };
	if (!Array.isArray(segments) || !segments.every(isSegmentName)) return undefined;
	if (until === undefined) return { segments, until: undefined };
	if (typeof until !== "object" || until === null || Array.isArray(until)) return undefined;
	const times = segments.map((s) => {
		const t = (until as Record<string, unknown>)[s];
		return typeof t === "number" && Number.isFinite(t) && t > 0 ? t : 0;
	});
	return { segments, until: times.some((t) => t > 0) ? times : undefined };
}

/**
 * The segments still active at a time.
 * @param record - the record
 * @param nowSeconds - epoch seconds
 * @returns active segment names (the record's own array when none can expire)
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
