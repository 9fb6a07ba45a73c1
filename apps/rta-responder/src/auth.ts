/**
 * Who may call what: Tencent's registered header pairs on `/rta` (docs/rta/http-behaviour.md
 * "Header signature": static key/value pairs, not cryptographic, compared in constant time), and a
 * bearer token on `/admin/*`.
 * @module
 */
import { timingSafeEqual } from "@txad/signing";
import { ResponderError } from "./errors.ts";
import type { HeaderPair, Settings, SignCheck } from "./settings.ts";

/**
 * Whether a request carries the registered headers. Every configured pair is compared (no early
 * exit), each in constant time; during the grace window the previous set is accepted too,
 * because `sign/set` changes propagate over hours (docs/rta/http-behaviour.md "Header signature").
 * @param headers - request headers
 * @param sign - the configured check
 * @param nowMs - epoch ms
 * @returns true when the check is off or a set matches
 * @example checkSignHeaders(request.headers, settings.sign, Date.now())
 */
export function checkSignHeaders(headers: Headers, sign: SignCheck, nowMs: number): boolean {
	if (sign.current === null) return true;
	const currentOk = matches(headers, sign.current);
	const previousOk = sign.previous !== null && nowMs < sign.graceUntilMs && matches(headers, sign.previous);
	return currentOk || previousOk;
}

function matches(headers: Headers, pairs: readonly HeaderPair[]): boolean {
	let ok = true;
	for (const [name, expected] of pairs) {
		const got = headers.get(name);
		// Compare even when absent, so a missing header costs the same as a wrong one.
		const equal = timingSafeEqual(got ?? "", expected);
		ok = ok && got !== null && equal;
	}
	return ok;
}

/**
 * The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive (RFC 9110
 * §11.1: `bearer`, `BEARER` are the same scheme); one or more spaces separate it from the token.
 * @param header - the header's value
 * @returns the token, or "" when the header is not a bearer credential
 * @example bearerToken("bearer abc") // => "abc"
 */
export function bearerToken(header: string): string {
	const match = /^bearer +(\S+) *$/i.exec(header.trim());
	return match?.[1] ?? "";
}

/**
 * Requires `Authorization: Bearer <ADMIN_TOKEN>` (scheme in any case).
 * @param request - the request
 * @param settings - settings
 * @throws ResponderError 503 `NOT_CONFIGURED` when ADMIN_TOKEN is unset (the admin API is off), 401 `UNAUTHORIZED` otherwise
 */
export function requireAdmin(request: Request, settings: Settings): void {
	const token = settings.adminToken;
	if (token === undefined)
		throw new ResponderError(503, "NOT_CONFIGURED", "the admin API is disabled: set the ADMIN_TOKEN secret", {
			field: "ADMIN_TOKEN",
		});
	const given = bearerToken(request.headers.get("authorization") ?? "");
	if (!timingSafeEqual(given, token) || given === "")
		throw new ResponderError(401, "UNAUTHORIZED", "missing or wrong bearer token", {
			field: "authorization",
		});
}
