/**
 * Input validation for the click feedback URL (docs/conversion/form-api.md §4.4) and the conversion
 * ingest body. Pure functions: they take parsed input and return normalized values or throw a
 * {@link RelayError} naming the field.
 * @module
 */
import {
	detectDeviceIdKind,
	hashDeviceId,
	isMuidError,
	isNonDeviceHash,
	isNonDeviceRawId,
	normalizeDeviceIdHash,
} from "@txad/muid";
import { md5Hex } from "@txad/signing";
import { invalidField, RelayError } from "./errors.ts";
import type { ClickAppType, ConvAppType, DeviceKind } from "./ledger.ts";

/** Conversion form API §4.4: app_type on clicks, lower case ("联盟Android为unionandroid"). */
export const CLICK_APP_TYPES: readonly ClickAppType[] = ["android", "ios", "unionandroid"];
/** Conversion form API §5.4–5.5: app_type on conversions, upper case recommended ("已兼容大小写"). */
export const CONV_APP_TYPES: readonly ConvAppType[] = ["IOS", "ANDROID", "UNIONANDROID"];
/** Conversion form API §6.1: the common conversion types; others exist on allow-lists (§6.2), so any code-shaped value passes. */
export const COMMON_CONV_TYPES = [
	"MOBILEAPP_ACTIVITE",
	"MOBILEAPP_REGISTER",
	"MOBILEAPP_ADDTOCART",
	"MOBILEAPP_COST",
] as const;

// Conversion form API ret -14 (§6.4, "时间戳不是秒级别"): seconds, at most 10 digits. Anything
// from 10^11 up is a millisecond timestamp and gets a message that says so.
const SECONDS_PATTERN = /^[1-9][0-9]{0,9}$/;
const DIGITS_PATTERN = /^[1-9][0-9]{0,19}$/;
const PRINTABLE_PATTERN = /^[\x21-\x7e]+$/;
const CONV_TYPE_PATTERN = /^[A-Z0-9_]{1,64}$/;
const OAID_PATTERN = /^[0-9A-Za-z-]{1,128}$/;
const IPV4_PATTERN =
	/^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const IPV6_PATTERN = /^[0-9A-Fa-f:.]{2,45}$/;

/** How far ahead of the relay's clock a conversion may be stamped (clock skew). */
export const MAX_FUTURE_SKEW_SECONDS = 600;

/** A validated click. */
export interface ClickInput {
	muid: string;
	non_device: boolean;
	click_time: number;
	click_id: string;
	appid: string;
	advertiser_id: string;
	app_type: ClickAppType;
	callback: string | null;
}

function single(params: URLSearchParams, name: string, required: true): string;
function single(params: URLSearchParams, name: string, required: false): string | undefined;
function single(params: URLSearchParams, name: string, required: boolean): string | undefined {
	const values = params.getAll(name);
	if (values.length > 1) throw invalidField(name, `${name} is given ${values.length} times`);
	const value = values[0];
	if (value === undefined || value === "") {
		if (required) throw invalidField(name, `${name} is required`);
		return undefined;
	}
	return value;
}

function seconds(field: string, raw: string): number {
	if (!SECONDS_PATTERN.test(raw)) {
		const hint = /^[0-9]{11,}$/.test(raw) ? " (this looks like milliseconds)" : "";
		throw invalidField(field, `${field} must be a Unix time in seconds${hint}`);
	}
	return Number(raw);
}

/**
 * Validates the query string Tencent appends to the feedback URL (conversion form API §4.3–4.4).
 * @param params - the request's query parameters
 * @returns the normalized click; muid lower-cased, app_type lower-cased
 * @throws RelayError `INVALID_FIELD` naming the first bad parameter
 */
export function parseClickParams(params: URLSearchParams): ClickInput {
	const rawMuid = single(params, "muid", true);
	let muid: string;
	try {
		muid = normalizeDeviceIdHash(rawMuid);
	} catch (e) {
		if (isMuidError(e)) throw invalidField("muid", "muid must be 32 hex characters (md5 of the device id)");
		throw e;
	}
	const click_time = seconds("click_time", single(params, "click_time", true));
	const click_id = single(params, "click_id", true);
	if (click_id.length > 256 || !PRINTABLE_PATTERN.test(click_id)) {
		throw invalidField("click_id", "click_id must be at most 256 printable ASCII characters");
	}
	const appid = single(params, "appid", true);
	if (!DIGITS_PATTERN.test(appid)) throw invalidField("appid", "appid must be a positive integer");
	const advertiser_id = single(params, "advertiser_id", true);
	if (!DIGITS_PATTERN.test(advertiser_id)) {
		throw invalidField("advertiser_id", "advertiser_id must be a positive integer");
	}
	const appType = single(params, "app_type", true).toLowerCase();
	if (!(CLICK_APP_TYPES as readonly string[]).includes(appType)) {
		throw invalidField("app_type", "app_type must be android, ios or unionandroid");
	}
	const callback = single(params, "callback", false) ?? null;
	if (callback !== null && !/^https?:\/\//i.test(callback)) {
		throw invalidField("callback", "callback must be an http(s) URL");
	}
	return {
		muid,
		non_device: isNonDeviceHash(muid),
		click_time,
		click_id,
		appid,
		advertiser_id,
		app_type: appType as ClickAppType,
		callback,
	};
}

/** A validated conversion, device already hashed. */
export interface ConversionInput {
	event_id: string;
	appid: string;
	advertiser_id: string;
	app_type: ConvAppType;
	conv_type: string;
	conv_time: number;
	client_ip: string;
	value: number | null;
	muid: string;
	device_kind: DeviceKind;
	/** md5 over the normalized fields, to tell a retry from a reused event_id. */
	fingerprint: string;
}

const DEVICE_FIELDS = ["imei", "idfa", "oaid", "muid"] as const;
const CONVERSION_FIELDS = new Set<string>([
	"event_id",
	"appid",
	"advertiser_id",
	"app_type",
	"conv_type",
	"conv_time",
	"client_ip",
	"value",
	...DEVICE_FIELDS,
]);

function idField(body: Record<string, unknown>, field: string): string {
	const v = body[field];
	if (v === undefined || v === null || v === "") throw invalidField(field, `${field} is required`);
	if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return String(v);
	if (typeof v === "string" && DIGITS_PATTERN.test(v)) return v;
	throw invalidField(field, `${field} must be a positive integer (number or digit string)`);
}

function stringField(body: Record<string, unknown>, field: string): string {
	const v = body[field];
	if (v === undefined || v === null || v === "") throw invalidField(field, `${field} is required`);
	if (typeof v !== "string") throw invalidField(field, `${field} must be a string`);
	return v;
}

function hashDevice(
	body: Record<string, unknown>,
	appType: ConvAppType,
): { muid: string; device_kind: DeviceKind } {
	const given = DEVICE_FIELDS.filter((f) => body[f] !== undefined && body[f] !== null);
	if (given.length === 0) {
		throw invalidField("device", "one of imei, idfa, oaid or muid is required");
	}
	if (given.length > 1) {
		throw invalidField("device", `give exactly one device id, not ${given.join(" and ")}`);
	}
	const kind = given[0] as DeviceKind;
	const raw = body[kind];
	if (typeof raw !== "string" || raw.trim() === "")
		throw invalidField(kind, `${kind} must be a non-empty string`);
	const ios = appType === "IOS";
	if (kind === "idfa" && !ios) throw invalidField("idfa", `idfa is an iOS id but app_type is ${appType}`);
	if ((kind === "imei" || kind === "oaid") && ios) {
		throw invalidField(kind, `${kind} is an Android id but app_type is IOS`);
	}
	if (kind === "muid") {
		let muid: string;
		try {
			muid = normalizeDeviceIdHash(raw);
		} catch (e) {
			if (isMuidError(e)) throw invalidField("muid", "muid must be 32 hex characters (md5 of the device id)");
			throw e;
		}
		if (isNonDeviceHash(muid)) {
			throw new RelayError(400, "NON_DEVICE_ID", "muid is the hash of a placeholder id, not a device", {
				field: "muid",
			});
		}
		return { muid, device_kind: "muid" };
	}
	if (isNonDeviceRawId(raw)) {
		throw new RelayError(400, "NON_DEVICE_ID", `${kind} is a placeholder, not a device id`, { field: kind });
	}
	// Conversion form API §6.5 generate_muid: an IMEI/MEID is 1–15 hex digits, an IDFA is five or
	// more alphanumeric groups; anything else would hash to a muid no click carries.
	if (kind === "imei" && detectDeviceIdKind(raw) !== "imei") {
		throw invalidField("imei", "imei must be 1–15 hex digits (IMEI or MEID)");
	}
	if (kind === "idfa" && detectDeviceIdKind(raw, { os: "ios" }) !== "idfa") {
		throw invalidField("idfa", "idfa must look like 1E2DFA89-496A-47FD-9941-DF1FC4E6484A");
	}
	if (kind === "oaid" && !OAID_PATTERN.test(raw.trim())) {
		throw invalidField("oaid", "oaid must be at most 128 letters, digits or hyphens");
	}
	return { muid: hashDeviceId(kind, raw), device_kind: kind };
}

/**
 * Validates a POST /conversions body and hashes its device id with `@txad/muid`.
 * @param body - the parsed JSON
 * @param nowSeconds - the relay's clock, to reject conversions from the future
 * @returns the normalized conversion
 * @throws RelayError `INVALID_JSON`, `INVALID_FIELD` or `NON_DEVICE_ID` naming the field
 */
export function parseConversionBody(body: unknown, nowSeconds: number): ConversionInput {
	if (body === null || typeof body !== "object" || Array.isArray(body)) {
		throw new RelayError(400, "INVALID_JSON", "the body must be a JSON object");
	}
	const b = body as Record<string, unknown>;
	for (const key of Object.keys(b)) {
		if (!CONVERSION_FIELDS.has(key)) throw invalidField(key, `unknown field ${key}`);
	}
	const event_id = stringField(b, "event_id");
	if (event_id.length > 128 || !PRINTABLE_PATTERN.test(event_id)) {
		throw invalidField("event_id", "event_id must be at most 128 printable ASCII characters");
	}
	const appid = idField(b, "appid");
	const advertiser_id = idField(b, "advertiser_id");
	const appType = stringField(b, "app_type").toUpperCase();
	if (!(CONV_APP_TYPES as readonly string[]).includes(appType)) {
		throw invalidField("app_type", "app_type must be IOS, ANDROID or UNIONANDROID");
	}
	const app_type = appType as ConvAppType;
	const conv_type = stringField(b, "conv_type").toUpperCase();
	if (!CONV_TYPE_PATTERN.test(conv_type)) {
		throw invalidField("conv_type", "conv_type must be a code such as MOBILEAPP_ACTIVITE");
	}
	const rawTime = b.conv_time;
	if (rawTime === undefined || rawTime === null || rawTime === "") {
		throw invalidField("conv_time", "conv_time is required");
	}
	if (typeof rawTime !== "number" && typeof rawTime !== "string") {
		throw invalidField("conv_time", "conv_time must be a Unix time in seconds");
	}
	const conv_time = seconds("conv_time", String(rawTime));
	if (conv_time > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
		throw invalidField("conv_time", "conv_time is in the future");
	}
	let client_ip = "";
	if (b.client_ip !== undefined && b.client_ip !== null && b.client_ip !== "") {
		if (typeof b.client_ip !== "string" || !(IPV4_PATTERN.test(b.client_ip) || isIpv6(b.client_ip))) {
			throw invalidField("client_ip", "client_ip must be an IPv4 or IPv6 address");
		}
		client_ip = b.client_ip;
	}
	let value: number | null = null;
	if (b.value !== undefined && b.value !== null) {
		const v = typeof b.value === "string" && /^[0-9]+$/.test(b.value) ? Number(b.value) : b.value;
		if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
			throw invalidField("value", "value must be a non-negative integer");
		}
		value = v;
	}
	const { muid, device_kind } = hashDevice(b, app_type);
	const fingerprint = md5Hex(
		JSON.stringify([appid, advertiser_id, app_type, conv_type, conv_time, client_ip, value, muid]),
	);
	return {
		event_id,
		appid,
		advertiser_id,
		app_type,
		conv_type,
		conv_time,
		client_ip,
		value,
		muid,
		device_kind,
		fingerprint,
	};
}

function isIpv6(value: string): boolean {
	return value.includes(":") && IPV6_PATTERN.test(value);
}
