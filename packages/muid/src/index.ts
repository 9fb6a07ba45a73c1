/**
 * `@txad/muid`: device-id normalization, hashing, kind detection and placeholder filtering for
 * Tencent's RTA and conversion APIs.
 * @module
 */
export { type DetectedKind, type DetectOptions, detectDeviceIdKind } from "./detect.ts";
export { isMuidError, MUID_ERROR_CODES, MuidError, type MuidErrorCode } from "./errors.ts";
export {
	DEVICE_ID_KINDS,
	type DeviceIdKind,
	hashDeviceId,
	isDeviceIdHash,
	isDeviceIdKind,
	normalizeDeviceId,
	normalizeDeviceIdHash,
} from "./hash.ts";
export { isNonDeviceHash, isNonDeviceRawId, NON_DEVICE_RAW_IDS } from "./non-device.ts";
