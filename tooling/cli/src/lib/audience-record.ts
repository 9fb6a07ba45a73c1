/**
 * The responder's audience record: KV key and value for one device hash, and the admin API
 * the records are uploaded to. Kept in one place so they follow apps/rta-responder.
 * @module
 */

/** KV key prefix of audience entries. */
export const AUDIENCE_KEY_PREFIX = "aud:";
/** Admin endpoint taking NDJSON audience records. */
export const AUDIENCE_UPLOAD_PATH = "/admin/audience";

/** What the responder stores per device. */
export interface AudienceValue {
	/** Strategy ids (out_target_id) this device is selected for; empty = take with no strategy. */
	targets: string[];
}

/** One wrangler `kv bulk put` entry. */
export interface KvBulkEntry {
	key: string;
	value: string;
	expiration_ttl?: number;
}

/**
 * The KV entry for one device.
 * @param hash - md5, 32 lower-case hex
 * @param value - the stored value
 * @param ttlSeconds - optional expiry
 * @returns the bulk entry
 */
export function kvEntry(hash: string, value: AudienceValue, ttlSeconds?: number): KvBulkEntry {
	return {
		key: `${AUDIENCE_KEY_PREFIX}${hash}`,
		value: JSON.stringify(value),
		...(ttlSeconds === undefined ? {} : { expiration_ttl: ttlSeconds }),
	};
}

/**
 * The NDJSON line the admin API takes for one device.
 * @param hash - md5
 * @param value - the stored value
 * @returns one JSON line without the newline
 */
export function uploadLine(hash: string, value: AudienceValue): string {
	return JSON.stringify({ hash, ...value });
}
