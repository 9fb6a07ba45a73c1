/**
 * The responder's audience record, as apps/rta-responder stores it (src/decide/ids.ts and
 * src/decide/record.ts): KV key `<id type>:<md5>` with id types `imei_md5`, `idfa_md5`,
 * `oaid_md5`, `android_id_md5`, `mac_md5`, `caid_md5`; value `{"segments":[…]}` (optionally
 * `"until":{segment: epoch seconds}`). Kept in one place so the CLI follows the responder.
 * @module
 */
import type { DeviceIdKind } from "@txad/muid";

/** Admin endpoint taking NDJSON audience records (apps/rta-responder src/handlers/admin-audience.ts). */
export const AUDIENCE_UPLOAD_PATH = "/admin/audience";
/** Most lines the admin API takes per request, by mode (KV allows 1000 operations per invocation; merge reads first). */
export const MAX_UPLOAD_LINES = { replace: 1000, merge: 500 } as const;

/** Segment names the responder accepts (record.ts SEGMENT_PATTERN): 1–64 of A-Z a-z 0-9 _ . : -. */
export const SEGMENT_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** What the responder stores per device. */
export interface AudienceValue {
	/** Segments the device belongs to; the responder's strategy config maps them to out_target_ids. */
	segments: string[];
	/** Per-segment end of membership, epoch seconds. */
	until?: Record<string, number>;
}

/** One wrangler `kv bulk put` entry. */
export interface KvBulkEntry {
	key: string;
	value: string;
	expiration_ttl?: number;
}

/**
 * The responder's id type for a device-id kind (`imei` → `imei_md5`).
 * @param kind - raw id kind
 * @returns the id type in KV keys
 */
export function idTypeOf(kind: DeviceIdKind): string {
	return `${kind}_md5`;
}

/**
 * The KV key of one device.
 * @param kind - raw id kind
 * @param hash - md5, 32 lower-case hex
 * @returns `<id type>:<hash>`
 * @example audienceKvKey("imei", "b496ec1169770ea274a2b4f42ca4fb71") // "imei_md5:b496…"
 */
export function audienceKvKey(kind: DeviceIdKind, hash: string): string {
	return `${idTypeOf(kind)}:${hash}`;
}

/**
 * The KV entry for one device.
 * @param kind - raw id kind
 * @param hash - md5
 * @param value - the stored value
 * @param ttlSeconds - optional KV expiry
 * @returns the bulk entry
 */
export function kvEntry(
	kind: DeviceIdKind,
	hash: string,
	value: AudienceValue,
	ttlSeconds?: number,
): KvBulkEntry {
	return {
		key: audienceKvKey(kind, hash),
		value: JSON.stringify(value),
		...(ttlSeconds === undefined ? {} : { expiration_ttl: ttlSeconds }),
	};
}

/**
 * The NDJSON line the admin API takes for one device: `{"type":"imei_md5","hash":…,"segments":[…]}`.
 * @param kind - raw id kind
 * @param hash - md5
 * @param value - the stored value
 * @param ttlSeconds - optional KV expiry of the record (`ttl_seconds`)
 * @returns one JSON line without the newline
 */
export function uploadLine(
	kind: DeviceIdKind,
	hash: string,
	value: AudienceValue,
	ttlSeconds?: number,
): string {
	return JSON.stringify({
		type: idTypeOf(kind),
		hash,
		...value,
		...(ttlSeconds === undefined ? {} : { ttl_seconds: ttlSeconds }),
	});
}
