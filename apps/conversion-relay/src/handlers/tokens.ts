/**
 * The OAuth token API (bearer): `POST /tokens/:account_id` installs an account's first token pair,
 * either by exchanging an authorization_code with Tencent (docs/conversion/marketing-api-v3.md
 * "Token sources") or from a pair obtained elsewhere; `GET /tokens` shows every pair's state.
 * Token values are accepted, never returned.
 * @module
 */

import { log, registerSecret } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { requireBearer } from "../auth.ts";
import { invalidField, RelayError } from "../errors.ts";
import { requestTokenPair } from "../tokens/oauth.ts";
import { installTokenPair, listTokenStatus, type TokenPair, type TokenStatus } from "../tokens/store.ts";
import { readJsonBody } from "./json-body.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function statusView(t: TokenStatus) {
	return {
		account_id: t.account_id,
		generation: t.generation,
		access_expires_at: iso(t.access_expires_at),
		refresh_expires_at: iso(t.refresh_expires_at),
		last_refresh_error: t.last_refresh_error,
	};
}

function str(body: Record<string, unknown>, field: string): string | undefined {
	const v = body[field];
	if (v === undefined || v === null || v === "") return undefined;
	if (typeof v !== "string") throw invalidField(field, `${field} must be a string`);
	return v;
}

function seconds(body: Record<string, unknown>, field: string, fallback: number): number {
	const v = body[field];
	if (v === undefined || v === null) return fallback;
	if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
		throw invalidField(field, `${field} must be a positive number of seconds`);
	}
	return v;
}

/**
 * POST /tokens/:account_id with `{"authorization_code", "redirect_uri"}` or
 * `{"access_token", "refresh_token", "access_token_expires_in"?, "refresh_token_expires_in"?}`.
 * @param request - the request
 * @param env - the Worker's env
 * @returns 201 with the pair's state (no token values)
 */
export async function handleInstallToken(request: IRequest, env: Env): Promise<Response> {
	const settings = requireBearer(request, env);
	const accountId = request.params.account_id ?? "";
	const app = settings.tokens.get(accountId);
	if (app?.kind !== "oauth") {
		throw new RelayError(404, "NOT_FOUND", `TENCENT_TOKENS has no OAuth app for account ${accountId}`, {
			field: "account_id",
		});
	}
	const body = await readJsonBody(request);
	if (body === null || typeof body !== "object" || Array.isArray(body)) {
		throw new RelayError(400, "INVALID_JSON", "the body must be a JSON object");
	}
	const b = body as Record<string, unknown>;
	const now = Date.now();
	const code = str(b, "authorization_code");
	let pair: TokenPair;
	if (code !== undefined) {
		const redirectUri = str(b, "redirect_uri");
		if (redirectUri === undefined)
			throw invalidField("redirect_uri", "redirect_uri is required with authorization_code");
		registerSecret(code);
		const result = await requestTokenPair(
			settings,
			app,
			{ kind: "authorization_code", code, redirectUri },
			now,
		);
		if (!result.ok) {
			throw new RelayError(
				502,
				"TOKEN_EXCHANGE_FAILED",
				`Tencent did not issue tokens: ${result.code} ${result.detail}`.trim(),
				{
					field: "authorization_code",
				},
			);
		}
		pair = result.pair;
	} else {
		const accessToken = str(b, "access_token");
		const refreshToken = str(b, "refresh_token");
		if (accessToken === undefined || refreshToken === undefined) {
			throw invalidField(
				"authorization_code",
				"give authorization_code and redirect_uri, or access_token and refresh_token",
			);
		}
		registerSecret(accessToken);
		registerSecret(refreshToken);
		pair = {
			accessToken,
			refreshToken,
			accessExpiresAt: now + seconds(b, "access_token_expires_in", 86_400) * 1000,
			refreshExpiresAt: now + seconds(b, "refresh_token_expires_in", 2_592_000) * 1000,
		};
	}
	const status = await installTokenPair(env.LEDGER, accountId, pair, now);
	log("info", "oauth_token_installed", { account_id: accountId, generation: status.generation });
	return Response.json(statusView(status), { status: 201 });
}

/**
 * GET /tokens: every stored pair's state.
 * @param request - the request
 * @param env - the Worker's env
 * @returns 200 with `{tokens: [...]}`
 */
export async function handleListTokens(request: IRequest, env: Env): Promise<Response> {
	requireBearer(request, env);
	return Response.json({ tokens: (await listTokenStatus(env.LEDGER)).map(statusView) });
}
