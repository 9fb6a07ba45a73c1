/**
 * The ids an audience is keyed by and the segment names it carries: one definition for the CLI
 * that builds snapshots, the responder that reads them and its admin API.
 *
 * Device ids arrive in RTA requests as lower-case hex md5 (docs/rta/http-behaviour.md "Device id
 * hashing"), one field per kind (docs/rta/wire-protocol.md RtaRequest.Device #2–#6, #13); openids
 * arrive as given (#14, docs/rta/admission.md 交互方式 openid).
 * @module
 */
import type { DeviceIdKind } from "@txad/muid";

/** The id types audience records are keyed by. */
export const ID_TYPES = [
	"idfa_md5",
	"imei_md5",
	"oaid_md5",
	"android_id_md5",
	"mac_md5",
	"caid_md5",
	"openid",
] as const;

/** An id type. */
export type IdType = (typeof ID_TYPES)[number];

/** An id type whose values are md5 hashes (every type but openid). */
export type HashIdType = Exclude<IdType, "openid">;

/**
 * Whether a value is an id type.
 * @param value - candidate
 * @returns true for one of {@link ID_TYPES}
 */
export function isIdType(value: unknown): value is IdType {
	return typeof value === "string" && (ID_TYPES as readonly string[]).includes(value);
}

/**
 * The id type of a raw device-id kind: its md5 form.
 * @param kind - raw kind (`imei`, `idfa`, …)
 * @returns `<kind>_md5`
 * @example idTypeOfKind("imei") // "imei_md5"
 */
export function idTypeOfKind(kind: DeviceIdKind): HashIdType {
	return `${kind}_md5` as HashIdType;
}

/**
 * The text key of one id, as the admin API, deltas and logs name it.
 * @param type - id type
 * @param value - lower-case md5, or the openid
 * @returns `<type>:<value>`
 * @example audienceKey("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71") // "imei_md5:b496…"
 */
export function audienceKey(type: IdType, value: string): string {
	return `${type}:${value}`;
}

/** Longest segment name. */
export const MAX_SEGMENT_LENGTH = 64;
/** Most segments one id may carry. */
export const MAX_SEGMENTS_PER_RECORD = 64;
/** Longest openid accepted (WeChat openids are 28 characters). */
export const MAX_OPENID_LENGTH = 128;

const SEGMENT_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Whether a string is a segment name: 1–64 of `A-Z a-z 0-9 _ . : -`.
 * @param value - candidate
 * @returns true when valid
 * @example isSegmentName("new_user") // true
 */
export function isSegmentName(value: unknown): value is string {
	return typeof value === "string" && SEGMENT_PATTERN.test(value);
}

/** Latest end time a segment membership may carry: 9999-12-31T23:59:59Z, in epoch seconds. */
export const MAX_UNTIL_SECONDS = 253_402_300_799;
