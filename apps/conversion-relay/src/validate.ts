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
import {
	ACTION_TYPE_TO_CONV_TYPE,
	buildUserId,
	CONV_TYPE_TO_ACTION_TYPE,
	type UserId,
} from "./delivery/marketing-api.ts";
import { invalidField, RelayError } from "./errors.ts";
import { isIpv4, isIpv6, isUnspecifiedIp } from "./ip.ts";
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
// docs/conversion/marketing-api-v3.md "Action fields": action_type is an enum Tencent extends;
// any code-shaped value passes, CUSTOM needs custom_action (1–128 bytes).
const ACTION_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
const OAID_PATTERN = /^[0-9A-Za-z-]{1,128}$/;
const ANDROID_ID_PATTERN = /^[0-9A-Za-z]{1,64}$/;
// docs/conversion/marketing-api-v3.md "user_id kinds": caid and wechat ids ≤ 64 characters.
const CAID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
const CAID_VERSION_PATTERN = /^[0-9A-Za-z_.-]{1,32}$/;
const WECHAT_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
const WECHAT_APP_ID_PATTERN = /^wx[0-9A-Za-z]{16}$/;
/** A click's callback is a URL we post a token to; longer than this is not one Tencent builds. */
const MAX_CALLBACK_LENGTH = 4096;

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
	// Messages name the field, never its value: a click answer must not echo input (form API §4.5).
	if (values.length > 1) throw invalidField(name, `${name} is given more than once`);
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

/** What click validation needs from the settings and the clock. */
export interface ClickRules {
	nowSeconds: number;
	/** Origins a click's callback may point to (`CALLBACK_ORIGINS`): the relay sends a token there. */
	callbackOrigins: readonly string[];
}

/**
 * Validates the query string Tencent appends to the feedback URL (conversion form API §4.3–4.4),
 * plus the optional `callback` (docs/conversion/marketing-api-v3.md "Callback mode": the
 * `__CALLBACK__` macro, URL-decoded once by the query parser and kept verbatim).
 * @param params - the request's query parameters
 * @param rules - the clock and the allowed callback origins
 * @returns the normalized click; muid lower-cased, app_type lower-cased
 * @throws RelayError `INVALID_FIELD` naming the first bad parameter
 */
export function parseClickParams(params: URLSearchParams, rules: ClickRules): ClickInput {
	const rawMuid = single(params, "muid", true);
	let muid: string;
	try {
		muid = normalizeDeviceIdHash(rawMuid);
	} catch (e) {
		if (isMuidError(e)) throw invalidField("muid", "muid must be 32 hex characters (md5 of the device id)");
		throw e;
	}
	const click_time = seconds("click_time", single(params, "click_time", true));
	if (click_time > rules.nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
		throw invalidField("click_time", "click_time is in the future");
	}
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
	if (callback !== null) {
		let origin: string | null = null;
		try {
			const url = new URL(callback);
			if (/^https?:$/.test(url.protocol)) origin = url.origin;
		} catch {
			origin = null;
		}
		if (origin === null || callback.length > MAX_CALLBACK_LENGTH) {
			throw invalidField("callback", "callback must be an http(s) URL");
		}
		if (!rules.callbackOrigins.includes(origin)) {
			throw invalidField("callback", "callback must point at an origin listed in CALLBACK_ORIGINS");
		}
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
	/** The form API code: given, or mapped back from a given action_type; `null` when neither. */
	conv_type: string | null;
	/** The Marketing API action_type: given, or mapped from conv_type; `null` when neither. */
	action_type: string | null;
	custom_action: string | null;
	conv_time: number;
	client_ip: string;
	value: number | null;
	/** The form API's muid (md5 of IMEI / IDFA / OAID); `null` for ids that have none. */
	muid: string | null;
	device_kind: DeviceKind;
	user_id: UserId;
	/** md5 over the normalized fields, to tell a retry from a reused event_id. */
	fingerprint: string;
}

/** What conversion validation needs from the settings and the clock. */
export interface ConversionRules {
	nowSeconds: number;
	/** The oldest conv_time accepted: older conversions could match no click (ATTRIBUTION_WINDOW_SECONDS). */
	oldestSeconds: number;
}

const DEVICE_FIELDS = ["imei", "idfa", "oaid", "muid", "android_id", "caid", "wechat_openid"] as const;
const CONVERSION_FIELDS = new Set<string>([
	"event_id",
	"appid",
	"advertiser_id",
	"app_type",
	"conv_type",
	"action_type",
	"custom_action",
	"conv_time",
	"client_ip",
	"value",
	"caid_version",
	"wechat_app_id",
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

function optionalString(body: Record<string, unknown>, field: string): string | null {
	const v = body[field];
	if (v === undefined || v === null || v === "") return null;
	if (typeof v !== "string") throw invalidField(field, `${field} must be a string`);
	return v;
}

function normalizeMuid(raw: string): string {
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
	return muid;
}

function hashDevice(
	body: Record<string, unknown>,
	appType: ConvAppType,
): { muid: string | null; device_kind: DeviceKind; user_id: UserId } {
	const given = DEVICE_FIELDS.filter((f) => body[f] !== undefined && body[f] !== null);
	if (given.length === 0) {
		throw invalidField("device", `one of ${DEVICE_FIELDS.join(", ")} is required`);
	}
	if (given.length > 1) {
		throw invalidField("device", `give exactly one device id, not ${given.join(" and ")}`);
	}
	const kind = given[0] as DeviceKind;
	const raw = body[kind];
	if (typeof raw !== "string" || raw.trim() === "") {
		throw invalidField(kind, `${kind} must be a non-empty string`);
	}
	const ios = appType === "IOS";
	if (kind === "idfa" && !ios) throw invalidField("idfa", `idfa is an iOS id but app_type is ${appType}`);
	if (kind === "caid" && !ios) throw invalidField("caid", `caid is an iOS id but app_type is ${appType}`);
	if ((kind === "imei" || kind === "oaid" || kind === "android_id") && ios) {
		throw invalidField(kind, `${kind} is an Android id but app_type is IOS`);
	}
	if (kind !== "caid" && body.caid_version !== undefined) {
		throw invalidField("caid_version", "caid_version goes with caid");
	}
	if (kind !== "wechat_openid" && body.wechat_app_id !== undefined) {
		throw invalidField("wechat_app_id", "wechat_app_id goes with wechat_openid");
	}
	if (kind === "muid") {
		const muid = normalizeMuid(raw);
		return { muid, device_kind: "muid", user_id: buildUserId("muid", muid, ios) };
	}
	if (kind === "caid") {
		const caid = raw.trim();
		if (!CAID_PATTERN.test(caid))
			throw invalidField("caid", "caid must be at most 64 letters, digits, _ or -");
		const version = optionalString(body, "caid_version");
		if (version === null || !CAID_VERSION_PATTERN.test(version)) {
			throw invalidField("caid_version", "caid_version is required with caid (e.g. 20220111)");
		}
		return {
			muid: null,
			device_kind: "caid",
			user_id: buildUserId("caid", caid, ios, { caid_version: version }),
		};
	}
	if (kind === "wechat_openid") {
		const openid = raw.trim();
		if (!WECHAT_ID_PATTERN.test(openid)) {
			throw invalidField("wechat_openid", "wechat_openid must be at most 64 letters, digits, _ or -");
		}
		const appId = optionalString(body, "wechat_app_id");
		if (appId === null || !WECHAT_APP_ID_PATTERN.test(appId)) {
			throw invalidField(
				"wechat_app_id",
				"wechat_app_id is required with wechat_openid (wx + 16 characters)",
			);
		}
		return {
			muid: null,
			device_kind: "wechat_openid",
			user_id: buildUserId("wechat_openid", openid, ios, { wechat_app_id: appId }),
		};
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
	if (kind === "android_id") {
		if (!ANDROID_ID_PATTERN.test(raw.trim())) {
			throw invalidField("android_id", "android_id must be at most 64 letters or digits");
		}
		// The Android ID has no muid in the form API (§5.7 hashes IMEI or IDFA): Marketing API only.
		const hash = hashDeviceId("android_id", raw);
		return { muid: null, device_kind: "android_id", user_id: buildUserId("android_id", hash, ios) };
	}
	const muid = hashDeviceId(kind, raw);
	return { muid, device_kind: kind, user_id: buildUserId(kind, muid, ios) };
}

function actionTypes(b: Record<string, unknown>): {
	conv_type: string | null;
	action_type: string | null;
	custom_action: string | null;
	explicitAction: boolean;
} {
	const rawConv = optionalString(b, "conv_type");
	const rawAction = optionalString(b, "action_type");
	if (rawConv === null && rawAction === null) {
		throw invalidField("conv_type", "conv_type or action_type is required");
	}
	let conv_type: string | null = null;
	if (rawConv !== null) {
		conv_type = rawConv.toUpperCase();
		if (!CONV_TYPE_PATTERN.test(conv_type)) {
			throw invalidField("conv_type", "conv_type must be a code such as MOBILEAPP_ACTIVITE");
		}
	}
	let action_type: string | null = null;
	if (rawAction !== null) {
		action_type = rawAction.toUpperCase();
		if (!ACTION_TYPE_PATTERN.test(action_type)) {
			throw invalidField("action_type", "action_type must be a code such as ACTIVATE_APP");
		}
	}
	const mapped = conv_type === null ? undefined : CONV_TYPE_TO_ACTION_TYPE[conv_type];
	if (action_type !== null && mapped !== undefined && mapped !== action_type) {
		throw invalidField(
			"action_type",
			`action_type contradicts conv_type ${conv_type} (which means ${mapped})`,
		);
	}
	const custom = optionalString(b, "custom_action");
	const effectiveAction = action_type ?? mapped ?? null;
	if (effectiveAction === "CUSTOM") {
		if (custom === null || new TextEncoder().encode(custom).byteLength > 128) {
			throw invalidField("custom_action", "custom_action (1–128 bytes) is required with action_type CUSTOM");
		}
	} else if (custom !== null) {
		throw invalidField("custom_action", "custom_action goes with action_type CUSTOM");
	}
	return {
		conv_type: conv_type ?? (action_type === null ? null : (ACTION_TYPE_TO_CONV_TYPE[action_type] ?? null)),
		action_type: effectiveAction,
		custom_action: custom,
		explicitAction: action_type !== null,
	};
}

/**
 * Validates a POST /conversions body and hashes its device id with `@txad/muid`.
 * @param body - the parsed JSON
 * @param rules - the clock and the oldest acceptable conv_time
 * @returns the normalized conversion
 * @throws RelayError `INVALID_JSON`, `INVALID_FIELD` or `NON_DEVICE_ID` naming the field
 */
export function parseConversionBody(body: unknown, rules: ConversionRules): ConversionInput {
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
	const types = actionTypes(b);
	const rawTime = b.conv_time;
	if (rawTime === undefined || rawTime === null || rawTime === "") {
		throw invalidField("conv_time", "conv_time is required");
	}
	if (typeof rawTime !== "number" && typeof rawTime !== "string") {
		throw invalidField("conv_time", "conv_time must be a Unix time in seconds");
	}
	const conv_time = seconds("conv_time", String(rawTime));
	if (conv_time > rules.nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
		throw invalidField("conv_time", "conv_time is in the future");
	}
	if (conv_time < rules.oldestSeconds) {
		throw invalidField(
			"conv_time",
			"conv_time is older than the attribution window (ATTRIBUTION_WINDOW_SECONDS)",
		);
	}
	let client_ip = "";
	if (b.client_ip !== undefined && b.client_ip !== null && b.client_ip !== "") {
		if (typeof b.client_ip !== "string" || !(isIpv4(b.client_ip) || isIpv6(b.client_ip))) {
			throw invalidField("client_ip", "client_ip must be one IPv4 or IPv6 address, without port or brackets");
		}
		if (isUnspecifiedIp(b.client_ip)) {
			throw invalidField("client_ip", "client_ip is the unspecified address, not a client");
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
	const { muid, device_kind, user_id } = hashDevice(b, app_type);
	// The first eight fields are the fingerprint as it was before the Marketing API formats, so a
	// re-sent old conversion still matches; anything new only adds to it.
	const fields: unknown[] = [
		appid,
		advertiser_id,
		app_type,
		types.conv_type,
		conv_time,
		client_ip,
		value,
		muid,
	];
	if (types.explicitAction || types.custom_action !== null || muid === null) {
		fields.push({ action_type: types.action_type, custom_action: types.custom_action, user_id });
	}
	return {
		event_id,
		appid,
		advertiser_id,
		app_type,
		conv_type: types.conv_type,
		action_type: types.action_type,
		custom_action: types.custom_action,
		conv_time,
		client_ip,
		value,
		muid,
		device_kind,
		user_id,
		fingerprint: md5Hex(JSON.stringify(fields)),
	};
}
