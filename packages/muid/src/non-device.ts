/**
 * Ids that identify no device: placeholders SDKs report when the real id is unavailable. Deciding
 * on them would treat millions of devices as one (docs/rta/http-behaviour.md "Known non-device
 * ids").
 * @module
 */
import { md5Hex } from "@txad/signing";

/** Raw placeholder values, compared case-sensitively as Tencent hashes them. */
export const NON_DEVICE_RAW_IDS = [
	"",
	"0",
	"00000000",
	"0".repeat(15),
	"0".repeat(16),
	"00000000-0000-0000-0000-000000000000",
	"020000000000",
	"null",
	"NULL",
	"unknown",
] as const;

const NON_DEVICE_HASHES: ReadonlySet<string> = new Set(NON_DEVICE_RAW_IDS.map((id) => md5Hex(id)));

// A raw id made only of zeros and separators, "null"/"unknown" in any case, or the
// 02:00:00:00:00:00 MAC that iOS and Android report in place of the real one.
const PLACEHOLDER_RAW = /^(?:[0\s:/-]*|null|nil|unknown|undefined|02[:-]?00[:-]?00[:-]?00[:-]?00[:-]?00)$/i;

/**
 * Whether a hash is that of a known placeholder id.
 * @param hash - 32 lower-case hex characters (other input is compared as is)
 * @returns true for the md5 of a value in {@link NON_DEVICE_RAW_IDS}
 * @example isNonDeviceHash("d41d8cd98f00b204e9800998ecf8427e") // true: md5 of ""
 */
export function isNonDeviceHash(hash: string): boolean {
	return NON_DEVICE_HASHES.has(hash.toLowerCase());
}

/**
 * Whether a raw id is a placeholder rather than a device's id.
 * @param raw - the raw id
 * @returns true for empty, all-zero, "null"/"unknown" and placeholder-MAC ids
 */
export function isNonDeviceRawId(raw: string): boolean {
	return PLACEHOLDER_RAW.test(raw.trim());
}
