/**
 * Caller authentication: every route but /healthz needs `Authorization: Bearer <key id>.<secret>`
 * with a key from APP_KEYS. The key id is looked up, the secret compared in constant time, and the
 * key decides which 优量汇 app the caller may use and whether it may name the user's IP itself.
 * @module
 */
import { timingSafeEqual } from "@txad/signing";
import { GatewayError } from "./errors.ts";
import type { AppKey } from "./settings.ts";

/**
 * The caller's key.
 * @param request - the incoming request
 * @param keys - APP_KEYS by key id
 * @returns the matching key
 * @throws GatewayError 401 `UNAUTHORIZED` for a missing, malformed or wrong key
 */
export function authenticate(request: Request, keys: ReadonlyMap<string, AppKey>): AppKey {
	const header = request.headers.get("authorization") ?? "";
	const m = /^Bearer ([A-Za-z0-9_-]{1,64})\.(\S+)$/.exec(header);
	if (m === null)
		throw new GatewayError(
			401,
			"UNAUTHORIZED",
			"send Authorization: Bearer <key id>.<secret> (an APP_KEYS entry)",
		);
	const key = keys.get(m[1] as string);
	// Compare against a same-length stand-in when the id is unknown, so both paths take the same work.
	const ok =
		timingSafeEqual(m[2] as string, key?.secret ?? "x".repeat((m[2] as string).length)) && key !== undefined;
	if (!ok) throw new GatewayError(401, "UNAUTHORIZED", "unknown key id or wrong secret");
	return key;
}
