/**
 * Input rules shared by the client (checked before sending) and the sandbox (checked on receipt),
 * so the two agree. The RTA management API (docs/rta/management-api.md) fixes the field types; it
 * gives no length or count limits, so the numeric limits here are ours, chosen generously and
 * documented in the README. Each rule returns a problem description (or `undefined`); callers
 * decide how to report it.
 * @module
 */
import { BindType } from "@txad/proto";

/** Largest `page_size` for target/get and bind/get (ours; the API documentation gives none). */
export const MAX_PAGE_SIZE = 1000;
/** Page size the paging helpers use when none is given. */
export const DEFAULT_PAGE_SIZE = 100;
/** Most header pairs one sign/set may register (ours). */
export const MAX_SIGNS = 10;
/** Most records one bind/set or bind/delete may carry (ours). */
export const MAX_BIND_RECORDS = 1000;
/** Most ids one target/delete may carry (ours). */
export const MAX_TARGET_DELETE = 100;
/** Longest `target_id` (ours). */
export const MAX_TARGET_ID_LENGTH = 64;
/** Longest `target_desc` (ours). */
export const MAX_TARGET_DESC_LENGTH = 256;
/** Longest header value (ours). */
export const MAX_SIGN_VALUE_LENGTH = 1024;
/** Largest int32 (RTA management API types page_num/page_size as int32). */
export const MAX_INT32 = 2_147_483_647;
/** Largest int64 (bind_id, account_id). */
export const MAX_INT64 = (1n << 63n) - 1n;

/** Bind types the RTA management API defines (`enum BindType`, 1–5); 0 is "unknown" and never valid. */
export const KNOWN_BIND_TYPES: readonly BindType[] = [
	BindType.AdgroupId,
	BindType.CampaignId,
	BindType.AccountId,
	BindType.AgencyId,
	BindType.SkuId,
];

/**
 * Headers that carry framing or routing, so registering one as a "signature" would break or be
 * overwritten on Tencent's requests (docs/rta/http-behaviour.md "Header signature": Tencent adds
 * the pairs to every request).
 */
export const RESERVED_SIGN_KEYS: ReadonlySet<string> = new Set([
	"host",
	"content-length",
	"content-type",
	"content-encoding",
	"transfer-encoding",
	"connection",
	"keep-alive",
	"upgrade",
	"te",
	"trailer",
]);

/** An int64 as the client accepts it: a bigint, a safe-integer number, or decimal digits. */
export type Int64Input = bigint | number | string;

/**
 * Reads an int64 argument exactly.
 * @param value - bigint, safe integer, or a decimal string such as `"9007199254740993"`
 * @param min - smallest accepted value
 * @returns the value as a bigint, or a problem description
 */
export function parseInt64(value: unknown, min: bigint): bigint | string {
	let n: bigint;
	if (typeof value === "bigint") n = value;
	else if (typeof value === "number") {
		if (!Number.isSafeInteger(value)) {
			return "must be a safe integer; pass larger ids as a bigint or a decimal string";
		}
		n = BigInt(value);
	} else if (typeof value === "string") {
		if (!/^-?(0|[1-9][0-9]*)$/.test(value)) return "must be a decimal integer string";
		n = BigInt(value);
	} else return "must be a bigint, a number or a decimal string";
	if (n < min || n > MAX_INT64) return `must be between ${min} and ${MAX_INT64}`;
	return n;
}

/**
 * @param id - a strategy id
 * @returns a problem, or `undefined` when the id is usable
 */
export function targetIdProblem(id: unknown): string | undefined {
	if (typeof id !== "string" || id.length === 0) return "must be a non-empty string";
	if (id.trim() !== id) return "must not start or end with whitespace";
	if (id.length > MAX_TARGET_ID_LENGTH) return `must be at most ${MAX_TARGET_ID_LENGTH} characters`;
	// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
	if (/[\u0000-\u001f\u007f]/.test(id)) return "must not contain control characters";
	return undefined;
}

/**
 * @param desc - a strategy description
 * @returns a problem, or `undefined`
 */
export function targetDescProblem(desc: unknown): string | undefined {
	if (typeof desc !== "string") return "must be a string";
	if (desc.length > MAX_TARGET_DESC_LENGTH) return `must be at most ${MAX_TARGET_DESC_LENGTH} characters`;
	return undefined;
}

/**
 * @param type - a bind type number
 * @returns a problem, or `undefined` for the five types the RTA management API defines
 */
export function bindTypeProblem(type: unknown): string | undefined {
	if (typeof type !== "number" || !KNOWN_BIND_TYPES.includes(type)) {
		return `must be one of ${KNOWN_BIND_TYPES.map((t) => `${t} (${BindType[t]})`).join(", ")}`;
	}
	return undefined;
}

/**
 * RFC 9110 §5.6.2 `token`: the characters a header name may use.
 * @param s - a candidate header name
 * @returns whether `s` is a valid header name
 */
export function isHttpToken(s: string): boolean {
	return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s);
}

/**
 * A header value the Workers/Fetch `Headers` class keeps byte for byte: visible ASCII and inner
 * spaces (RFC 9110 §5.5 field-value without obs-text, trimmed).
 * @param s - a candidate header value
 * @returns whether it is usable
 */
export function isHeaderValue(s: string): boolean {
	return /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(s);
}

/** A problem with one element of a list, and where it is. */
export interface ListProblem {
	/** Index of the element at fault. */
	index: number;
	/** The field of that element (`key`, `value`, …). */
	field: string;
	problem: string;
}

/**
 * Checks a sign/set list: valid header names and values, no reserved or repeated names
 * (names compare case-insensitively, as HTTP does), at most {@link MAX_SIGNS}.
 * An empty list is valid: it disables the signature (docs/rta/http-behaviour.md "Header signature").
 * @param signs - the pairs
 * @returns the first problem, or `undefined`
 */
export function signsProblem(
	signs: readonly { key: unknown; value: unknown }[],
): ListProblem | string | undefined {
	if (signs.length > MAX_SIGNS) return `at most ${MAX_SIGNS} header pairs`;
	const seen = new Set<string>();
	for (const [index, { key, value }] of signs.entries()) {
		if (typeof key !== "string" || !isHttpToken(key)) {
			return { index, field: "key", problem: "must be an HTTP header name (RFC 9110 token)" };
		}
		const lower = key.toLowerCase();
		if (RESERVED_SIGN_KEYS.has(lower)) {
			return { index, field: "key", problem: `"${key}" is a framing header and cannot carry a signature` };
		}
		if (seen.has(lower)) return { index, field: "key", problem: `"${key}" appears twice` };
		seen.add(lower);
		if (typeof value !== "string" || !isHeaderValue(value)) {
			return { index, field: "value", problem: "must be non-empty visible ASCII without surrounding spaces" };
		}
		if (value.length > MAX_SIGN_VALUE_LENGTH) {
			return { index, field: "value", problem: `must be at most ${MAX_SIGN_VALUE_LENGTH} characters` };
		}
	}
	return undefined;
}

/**
 * Checks paging arguments (RTA management API TargetGet/BindGet: int32 page_num, page_size).
 * @param pageNum - 1-based page number
 * @param pageSize - records per page
 * @returns the field at fault and why, or `undefined`
 */
export function pageProblem(
	pageNum: unknown,
	pageSize: unknown,
): { field: string; problem: string } | undefined {
	if (typeof pageNum !== "number" || !Number.isInteger(pageNum) || pageNum < 1 || pageNum > MAX_INT32) {
		return { field: "page_num", problem: `must be an integer from 1 to ${MAX_INT32}` };
	}
	if (
		typeof pageSize !== "number" ||
		!Number.isInteger(pageSize) ||
		pageSize < 1 ||
		pageSize > MAX_PAGE_SIZE
	) {
		return { field: "page_size", problem: `must be an integer from 1 to ${MAX_PAGE_SIZE}` };
	}
	return undefined;
}
