/**
 * Field tables for the request objects of docs/dspb/protocol.md 广告请求接口 "请求数据": one row per field,
 * in the guide's table order, which is also the order the JSON text is written in (the guide's
 * request examples follow it). Validation and serialization both read these tables, so a field
 * cannot be checked one way and sent another.
 * @module
 */

/** Returns undefined when the value is acceptable, else what was expected. */
export type Check = (value: unknown) => string | undefined;

/** One row of a field table. */
export interface FieldSpec {
	/** The guide marks the field 必填. */
	readonly required?: boolean;
	/** The guide restricts the field to one OS (仅限安卓设备 / 仅限iOS设备). */
	readonly only?: "android" | "ios";
	/** Type, range and format check. */
	readonly check: Check;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2n ** 63n - 1n;

/** An integer within [min, max] (defaults: the int32 range). */
export const int =
	(min = INT32_MIN, max = INT32_MAX): Check =>
	(v) =>
		typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
			? undefined
			: `an integer from ${min} to ${max}`;

/** One of the listed values. */
export const oneOf =
	(...values: readonly (number | string)[]): Check =>
	(v) =>
		values.includes(v as number | string)
			? undefined
			: `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`;

/** A boolean. */
export const bool: Check = (v) => (typeof v === "boolean" ? undefined : "a boolean");

/** A non-empty string (optionally matching a pattern). */
export const str =
	(pattern?: RegExp, expected = "a non-empty string"): Check =>
	(v) =>
		typeof v === "string" && v.length > 0 && (pattern === undefined || pattern.test(v))
			? undefined
			: expected;

/** 32 lower-case hex characters, the guide's form for every *_md5 field (摘要小写,32位). */
export const md5Hex: Check = str(/^[0-9a-f]{32}$/, "32 lower-case hex characters (an MD5 digest)");

/** A string of exactly n characters. */
export const length = (n: number): Check => str(new RegExp(`^.{${n}}$`, "u"), `a string of ${n} characters`);

/** Decimal digits in a string (the guide sends byte counts and seconds as strings). */
export const digits: Check = str(/^[0-9]+$/, "a string of decimal digits");

/** A positive int64: a safe integer, a bigint, or a digit string. */
export const positiveInt64: Check = (v) => {
	const expected = "a positive 64-bit integer (number, bigint, or digit string)";
	if (typeof v === "number") return Number.isSafeInteger(v) && v > 0 ? undefined : expected;
	if (typeof v === "bigint") return v > 0n && v <= INT64_MAX ? undefined : expected;
	if (typeof v === "string" && /^[1-9][0-9]{0,18}$/.test(v))
		return BigInt(v) <= INT64_MAX ? undefined : expected;
	return expected;
};

/** A list of non-empty strings, at most `max` long, none containing `forbidden`. */
export const stringList =
	(max: number, forbidden?: string): Check =>
	(v) => {
		const expected = `an array of at most ${max} non-empty strings${forbidden ? ` without "${forbidden}"` : ""}`;
		if (!Array.isArray(v) || v.length === 0 || v.length > max) return expected;
		return v.every((s) => typeof s === "string" && s.length > 0 && (!forbidden || !s.includes(forbidden)))
			? undefined
			: expected;
	};

const IPV4 =
	/^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

/**
 * Whether a string is an IPv4 or IPv6 address (no brackets, no zone).
 * @param ip - candidate
 * @returns true for a literal address
 */
export function isIpAddress(ip: string): boolean {
	if (IPV4.test(ip)) return true;
	if (!/^[0-9a-fA-F:.]+$/.test(ip) || !ip.includes(":")) return false;
	// The WHATWG URL parser implements the full IPv6 grammar (with embedded IPv4) in both runtimes.
	try {
		new URL(`http://[${ip}]/`);
		return true;
	} catch {
		return false;
	}
}

/** An IPv4 or IPv6 literal. */
export const ip: Check = (v) =>
	typeof v === "string" && isIpAddress(v) ? undefined : "an IPv4 or IPv6 address like 14.17.22.37";

/** DSP-B guide network.ua: "需包含Mozilla或Dalvik". */
export const userAgent: Check = str(
	/Mozilla|Dalvik/,
	'a WebView User-Agent containing "Mozilla" or "Dalvik"',
);

/** A finite number ≥ 0. */
export const nonNegative: Check = (v) =>
	typeof v === "number" && Number.isFinite(v) && v >= 0 ? undefined : "a finite number ≥ 0";

/** DSP-B guide pos JSON对象, in table order. */
export const POS_FIELDS: Readonly<Record<string, FieldSpec>> = {
	id: { required: true, check: positiveInt64 },
	ad_count: { required: true, check: int(1, 10) },
	last_ad_ids: {
		check: (v) => (typeof v === "string" ? str()(v) : stringList(1000, ",")(v)),
	},
	deep_link_version: { check: oneOf(1) },
	support_quick_app: { check: bool },
	support_wechat_canvas: { check: bool },
	max_duration: { check: int(1) },
	min_duration: { check: int(0) },
	support_pkg: { check: stringList(200, ",") },
	query: { check: str() },
};

/** DSP-B guide media JSON对象. */
export const MEDIA_FIELDS: Readonly<Record<string, FieldSpec>> = {
	app_id: { required: true, check: str() },
	app_bundle_id: { required: true, check: str() },
};

/**
 * DSP-B guide device JSON对象, in table order. `manufacturer` is required on Android only, which
 * validation enforces separately.
 */
export const DEVICE_FIELDS: Readonly<Record<string, FieldSpec>> = {
	os: { required: true, check: oneOf("ios", "android") },
	// DSP-B guide: 三段式或两段式版本号。如果获取不到,填写unknown(小写).
	os_version: {
		required: true,
		check: str(
			/^(?:[0-9]+\.[0-9]+(?:\.[0-9]+)?|unknown)$/,
			'a two- or three-part version like "13.0" or "17.4.1", or "unknown"',
		),
	},
	model: { required: true, check: str() },
	manufacturer: { check: str() },
	device_type: { required: true, check: oneOf(0, 1, 2, 3) },
	screen_width: { check: int(1) },
	screen_height: { check: int(1) },
	orientation: { check: oneOf(0, 90) },
	imei: { only: "android", check: str() },
	imei_md5: { only: "android", check: md5Hex },
	oaid: { only: "android", check: str() },
	android_id: { only: "android", check: length(16) },
	android_id_md5: { only: "android", check: md5Hex },
	android_ad_id: { only: "android", check: length(36) },
	idfa: { only: "ios", check: length(36) },
	idfa_md5: { only: "ios", check: md5Hex },
	device_start_sec: { check: digits },
	device_name_md5: { check: md5Hex },
	hardware_machine: { check: str() },
	physical_memory_byte: { check: digits },
	harddisk_size_byte: { check: digits },
	system_update_sec: {
		check: str(/^[0-9]+(\.[0-9]{1,6})?$/, 'seconds with up to 6 decimals, like "1595214620.383940"'),
	},
	hardware_model: { only: "ios", check: str() },
	country: { only: "ios", check: str() },
	language: { only: "ios", check: str() },
	time_zone: { only: "ios", check: str(/^[+-]?[0-9]+$/, 'an offset in seconds, like "28800"') },
	wx_api_ver: { only: "android", check: int(0, Number.MAX_SAFE_INTEGER) },
	wx_installed: { only: "ios", check: bool },
	// Android sends an int64, iOS a string (DSP-B guide: "Android端为int64,iOS端为string"); checked per OS.
	opensdk_ver: { check: () => undefined },
	mac: { check: str() },
	wifiname: { check: str() },
	sd_free_space: { check: digits },
};

/** DSP-B guide device 注 (2): the ten fields that replace idfa / idfa_md5 on iOS, all or nothing. */
export const IOS_DEVICE_INFO_FIELDS = [
	"device_start_sec",
	"device_name_md5",
	"hardware_machine",
	"physical_memory_byte",
	"harddisk_size_byte",
	"system_update_sec",
	"hardware_model",
	"country",
	"language",
	"time_zone",
] as const;

/** DSP-B guide device 注 (1): at least one of these on Android. */
export const ANDROID_DEVICE_ID_FIELDS = ["imei", "imei_md5", "android_id", "android_id_md5", "oaid"] as const;

/** DSP-B guide network JSON对象. */
export const NETWORK_FIELDS: Readonly<Record<string, FieldSpec>> = {
	connect_type: { required: true, check: oneOf(0, 1, 2, 3, 4, 5, 6, 7, 8) },
	carrier: { required: true, check: oneOf(0, 1, 2, 3) },
	ip: { required: true, check: ip },
	ua: { required: true, check: userAgent },
};

/** DSP-B guide geo JSON对象, plus `coord_time` which the guide's request examples send. */
export const GEO_FIELDS: Readonly<Record<string, FieldSpec>> = {
	lat: { check: int(-90_000_000, 90_000_000) },
	lng: { check: int(-180_000_000, 180_000_000) },
	location_accuracy: { check: nonNegative },
	coord_time: { check: int(1, Number.MAX_SAFE_INTEGER) },
};
