/**
 * What the two Marketing API v3.0 formats share (docs/conversion/marketing-api-v3.md): the
 * conv_type → action_type mapping, the stable `outer_action_id`, the `user_id` object, the action
 * JSON, and the reading of an answer (`code`, `errors`, `X-TSA-Trace-Id`, `X-RateLimit-Remaining`).
 * @module
 */
import { md5Hex } from "@txad/signing";
import { sha256Hex } from "../hash.ts";
import type { ConversionRow, DeviceKind } from "../ledger.ts";
import type { Answer, CallOutcome, ItemOutcome, QuotaHint } from "./types.ts";

/** docs/conversion/marketing-api-v3.md "conv_type ↔ action_type". */
export const CONV_TYPE_TO_ACTION_TYPE: Readonly<Record<string, string>> = {
	MOBILEAPP_ACTIVITE: "ACTIVATE_APP",
	MOBILEAPP_REGISTER: "REGISTER",
	MOBILEAPP_ADDTOCART: "ADD_TO_CART",
	MOBILEAPP_COST: "PURCHASE",
};
/** The same mapping backwards, for conversions given only an action_type. */
export const ACTION_TYPE_TO_CONV_TYPE: Readonly<Record<string, string>> = Object.fromEntries(
	Object.entries(CONV_TYPE_TO_ACTION_TYPE).map(([conv, action]) => [action, conv]),
);

/** docs/conversion/marketing-api-v3.md "Action fields": 1–50 actions, body ≤ 50 KB (read as 50,000 bytes, the stricter reading). */
export const MARKETING_MAX_ACTIONS = 50;
export const MARKETING_MAX_BODY_BYTES = 50_000;
/** `outer_action_id`: letters, digits and `_`, at most 255 bytes. */
export const OUTER_ACTION_ID_MAX = 255;
/** `trace.click_id`: 1–64 bytes. */
export const TRACE_CLICK_ID_MAX = 64;

/**
 * The `outer_action_id` of a conversion: derived from its `event_id` only, so every retry and
 * every redelivery carries the same id and Tencent de-duplicates re-sends. Letters and digits
 * stay, `_` becomes `__`, any other character `_` plus two lower-case hex digits; the encoding
 * is one-to-one. An id that would exceed 255 bytes becomes `_h` + md5 of the event_id (`_h` never
 * starts an escape, so the two forms cannot collide).
 * @param eventId - the caller's event_id (printable ASCII, ≤ 128 characters)
 * @returns the id, within `[A-Za-z0-9_]{1,255}`
 * @example outerActionId("order-8812_paid") // "order_2d8812__paid"
 */
export function outerActionId(eventId: string): string {
	let out = "";
	for (const ch of eventId) {
		if (/^[A-Za-z0-9]$/.test(ch)) out += ch;
		else if (ch === "_") out += "__";
		else out += `_${(ch.codePointAt(0) ?? 0).toString(16).padStart(2, "0")}`;
	}
	return out.length <= OUTER_ACTION_ID_MAX ? out : `_h${md5Hex(eventId)}`;
}

/** The Marketing API `user_id` object. */
export type UserId = Record<string, string>;

/** Extra values some id kinds carry (docs/conversion/marketing-api-v3.md "user_id kinds"). */
export interface UserIdExtras {
	caid_version?: string;
	wechat_app_id?: string;
}

/**
 * The `user_id` stored with a conversion: md5 hashes (never raw device ids) or the raw values the
 * API takes for CAID and WeChat.
 * @param kind - the id kind the conversion named
 * @param value - the md5 hash for imei / idfa / oaid / muid / android_id, the raw value for caid / wechat_openid
 * @param iosApp - whether the conversion is for an iOS app (a bare muid is then an IDFA hash)
 * @param extras - caid_version / wechat_app_id
 * @returns the object
 */
export function buildUserId(
	kind: DeviceKind,
	value: string,
	iosApp: boolean,
	extras: UserIdExtras = {},
): UserId {
	switch (kind) {
		case "imei":
			return { hash_imei: value };
		case "idfa":
			return { hash_idfa: value };
		case "oaid":
			return { hash_oaid: value };
		// docs/conversion/form-api.md §5.7: a muid is the md5 of the IDFA (iOS) or the IMEI (Android).
		case "muid":
			return iosApp ? { hash_idfa: value } : { hash_imei: value };
		case "android_id":
			return { hash_android_id: value };
		case "caid":
			return { caid: value, caid_version: extras.caid_version ?? "" };
		case "wechat_openid":
			return { wechat_openid: value, wechat_app_id: extras.wechat_app_id ?? "" };
	}
}

const MD5_SHA256: Readonly<Record<string, string>> = {
	hash_imei: "md5_sha256_imei",
	hash_idfa: "md5_sha256_idfa",
	hash_oaid: "md5_sha256_oaid",
};

/**
 * The `user_id` to send: as stored, or with `hash_imei` / `hash_idfa` / `hash_oaid` replaced by
 * their `md5_sha256_*` form (sha256 of the md5 hex) when the account asks for it.
 * @param stored - the stored object
 * @param hash - the account's `user_id_hash`
 * @returns the object to send
 */
export async function userIdToSend(stored: UserId, hash: "md5" | "md5_sha256"): Promise<UserId> {
	if (hash === "md5") return stored;
	const out: UserId = {};
	for (const [key, value] of Object.entries(stored)) {
		const renamed = MD5_SHA256[key];
		if (renamed === undefined) out[key] = value;
		else out[renamed] = await sha256Hex(value);
	}
	return out;
}

/**
 * One conversion as a Marketing API action, serialized. Keys in a fixed order, so the same
 * conversion always serializes to the same bytes.
 * @param row - the stored conversion
 * @param mode - `direct` adds `trace.click_id` from the attributed click; `callback` leaves it out
 *   (the callback URL names the click)
 * @param hash - the account's `user_id_hash`
 * @returns the action's JSON
 */
export async function encodeAction(
	row: ConversionRow,
	mode: "direct" | "callback",
	hash: "md5" | "md5_sha256",
): Promise<string> {
	const userId = await userIdToSend(JSON.parse(row.user_id) as UserId, hash);
	const action: Record<string, unknown> = {
		outer_action_id: outerActionId(row.event_id),
		action_time: row.conv_time,
		action_type: row.action_type,
	};
	if (row.custom_action !== null) action.custom_action = row.custom_action;
	if (Object.keys(userId).length > 0) action.user_id = userId;
	// trace.click_id is 1–64 bytes; a longer click id (the click route takes up to 256) is left out
	// and the action is matched by user_id alone.
	if (mode === "direct" && row.click_id !== null && row.click_id.length <= TRACE_CLICK_ID_MAX) {
		action.trace = { click_id: row.click_id };
	}
	// value in fen (docs/conversion/marketing-api-v3.md "Action fields": action_param).
	if (row.value !== null) action.action_param = { value: row.value };
	return JSON.stringify(action);
}

/** docs/conversion/marketing-api-v3.md "Error codes", for readable failure reasons. */
const CODE_MEANINGS: Readonly<Record<number, string>> = {
	10000: "system busy",
	10001: "maintenance",
	11000: "token expired",
	11002: "token invalid",
	11004: "malformed request",
	11005: "empty request",
	11008: "app limit",
	11014: "out of scope",
	11016: "per-second limit",
	11017: "per-minute limit",
	11018: "per-day limit",
	11019: "too frequent",
	20001: "bad callback URL",
	20002: "the conversion id has no rule",
	20003: "invalid data source",
	20004: "invalid account",
	20006: "the callback failed base64 decoding",
};

const QUOTA_CODES: Readonly<Record<number, QuotaHint>> = {
	11016: "second",
	11017: "minute",
	11018: "day",
	11019: "frequent",
};

/**
 * Reads `X-RateLimit-Remaining: "<day%>,<minute%>"`.
 * @param header - the header value
 * @returns `day` or `minute` when that share is used up, else `null`
 */
export function quotaFromRemaining(header: string | null): QuotaHint | null {
	if (header === null) return null;
	const [day, minute] = header.split(",").map((part) => Number(part.trim().replace(/%$/, "")));
	if (day !== undefined && Number.isFinite(day) && day <= 0) return "day";
	if (minute !== undefined && Number.isFinite(minute) && minute <= 0) return "minute";
	return null;
}

/**
 * The actions an answer's `errors` name, by position in the call, with Tencent's message. The
 * official SDKs model an error as `{type, common_param_exception_spec: {error_fields,
 * error_user_msg}}`; a field path like `actions[3].user_id` names action 3.
 * @param errors - the answer's `errors`
 * @param count - actions in the call
 * @returns index → message
 */
export function namedActions(errors: unknown, count: number): Map<number, string> {
	const named = new Map<number, string>();
	if (!Array.isArray(errors)) return named;
	for (const error of errors) {
		const spec = (error as { common_param_exception_spec?: unknown } | null)?.common_param_exception_spec as
			| { error_fields?: unknown; error_user_msg?: unknown }
			| undefined;
		const fields = Array.isArray(spec?.error_fields) ? spec.error_fields : [];
		const message = typeof spec?.error_user_msg === "string" ? spec.error_user_msg : "";
		for (const field of fields) {
			const match = typeof field === "string" ? /^actions(?:\[(\d+)\]|\.(\d+))/.exec(field) : null;
			const index = match === null ? Number.NaN : Number(match[1] ?? match[2]);
			if (Number.isInteger(index) && index >= 0 && index < count) {
				named.set(index, [named.get(index), message || field].filter(Boolean).join("; "));
			}
		}
	}
	return named;
}

function all(count: number, outcome: ItemOutcome): ItemOutcome[] {
	return Array.from({ length: count }, () => outcome);
}

/**
 * What a Marketing API answer means for each action in the call:
 * - `code` 0: delivered, except actions the answer's `errors` name (failed with Tencent's message);
 * - 10000 (busy), 10001 (maintenance), HTTP 5xx / 408, an unreadable 200: retry with backoff —
 *   maintenance ends, so failing on it would drop reports Tencent would take an hour later;
 * - 11016–11019, HTTP 429: retry once the quota allows, not counted against the attempt budget;
 * - 11000 / 11002: `authRejected` (the loop refreshes the token and sends once more);
 * - any other code: failed with Tencent's message — only the actions `errors` names when it names
 *   some; the rest are sent again (their outer_action_id makes that harmless);
 * - other HTTP 4xx without a code: failed.
 * @param answer - the read answer
 * @param count - actions in the call
 * @returns the call's outcome
 */
export function interpretMarketingAnswer(answer: Answer, count: number): CallOutcome {
	const httpStatus = answer.status;
	const traceId = answer.headers.get("x-tsa-trace-id");
	const headerQuota = quotaFromRemaining(answer.headers.get("x-ratelimit-remaining"));
	let parsed: { code?: unknown; message?: unknown; message_cn?: unknown; errors?: unknown } | undefined;
	try {
		parsed = JSON.parse(answer.text);
	} catch {
		parsed = undefined;
	}
	const code = parsed?.code;
	const msg =
		typeof parsed?.message === "string" && parsed.message !== ""
			? parsed.message
			: typeof parsed?.message_cn === "string"
				? parsed.message_cn
				: null;
	const base = { httpStatus, msg, traceId, authRejected: false, quota: headerQuota };
	const trace = traceId === null ? "" : ` (X-TSA-Trace-Id ${traceId})`;
	if (typeof code !== "number" || !Number.isInteger(code)) {
		const snippet = answer.text.slice(0, 200);
		if (httpStatus === 429) {
			return {
				...base,
				ret: null,
				quota: headerQuota ?? "second",
				items: all(count, { kind: "retry", code: "HTTP_429", detail: snippet, uncounted: true }),
			};
		}
		if (httpStatus >= 500 || httpStatus === 408) {
			return {
				...base,
				ret: null,
				items: all(count, { kind: "retry", code: `HTTP_${httpStatus}`, detail: snippet }),
			};
		}
		if (httpStatus < 200 || httpStatus >= 300) {
			return {
				...base,
				ret: null,
				items: all(count, { kind: "failed", code: `HTTP_${httpStatus}`, detail: snippet }),
			};
		}
		return {
			...base,
			ret: null,
			items: all(count, {
				kind: "retry",
				code: "UNREADABLE_RESPONSE",
				detail: `no integer code in: ${snippet}`,
			}),
		};
	}
	const label = `TENCENT_CODE_${code}`;
	const meaning = CODE_MEANINGS[code];
	const detail = [meaning, msg].filter(Boolean).join(": ") + trace;
	if (code === 0) {
		const named = namedActions(parsed?.errors, count);
		return {
			...base,
			ret: 0,
			items: Array.from({ length: count }, (_, i): ItemOutcome => {
				const reason = named.get(i);
				return reason === undefined
					? { kind: "delivered" }
					: { kind: "failed", code: "TENCENT_ACTION_REJECTED", detail: `${reason}${trace}` };
			}),
		};
	}
	if (code === 11000 || code === 11002) {
		return {
			...base,
			ret: code,
			authRejected: true,
			items: all(count, { kind: "retry", code: label, detail }),
		};
	}
	if (code === 10000 || code === 10001)
		return { ...base, ret: code, items: all(count, { kind: "retry", code: label, detail }) };
	const quota = QUOTA_CODES[code];
	if (quota !== undefined) {
		return {
			...base,
			ret: code,
			quota,
			items: all(count, { kind: "retry", code: label, detail, uncounted: true }),
		};
	}
	const named = namedActions(parsed?.errors, count);
	if (named.size > 0) {
		return {
			...base,
			ret: code,
			items: Array.from({ length: count }, (_, i): ItemOutcome => {
				const reason = named.get(i);
				return reason === undefined
					? {
							kind: "retry",
							code: "SENT_AGAIN_WITHOUT_REFUSED_ACTION",
							detail: `the call was refused for another action (${label})`,
							uncounted: true,
							delayMs: 0,
						}
					: { kind: "failed", code: label, detail: `${detail}: ${reason}` };
			}),
		};
	}
	return { ...base, ret: code, items: all(count, { kind: "failed", code: label, detail }) };
}
