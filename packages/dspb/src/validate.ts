/**
 * Checks an ad request against the field tables and notes of docs/dspb/protocol.md before anything
 * is signed or sent, and reports every problem with the dotted path of the field at fault.
 * @module
 */
import type { DspbIssue } from "./errors.ts";
import {
	ANDROID_DEVICE_ID_FIELDS,
	DEVICE_FIELDS,
	type FieldSpec,
	GEO_FIELDS,
	IOS_DEVICE_INFO_FIELDS,
	isIpAddress,
	MEDIA_FIELDS,
	NETWORK_FIELDS,
	POS_FIELDS,
} from "./fields.ts";
import type { DspbAdRequestInput } from "./request.ts";

const isPresent = (v: unknown): boolean => v !== undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === "object" && !Array.isArray(v);
}

function checkObject(
	name: string,
	value: unknown,
	table: Readonly<Record<string, FieldSpec>>,
	required: boolean,
	os: "android" | "ios" | undefined,
	issues: DspbIssue[],
): value is Record<string, unknown> {
	if (value === undefined) {
		if (required) issues.push({ code: "MISSING_FIELD", field: name, message: `${name} is required` });
		return false;
	}
	if (!isPlainObject(value)) {
		issues.push({ code: "INVALID_FIELD", field: name, message: `${name} must be an object` });
		return false;
	}
	for (const key of Object.keys(value)) {
		if (!(key in table) && isPresent(value[key])) {
			issues.push({
				code: "UNKNOWN_FIELD",
				field: `${name}.${key}`,
				message: `${name}.${key} is not a field of the DSP-B guide's ${name} object`,
			});
		}
	}
	for (const [key, spec] of Object.entries(table)) {
		const field = `${name}.${key}`;
		const v = value[key];
		if (!isPresent(v)) {
			if (spec.required) issues.push({ code: "MISSING_FIELD", field, message: `${field} is required` });
			continue;
		}
		if (spec.only !== undefined && os !== undefined && spec.only !== os) {
			issues.push({
				code: "UNKNOWN_FIELD",
				field,
				message: `${field} is ${spec.only === "ios" ? "iOS" : "Android"}-only (DSP-B guide: 仅限${spec.only === "ios" ? "iOS" : "安卓"}设备) but device.os is ${os}`,
			});
			continue;
		}
		const problem = spec.check(v);
		if (problem !== undefined) {
			issues.push({ code: "INVALID_FIELD", field, message: `${field} must be ${problem}` });
		}
	}
	return true;
}

/** Options that change validation or serialization. */
export interface DspbValidationOptions {
	/** The slot is a rewarded-video slot, so `device.orientation` is required (DSP-B guide device table). */
	rewardedVideo?: boolean;
}

/**
 * Every problem with an ad request, in a stable order (pos, media, device, network, geo, then
 * request-level fields). An empty array means the request may be built and sent.
 * @param input - the request as the caller would send it
 * @returns the issues found; none for a valid request
 * @example
 * const issues = validateAdRequest(input);
 * if (issues.length) console.warn(issues.map((i) => `${i.field}: ${i.message}`));
 */
export function validateAdRequest(input: DspbAdRequestInput): DspbIssue[] {
	const issues: DspbIssue[] = [];
	if (!isPlainObject(input)) {
		return [{ code: "INVALID_FIELD", field: "request", message: "the request must be an object" }];
	}
	const device = input.device as unknown;
	const os =
		isPlainObject(device) && (device.os === "android" || device.os === "ios") ? device.os : undefined;

	const pos = input.pos as unknown;
	if (checkObject("pos", pos, POS_FIELDS, true, os, issues)) {
		if (isPresent(pos.support_pkg) && isPresent(pos.query)) {
			issues.push({
				code: "CONFLICTING_FIELDS",
				field: "pos.support_pkg",
				message:
					"pos.support_pkg and pos.query must not be sent together (DSP-B guide: 不允许同时回传query和support_pkg)",
			});
		}
		const { min_duration: min, max_duration: max } = pos;
		if (typeof min === "number" && typeof max === "number" && min > max) {
			issues.push({
				code: "INVALID_FIELD",
				field: "pos.min_duration",
				message: `pos.min_duration (${min}) must not exceed pos.max_duration (${max})`,
			});
		}
	}
	checkObject("media", input.media, MEDIA_FIELDS, true, os, issues);
	if (checkObject("device", device, DEVICE_FIELDS, true, os, issues)) {
		if (os === "android") checkAndroid(device, issues);
		if (os === "ios") checkIos(device, issues);
		if (os !== undefined) {
			const canvas = isPlainObject(pos) && pos.support_wechat_canvas === true;
			checkWechat(device, os, canvas, issues);
		}
		if (input.rewardedVideo === true && !isPresent(device.orientation)) {
			issues.push({
				code: "MISSING_FIELD",
				field: "device.orientation",
				message: "device.orientation (0 portrait / 90 landscape) is required for a rewarded-video slot",
			});
		}
	}
	checkObject("network", input.network, NETWORK_FIELDS, true, os, issues);
	checkObject("geo", input.geo, GEO_FIELDS, false, os, issues);

	if (
		isPresent(input.tmax) &&
		!(Number.isInteger(input.tmax) && (input.tmax as number) > 0 && (input.tmax as number) < 2 ** 31)
	) {
		issues.push({ code: "INVALID_FIELD", field: "tmax", message: "tmax must be an int32 greater than 0" });
	}
	if (
		isPresent(input.timeStamp) &&
		!(Number.isSafeInteger(input.timeStamp) && (input.timeStamp as number) > 0)
	) {
		issues.push({
			code: "INVALID_FIELD",
			field: "time_stamp",
			message: "time_stamp must be a positive integer of milliseconds since the epoch",
		});
	}
	if (isPresent(input.supportAppStore) && typeof input.supportAppStore !== "boolean") {
		issues.push({
			code: "INVALID_FIELD",
			field: "support_app_store",
			message: "supportAppStore (support_app_store=1) must be a boolean",
		});
	}
	if (
		isPresent(input.xForwardedFor) &&
		!(typeof input.xForwardedFor === "string" && isIpAddress(input.xForwardedFor))
	) {
		issues.push({
			code: "INVALID_FIELD",
			field: "X-Forwarded-For",
			message: "xForwardedFor (the X-Forwarded-For header) must be the user's public IPv4 or IPv6 address",
		});
	}
	return issues;
}

function checkAndroid(device: Record<string, unknown>, issues: DspbIssue[]): void {
	if (!isPresent(device.manufacturer)) {
		issues.push({
			code: "MISSING_FIELD",
			field: "device.manufacturer",
			message: 'device.manufacturer is required on Android (Build.MANUFACTURER, or "unknown")',
		});
	}
	if (
		isPresent(device.opensdk_ver) &&
		!(Number.isSafeInteger(device.opensdk_ver) && (device.opensdk_ver as number) >= 0)
	) {
		issues.push({
			code: "INVALID_FIELD",
			field: "device.opensdk_ver",
			message: "device.opensdk_ver must be an integer on Android (DSP-B guide: Android端为int64)",
		});
	}
	if (!ANDROID_DEVICE_ID_FIELDS.some((k) => isPresent(device[k]))) {
		issues.push({
			code: "MISSING_DEVICE_ID",
			field: "device",
			message: `an Android request needs at least one of ${ANDROID_DEVICE_ID_FIELDS.join(", ")} (DSP-B guide device 注 (1))`,
		});
	}
}

function checkIos(device: Record<string, unknown>, issues: DspbIssue[]): void {
	if (
		isPresent(device.opensdk_ver) &&
		!(typeof device.opensdk_ver === "string" && /^[0-9]+(\.[0-9]+)*$/.test(device.opensdk_ver))
	) {
		issues.push({
			code: "INVALID_FIELD",
			field: "device.opensdk_ver",
			message:
				'device.opensdk_ver must be a dotted version string on iOS, like "1.9.2" (DSP-B guide: iOS端为string, from [WXApi getApiVersion])',
		});
	}
	if (isPresent(device.idfa) || isPresent(device.idfa_md5)) return;
	const missing = IOS_DEVICE_INFO_FIELDS.filter((k) => !isPresent(device[k]));
	if (missing.length > 0) {
		issues.push({
			code: "MISSING_DEVICE_ID",
			field: missing.length === IOS_DEVICE_INFO_FIELDS.length ? "device" : `device.${missing[0]}`,
			message: `an iOS request needs idfa, idfa_md5, or all ten device fields (DSP-B guide device 注 (2)); missing: ${missing.join(", ")}`,
		});
	}
}

/**
 * DSP-B guide 微信小程序/小游戏广告处理逻辑 请求参数: WeChat ads need wx_api_ver + opensdk_ver on Android and
 * wx_installed + opensdk_ver on iOS, together; 微信原生页广告处理逻辑 makes them required whenever
 * pos.support_wechat_canvas is true.
 */
function checkWechat(
	device: Record<string, unknown>,
	os: "android" | "ios",
	canvas: boolean,
	issues: DspbIssue[],
): void {
	const partner = os === "android" ? "wx_api_ver" : "wx_installed";
	const why =
		os === "android"
			? "Android WeChat ads need wx_api_ver and opensdk_ver together"
			: "iOS WeChat ads need wx_installed and opensdk_ver together";
	const wanted = canvas || isPresent(device.opensdk_ver);
	if (!wanted) return;
	for (const key of canvas ? ["opensdk_ver", partner] : [partner]) {
		if (isPresent(device[key])) continue;
		issues.push({
			code: "MISSING_FIELD",
			field: `device.${key}`,
			message: `device.${key} is required: ${why}${canvas ? " (pos.support_wechat_canvas is true)" : ""} (DSP-B guide 微信小程序/小游戏广告处理逻辑, 微信原生页广告处理逻辑)`,
		});
	}
}
