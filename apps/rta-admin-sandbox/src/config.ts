/**
 * Reads the sandbox's configuration from the environment: accounts (SANDBOX_ACCOUNTS secret),
 * the info/get profile (SANDBOX_INFO var) and the strategy limit (SANDBOX_MAX_TARGETS var).
 * Parsed values are cached per isolate, keyed by the raw text, so a changed secret takes effect.
 * @module
 */
import { create, type JsonValue } from "@bufbuild/protobuf";
import { fromManagementJson, type Response_Data_InfoGet, Response_Data_InfoGetSchema } from "@txad/proto";
import { SandboxCode } from "./codes.ts";
import { SandboxError } from "./errors.ts";

let accountsCache: { raw: string; accounts: Map<string, string> } | undefined;

function accounts(env: Env): Map<string, string> {
	const raw = env.SANDBOX_ACCOUNTS ?? "";
	if (accountsCache?.raw === raw) return accountsCache.accounts;
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		parsed = undefined;
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new SandboxError(
			SandboxCode.NOT_CONFIGURED,
			"SANDBOX_ACCOUNTS must be a JSON object dspid -> token",
		);
	}
	const map = new Map<string, string>();
	for (const [dspid, token] of Object.entries(parsed)) {
		if (dspid === "" || typeof token !== "string" || token === "") {
			throw new SandboxError(
				SandboxCode.NOT_CONFIGURED,
				`SANDBOX_ACCOUNTS["${dspid}"] must be a non-empty token`,
			);
		}
		map.set(dspid, token);
	}
	accountsCache = { raw, accounts: map };
	return map;
}

/**
 * Checks `auth { dspid, token }` against SANDBOX_ACCOUNTS (constant-time token comparison).
 * @param env - the Worker's environment
 * @param auth - the request's auth node, as received
 * @returns the authenticated dspid
 * @throws SandboxError AUTH_MISSING, AUTH_FAILED or NOT_CONFIGURED
 */
export async function authenticate(
	env: Env,
	auth: { dspid: string; token: string } | undefined,
): Promise<string> {
	if (auth === undefined || auth.dspid === "" || auth.token === "") {
		throw new SandboxError(SandboxCode.AUTH_MISSING, "auth.dspid and auth.token are required");
	}
	const expected = accounts(env).get(auth.dspid);
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

let infoCache: { raw: string; profiles: Map<string, Response_Data_InfoGet> } | undefined;

/**
 * The info/get profile for a dspid: SANDBOX_INFO[dspid], else SANDBOX_INFO["*"], else a built-in
 * demo. An empty `rta_name` becomes `sandbox-<dspid>`.
 * @param env - the Worker's environment
 * @param dspid - the authenticated account
 * @returns the profile
 * @throws SandboxError NOT_CONFIGURED when SANDBOX_INFO is not valid
 */
export function infoProfile(env: Env, dspid: string): Response_Data_InfoGet {
	const raw = env.SANDBOX_INFO ?? "";
	if (infoCache?.raw !== raw) {
		const profiles = new Map<string, Response_Data_InfoGet>();
		if (raw.trim() !== "") {
			try {
				const parsed = JSON.parse(raw) as JsonValue;
				if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
					throw new Error("not an object");
				for (const [key, value] of Object.entries(parsed)) {
					profiles.set(key, fromManagementJson(Response_Data_InfoGetSchema, value ?? null));
				}
			} catch (cause) {
				const detail = cause instanceof Error ? cause.message : String(cause);
				throw new SandboxError(SandboxCode.NOT_CONFIGURED, `SANDBOX_INFO is not valid: ${detail}`, { cause });
			}
		}
		infoCache = { raw, profiles };
	}
	const profile =
		infoCache.profiles.get(dspid) ??
		infoCache.profiles.get("*") ??
		create(Response_Data_InfoGetSchema, {
			enable: 1,
			companyName: "txad sandbox",
			qpsLimit: 1000,
			cacheSecond: 3600,
		});
	return create(Response_Data_InfoGetSchema, { ...profile, rtaName: profile.rtaName || `sandbox-${dspid}` });
}

/**
 * @param env - the Worker's environment
 * @returns how many strategies one dspid may hold
 */
export function maxTargets(env: Env): number {
	const n = Number(env.SANDBOX_MAX_TARGETS);
	return Number.isInteger(n) && n > 0 ? n : 1000;
}
