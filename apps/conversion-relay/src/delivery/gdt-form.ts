/**
 * The conversion form API's report (docs/conversion/form-api.md, "加密简化API方案一"): an
 * `application/x-www-form-urlencoded` POST to `{base}/conv/app/{appid}/conv` (§5.2), fields in the
 * §5.5 order, signed with `encstr` (§5.3–5.4, computed by `@txad/signing`), `encver` 1.0, `value`
 * only when given (§6.3).
 * @module
 */
import { computeConversionEncstr } from "@txad/signing";
import type { ConversionRow } from "../ledger.ts";
import { describeTencentRet } from "./tencent-ret.ts";
import type { DeliveryOutcome, Prepared, UpstreamContext, UpstreamFormat } from "./types.ts";

/**
 * Conversion form API §5.5 field table, in its order. (The §5.5 example bodies misspell `click_id`
 * and `conv_type`'s value; the table is the source of truth.)
 */
export const GDT_FORM_FIELD_ORDER = [
	"click_id",
	"appid",
	"muid",
	"conv_time",
	"client_ip",
	"encstr",
	"encver",
	"advertiser_id",
	"app_type",
	"conv_type",
	"value",
] as const;

/** Conversion form API §5.5: "加密版本，目前为1.0". */
export const GDT_ENCVER = "1.0";

/**
 * Builds the form body for one conversion.
 * @param conversion - the stored conversion
 * @param signKey - the advertiser's sign_key (conversion form API §5.6)
 * @returns the encoded body, fields in {@link GDT_FORM_FIELD_ORDER}
 * @throws SigningError when a signed field is malformed (validation makes that unreachable)
 */
export function buildGdtFormBody(conversion: ConversionRow, signKey: string): string {
	const clickId = conversion.click_id ?? "";
	const encstr = computeConversionEncstr({
		app_type: conversion.app_type,
		click_id: clickId,
		client_ip: conversion.client_ip,
		conv_time: conversion.conv_time,
		muid: conversion.muid,
		sign_key: signKey,
	});
	const values: Record<(typeof GDT_FORM_FIELD_ORDER)[number], string | null> = {
		click_id: clickId,
		appid: conversion.appid,
		muid: conversion.muid,
		conv_time: String(conversion.conv_time),
		client_ip: conversion.client_ip,
		encstr,
		encver: GDT_ENCVER,
		advertiser_id: conversion.advertiser_id,
		app_type: conversion.app_type,
		conv_type: conversion.conv_type,
		value: conversion.value === null ? null : String(conversion.value),
	};
	// URLSearchParams keeps insertion order, which is the whole point here.
	const form = new URLSearchParams();
	for (const field of GDT_FORM_FIELD_ORDER) {
		const value = values[field];
		if (value !== null) form.append(field, value);
	}
	return form.toString();
}

/**
 * The endpoint for an app.
 * @param baseUrl - e.g. `https://t.gdt.qq.com`
 * @param appid - the app id
 * @returns `{base}/conv/app/{appid}/conv`
 */
export function gdtConversionUrl(baseUrl: string, appid: string): string {
	return `${baseUrl}/conv/app/${encodeURIComponent(appid)}/conv`;
}

async function interpretGdtResponse(response: Response): Promise<DeliveryOutcome> {
	const httpStatus = response.status;
	const text = await response.text();
	if (httpStatus >= 500 || httpStatus === 429 || httpStatus === 408) {
		return {
			kind: "retry",
			code: `HTTP_${httpStatus}`,
			detail: text.slice(0, 200),
			httpStatus,
			ret: null,
			msg: null,
		};
	}
	if (httpStatus < 200 || httpStatus >= 300) {
		return {
			kind: "failed",
			code: `HTTP_${httpStatus}`,
			detail: text.slice(0, 200),
			httpStatus,
			ret: null,
			msg: null,
		};
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = undefined;
	}
	const ret = (parsed as { ret?: unknown } | undefined)?.ret;
	const rawMsg = (parsed as { msg?: unknown } | undefined)?.msg;
	const msg = typeof rawMsg === "string" ? rawMsg : null;
	if (typeof ret !== "number" || !Number.isInteger(ret)) {
		// A 200 we cannot read is most likely a proxy or an outage page: try again.
		return {
			kind: "retry",
			code: "UNREADABLE_RESPONSE",
			detail: `no integer ret in: ${text.slice(0, 200)}`,
			httpStatus,
			ret: null,
			msg,
		};
	}
	if (ret === 0) return { kind: "delivered", httpStatus, ret, msg };
	const meaning = describeTencentRet(ret);
	return {
		kind: meaning.action === "retry" ? "retry" : "failed",
		code: meaning.code,
		detail: msg ? `${meaning.meaning}: ${msg}` : meaning.meaning,
		httpStatus,
		ret,
		msg,
	};
}

/** The conversion form API's form post. */
export const gdtFormV1: UpstreamFormat = {
	name: "gdt-form-v1",
	needsClick: false,
	prepare(conversion: ConversionRow, context: UpstreamContext): Prepared {
		const signKey = context.secret("sign_key", conversion.advertiser_id);
		if (signKey === null) {
			return { kind: "failed", code: "SIGN_KEYS_MALFORMED", detail: "SIGN_KEYS is not a JSON object" };
		}
		if (signKey === undefined) {
			return {
				kind: "failed",
				code: "SIGN_KEY_MISSING",
				detail: `SIGN_KEYS has no sign_key for advertiser ${conversion.advertiser_id}`,
			};
		}
		const request = new Request(gdtConversionUrl(context.baseUrl, conversion.appid), {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: buildGdtFormBody(conversion, signKey),
		});
		return { kind: "request", request };
	},
	interpret: interpretGdtResponse,
};
