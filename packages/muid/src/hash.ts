/**
 * Device-id normalization and hashing as Tencent's RTA and conversion APIs expect
 * (docs/conversion/form-api.md §5.7; docs/rta/http-behaviour.md "Device id hashing"): IMEI
 * lower-cased, IDFA upper-cased, OAID, Android ID, MAC and CAID hashed as given; the hash is md5 as
 * 32 lower-case hex characters.
 * @module
 */
import { md5Hex } from "@txad/signing";
import { MuidError } from "./errors.ts";

/** The raw device-id kinds Tencent hashes. */
export const DEVICE_ID_KINDS = ["imei", "idfa", "oaid", "android_id", "mac", "caid"] as const;

/** A raw device-id kind. */
export type DeviceIdKind = (typeof DEVICE_ID_KINDS)[number];

// docs/rta/http-behaviour.md "Device id hashing": an md5 as 32 lower-case hex digits, nothing more.
const HASH_PATTERN = /^[0-9a-f]{32}$/;

/**
 * Whether a string names a known kind.
 * @param kind - candidate kind
 * @returns true for one of {@link DEVICE_ID_KINDS}
 */
export function isDeviceIdKind(kind: unknown): kind is DeviceIdKind {
	return (DEVICE_ID_KINDS as readonly unknown[]).includes(kind);
}

/**
 * Normalizes a raw id the way Tencent does before hashing. Surrounding white space is removed
 * (it never belongs to an id and creeps in from files and forms); case is changed only where
 * Tencent changes it.
 * @param kind - the id kind
 * @param raw - the raw id
 * @returns the string that gets hashed
 * @throws MuidError `UNKNOWN_KIND` or `EMPTY_ID`
 * @example normalizeDeviceId("idfa", "1e2dfa89-496a-47fd-9941-df1fc4e6484a") // "1E2DFA89-…"
 */
export function normalizeDeviceId(kind: DeviceIdKind, raw: string): string {
	if (!isDeviceIdKind(kind)) throw new MuidError("UNKNOWN_KIND", `unknown device id kind: ${String(kind)}`);
	if (typeof raw !== "string") throw new MuidError("EMPTY_ID", `${kind} must be a string`);
	const trimmed = raw.trim();
	if (trimmed === "") throw new MuidError("EMPTY_ID", `${kind} is empty`);
	switch (kind) {
		case "imei":
			return trimmed.toLowerCase();
		case "idfa":
			return trimmed.toUpperCase();
		default:
			return trimmed;
	}
}

/**
 * Hashes a raw device id into Tencent's muid / `*_md5sum` form.
 * @param kind - the id kind
 * @param raw - the raw id
 * @returns 32 lower-case hex characters
 * @throws MuidError `UNKNOWN_KIND` or `EMPTY_ID`
 * @example hashDeviceId("imei", "354649050046412") // "b496ec1169770ea274a2b4f42ca4fb71"
 */
export function hashDeviceId(kind: DeviceIdKind, raw: string): string {
	return md5Hex(normalizeDeviceId(kind, raw));
}

/**
 * Whether a value is a well-formed hash: 32 lower-case hex characters.
 * @param value - candidate hash
 * @returns true when well-formed
 */
export function isDeviceIdHash(value: unknown): value is string {
	return typeof value === "string" && HASH_PATTERN.test(value);
}

/**
 * Returns a hash in canonical form, accepting upper-case hex and surrounding white space.
 * @param value - candidate hash
 * @returns the lower-case hash
 * @throws MuidError `INVALID_HASH` when it is not a string of exactly 32 hex characters
 * (after trimming): shorter, longer, non-hex and inner white space are all refused
 */
export function normalizeDeviceIdHash(value: string): string {
	if (typeof value === "string") {
		const candidate = value.trim().toLowerCase();
		if (HASH_PATTERN.test(candidate)) return candidate;
	}
	throw new MuidError("INVALID_HASH", "a device id hash must be 32 hex characters (md5)");
}
