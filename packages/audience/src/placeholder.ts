/**
 * The one list of placeholder ids, as hashes: what the CLI and the admin API refuse to store and
 * what `/rta` refuses to look up. A placeholder identifies no device; deciding on it treats
 * millions of devices as one (docs/rta/http-behaviour.md "Known non-device ids").
 *
 * `@txad/muid` owns what a placeholder *raw* id is (`isNonDeviceRawId`: zeros with separators,
 * null / nil / unknown / undefined in any case, the 02:00:00:00:00:00 MAC) and the published
 * hash list (`isNonDeviceHash`). A request only carries hashes, so this module hashes every common
 * spelling of those raw placeholders — each kept only if muid calls it a placeholder — in the
 * forms Tencent's normalisation produces (IMEI lower-cased, IDFA upper-cased, the rest as given).
 * @module
 */
import { isNonDeviceRawId, NON_DEVICE_RAW_IDS } from "@txad/muid";
import { md5Hex } from "@txad/signing";

const WORDS = ["null", "nil", "unknown", "undefined"];
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

function spellings(): string[] {
	const out = new Set<string>(NON_DEVICE_RAW_IDS);
	for (const w of WORDS) {
		out.add(w);
		out.add(w.toUpperCase());
		out.add(w[0]?.toUpperCase() + w.slice(1));
	}
	// All-zero ids of every length an id kind has (IMEI 15, Android ID 16, IDFA/OAID 32 + dashes…).
	for (let n = 1; n <= 40; n++) out.add("0".repeat(n));
	out.add(ZERO_UUID);
	for (const sep of [":", "-", ""]) {
		out.add(["00", "00", "00", "00", "00", "00"].join(sep));
		out.add(["02", "00", "00", "00", "00", "00"].join(sep));
	}
	return [...out].filter((raw) => isNonDeviceRawId(raw));
}

const PLACEHOLDER_HASHES: ReadonlySet<string> = new Set(spellings().map((raw) => md5Hex(raw)));

/**
 * Whether a device-id hash is that of a placeholder id.
 * @param hash - md5 hex (compared lower-cased)
 * @returns true for the md5 of a published placeholder or a spelling muid rejects as raw id
 * @example isPlaceholderHash("d41d8cd98f00b204e9800998ecf8427e") // true: md5 of ""
 */
export function isPlaceholderHash(hash: string): boolean {
	// The published list (muid's isNonDeviceHash) is in the set too: its raw values are spellings.
	return PLACEHOLDER_HASHES.has(hash.toLowerCase());
}

/**
 * Whether an openid is a placeholder (empty, zeros, "null", …) rather than a user's id.
 * @param openid - the openid as sent
 * @returns true when it identifies nobody
 */
export function isPlaceholderOpenid(openid: string): boolean {
	return isNonDeviceRawId(openid);
}
