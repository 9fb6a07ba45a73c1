/**
 * Guessing the kind of a raw device id, following the `generate_muid` rules of
 * docs/conversion/form-api.md §6.5.
 * @module
 */
import type { DeviceIdKind } from "./hash.ts";

// Conversion form API §6.5: 1–15 hex digits is an IMEI or MEID.
const IMEI_PATTERN = /^[0-9A-Fa-f]{1,15}$/;
// Conversion form API §6.5: an alphanumeric group followed by four or more groups joined by "/",
// white space or "-" is an IDFA. OAIDs in UUID form have the same shape, hence the `os` hint below.
const IDFA_PATTERN = /^[0-9a-zA-Z]+(?:[/\s-][0-9a-zA-Z]+){4,}$/;

/** What {@link detectDeviceIdKind} can tell. */
export type DetectedKind = Extract<DeviceIdKind, "imei" | "idfa" | "oaid">;

/** Extra context for detection. */
export interface DetectOptions {
	/**
	 * The device's OS when known. An id of IDFA shape from an Android device is an OAID: the
	 * document's rules alone cannot tell the two apart.
	 */
	os?: "ios" | "android";
}

/**
 * Detects the kind of a raw id by shape, per conversion form API §6.5.
 * @param raw - the raw id
 * @param options - an OS hint
 * @returns the kind, or `null` when the id fits no rule (then the caller must say the kind)
 * @example detectDeviceIdKind("354649050046412") // "imei"
 */
export function detectDeviceIdKind(raw: string, options: DetectOptions = {}): DetectedKind | null {
	const id = raw.trim();
	if (IMEI_PATTERN.test(id)) return "imei";
	if (IDFA_PATTERN.test(id)) return options.os === "android" ? "oaid" : "idfa";
	return null;
}
