/**
 * The conversion form API's report (docs/conversion/form-api.md, "加密简化API方案一"): an
 * `application/x-www-form-urlencoded` POST to `{base}/conv/app/{appid}/conv` (§5.2), fields in the
 * §5.5 order, signed with `encstr` (§5.3–5.4, computed by `@txad/signing`), `encver` 1.0, `value`
 * only when given (§6.3).
 * @module
 */
import { computeConversionEncstr } from "@txad/signing";
import type { ConversionRow } from "../ledger.ts";
import type { Settings } from "../settings.ts";
import { describeTencentRet } from "./tencent-ret.ts";
import type { Answer, CallOutcome, ItemOutcome, Route, RouteProblem, UpstreamFormat } from "./types.ts";

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
 * @param conversion - the stored conversion (with a muid and a conv_type)
 * @param signKey - the advertiser's sign_key (conversion form API §5.6)
 * @returns the encoded body, fields in {@link GDT_FORM_FIELD_ORDER}
 * @throws SigningError when a signed field is malformed (validation makes that unreachable)
 */
export function buildGdtFormBody(conversion: ConversionRow, signKey: string): string {
	const clickId = conversion.click_id ?? "";
	const muid = conversion.muid ?? "";
	const encstr = computeConversionEncstr({
		app_type: conversion.app_type,
		click_id: clickId,
		client_ip: conversion.client_ip,
		conv_time: conversion.conv_time,
		muid,
		sign_key: signKey,
	});
	const values: Record<(typeof GDT_FORM_FIELD_ORDER)[number], string | null> = {
		click_id: clickId,
		appid: conversion.appid,
		muid,
		conv_time: String(conversion.conv_time),
		client_ip: conversion.client_ip,
		encstr,
		encver: GDT_ENCVER,
		advertiser_id: conversion.advertiser_id,
		app_type: conversion.app_type,
		conv_type: conversion.conv_type ?? "",
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

function one(outcome: ItemOutcome): ItemOutcome[] {
	return [outcome];
}

/**
 * What a form API answer means (docs/conversion/form-api.md §6.4): ret 0 delivered; ret -12, HTTP
 * 5xx / 429 / 408 and an unreadable 200 retried; every other ret and HTTP 4xx failed.
 * @param answer - the read answer
 * @returns the call's outcome (one conversion per call)
 */
export function interpretGdtAnswer(answer: Answer): CallOutcome {
	const httpStatus = answer.status;
	const text = answer.text;
	const base = { httpStatus, traceId: null, authRejected: false, quota: null };
	if (httpStatus >= 500 || httpStatus === 429 || httpStatus === 408) {
		return {
			...base,
			ret: null,
			msg: null,
			items: one({ kind: "retry", code: `HTTP_${httpStatus}`, detail: text.slice(0, 200) }),
		};
	}
	if (httpStatus < 200 || httpStatus >= 300) {
		return {
			...base,
			ret: null,
			msg: null,
			items: one({ kind: "failed", code: `HTTP_${httpStatus}`, detail: text.slice(0, 200) }),
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
			...base,
			ret: null,
			msg,
			items: one({
				kind: "retry",
				code: "UNREADABLE_RESPONSE",
				detail: `no integer ret in: ${text.slice(0, 200)}`,
			}),
		};
	}
	if (ret === 0) return { ...base, ret, msg, items: one({ kind: "delivered" }) };
	const meaning = describeTencentRet(ret);
	const detail = msg ? `${meaning.meaning}: ${msg}` : meaning.meaning;
	return {
		...base,
		ret,
		msg,
		items: one(
			meaning.action === "retry"
				? { kind: "retry", code: meaning.code, detail }
				: { kind: "failed", code: meaning.code, detail },
		),
	};
}

/** The conversion form API's form post: one conversion per call, no token, no quota. */
export const gdtFormV1: UpstreamFormat = {
	name: "gdt-form-v1",
	rateLimited: false,
	needsToken: false,
	maxPerCall: 1,
	maxBodyBytes: Number.POSITIVE_INFINITY,
	route(row: ConversionRow, settings: Settings): Route | RouteProblem {
		if (row.muid === null || row.conv_type === null) {
			return {
				kind: "failed",
				code: "NOT_FORM_REPORTABLE",
				detail: "the form API needs a muid and a conv_type (docs/conversion/form-api.md §5.5)",
			};
		}
		if (!settings.signKeys.has(row.advertiser_id)) {
			return {
				kind: "config",
				code: "CONFIG_SIGN_KEY_MISSING",
				detail: `SIGN_KEYS has no sign_key for advertiser ${row.advertiser_id}`,
			};
		}
		return {
			kind: "route",
			key: `form:${row.id}`,
			accountId: row.advertiser_id,
			url: gdtConversionUrl(settings.formBaseUrl, row.appid),
			userActionSetId: null,
		};
	},
	async encode(row: ConversionRow, settings: Settings): Promise<string> {
		return buildGdtFormBody(row, settings.signKeys.get(row.advertiser_id) ?? "");
	},
	body(_route: Route, items: readonly string[]): string {
		return items[0] ?? "";
	},
	request(route: Route, body: string): Request {
		return new Request(route.url, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body,
		});
	},
	interpret: (answer: Answer) => interpretGdtAnswer(answer),
};
