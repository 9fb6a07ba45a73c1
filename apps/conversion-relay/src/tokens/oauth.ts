/**
 * Tencent's OAuth token endpoint (docs/conversion/marketing-api-v3.md "Token sources"):
 * `GET {TENCENT_API_BASE_URL}/oauth/token` with client_id, client_secret, grant_type and either
 * authorization_code + redirect_uri or refresh_token. It takes no access_token, timestamp or nonce.
 * The URL carries secrets, so it is never logged.
 * @module
 */

import { registerSecret } from "@txad/worker-kit";
import { exchange } from "../delivery/exchange.ts";
import type { OAuthApp, Settings } from "../settings.ts";
import type { TokenPair } from "./store.ts";

/** docs/conversion/marketing-api-v3.md "Token sources": 86,400 s and 2,592,000 s when the answer omits them. */
const DEFAULT_ACCESS_TTL_S = 86_400;
const DEFAULT_REFRESH_TTL_S = 2_592_000;

/** Which grant to ask for. */
export type OAuthGrant =
	| { kind: "refresh_token"; refreshToken: string }
	| { kind: "authorization_code"; code: string; redirectUri: string };

/** What the endpoint answered. `transient` failures are worth another try later. */
export type OAuthResult =
	| { ok: true; pair: TokenPair }
	| { ok: false; code: string; detail: string; transient: boolean };

/**
 * Asks Tencent for a new token pair.
 * @param settings - the parsed settings (API base URL, timeout)
 * @param app - the account's OAuth app
 * @param grant - refresh or first authorization
 * @param now - milliseconds, to turn lifetimes into expiry times
 * @returns the pair, or why there is none (never a token value)
 */
export async function requestTokenPair(
	settings: Settings,
	app: OAuthApp,
	grant: OAuthGrant,
	now: number,
): Promise<OAuthResult> {
	const url = new URL(`${settings.apiBaseUrl}/oauth/token`);
	url.searchParams.set("client_id", app.clientId);
	url.searchParams.set("client_secret", app.clientSecret);
	url.searchParams.set("grant_type", grant.kind);
	if (grant.kind === "refresh_token") url.searchParams.set("refresh_token", grant.refreshToken);
	else {
		url.searchParams.set("authorization_code", grant.code);
		url.searchParams.set("redirect_uri", grant.redirectUri);
	}
	const result = await exchange(new Request(url, { method: "GET" }), settings.timeoutMs);
	if (result.kind === "timeout") {
		return {
			ok: false,
			code: "OAUTH_TIMEOUT",
			detail: `no answer within ${settings.timeoutMs} ms`,
			transient: true,
		};
	}
	if (result.kind === "network")
		return { ok: false, code: "OAUTH_NETWORK_ERROR", detail: result.detail, transient: true };
	if (result.kind === "too_large") {
		return { ok: false, code: "OAUTH_UNREADABLE", detail: "the answer is too large", transient: true };
	}
	const { status, text } = result.answer;
	let parsed: { code?: unknown; message?: unknown; data?: Record<string, unknown> } | undefined;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = undefined;
	}
	if (typeof parsed?.code !== "number") {
		return {
			ok: false,
			code: `OAUTH_HTTP_${status}`,
			detail: "no integer code in the answer",
			transient: status >= 500,
		};
	}
	if (parsed.code !== 0) {
		const message = typeof parsed.message === "string" ? parsed.message.slice(0, 200) : "";
		return {
			ok: false,
			code: `OAUTH_CODE_${parsed.code}`,
			detail: message,
			transient: parsed.code === 10000 || status >= 500,
		};
	}
	const data = parsed.data ?? {};
	const access = data.access_token;
	const refresh = data.refresh_token;
	if (typeof access !== "string" || access === "" || typeof refresh !== "string" || refresh === "") {
		return {
			ok: false,
			code: "OAUTH_NO_TOKENS",
			detail: "code 0 without access_token and refresh_token",
			transient: false,
		};
	}
	registerSecret(access);
	registerSecret(refresh);
	const ttl = (v: unknown, fallback: number) => (typeof v === "number" && v > 0 ? v : fallback);
	return {
		ok: true,
		pair: {
			accessToken: access,
			refreshToken: refresh,
			accessExpiresAt: now + ttl(data.access_token_expires_in, DEFAULT_ACCESS_TTL_S) * 1000,
			refreshExpiresAt: now + ttl(data.refresh_token_expires_in, DEFAULT_REFRESH_TTL_S) * 1000,
		},
	};
}
