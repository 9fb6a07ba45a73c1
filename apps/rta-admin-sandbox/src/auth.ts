/**
 * Checks a request's `auth { dspid, token }` against the configured accounts.
 * @module
 */
import { SandboxCode } from "./codes.ts";
import { SandboxError } from "./errors.ts";

/**
 * Checks `auth { dspid, token }` against SANDBOX_ACCOUNTS (constant-time token comparison).
 * @param accounts - dspid → token, from the settings
 * @param auth - the request's auth node, as received
 * @returns the authenticated dspid
 * @throws SandboxError AUTH_MISSING or AUTH_FAILED
 */
export async function authenticate(
	accounts: ReadonlyMap<string, string>,
	auth: { dspid: string; token: string } | undefined,
): Promise<string> {
	if (auth === undefined || auth.dspid === "" || auth.token === "") {
		throw new SandboxError(SandboxCode.AUTH_MISSING, "auth.dspid and auth.token are required");
	}
	const expected = accounts.get(auth.dspid);
	// Compare against a dummy for unknown dspids too, so timing does not reveal which exist.
	const ok = (await tokensEqual(auth.token, expected ?? "\u0000no-such-account")) && expected !== undefined;
	if (!ok) throw new SandboxError(SandboxCode.AUTH_FAILED, "unknown dspid or wrong token");
	return auth.dspid;
}

/** Constant-time comparison of two tokens (digests first, so lengths never differ). */
async function tokensEqual(a: string, b: string): Promise<boolean> {
	const encoder = new TextEncoder();
	const [x, y] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(a)),
		crypto.subtle.digest("SHA-256", encoder.encode(b)),
	]);
	return crypto.subtle.timingSafeEqual(x, y);
}
