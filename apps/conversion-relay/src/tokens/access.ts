/**
 * Getting an account's access token for a call. A DataNexus key comes straight from the settings;
 * an OAuth pair comes from D1 and is refreshed before it expires (`TOKEN_REFRESH_MARGIN_SECONDS`)
 * or after Tencent refused it (11000 / 11002). Only the holder of the refresh lease refreshes;
 * everyone else keeps using the current token while it is valid, or waits briefly for the new
 * generation.
 * @module
 */
import { log, registerSecret } from "@txad/worker-kit";
import type { Settings } from "../settings.ts";
import { requestTokenPair } from "./oauth.ts";
import { completeRefresh, failRefresh, getTokenRow, type TokenRow, takeRefreshLease } from "./store.ts";

/** A token to send, or why there is none now (`retryMs`: when to try again). */
export type AccessToken =
	| { kind: "token"; accessToken: string; generation: number; source: "datanexus" | "oauth" }
	| { kind: "wait"; code: string; detail: string; retryMs: number };

/** While another isolate refreshes, look for its new pair this often … */
const WAIT_POLL_MS = 150;
/** … this many times before giving up for now. */
const WAIT_POLLS = 20;
/** How soon to come back after a refresh that failed for a transient reason. */
const TRANSIENT_RETRY_MS = 15_000;
/** How soon to come back after a configuration problem (not authorized, refresh token dead). */
export const CONFIG_RETRY_MS = 60_000;

/**
 * The access token to use for an account.
 * @param db - the ledger
 * @param settings - the parsed settings
 * @param accountId - the account
 * @param now - milliseconds
 * @param rejectedGeneration - set when Tencent refused this generation's token: refresh past it
 * @returns the token, or why the account's calls must wait
 */
export async function getAccessToken(
	db: D1Database,
	settings: Settings,
	accountId: string,
	now: number,
	rejectedGeneration?: number,
): Promise<AccessToken> {
	const source = settings.tokens.get(accountId);
	if (source === undefined) {
		return {
			kind: "wait",
			code: "CONFIG_TOKEN_MISSING",
			detail: `TENCENT_TOKENS has no entry for account ${accountId}`,
			retryMs: CONFIG_RETRY_MS,
		};
	}
	if (source.kind === "datanexus") {
		if (rejectedGeneration !== undefined) {
			return {
				kind: "wait",
				code: "CONFIG_TOKEN_REJECTED",
				detail: `Tencent refused the DataNexus key of account ${accountId}; replace it in TENCENT_TOKENS`,
				retryMs: CONFIG_RETRY_MS,
			};
		}
		return { kind: "token", accessToken: source.accessToken, generation: 0, source: "datanexus" };
	}
	let row = await getTokenRow(db, accountId);
	if (row === null) {
		return {
			kind: "wait",
			code: "CONFIG_OAUTH_NOT_AUTHORIZED",
			detail: `account ${accountId} has no OAuth token pair yet: POST /tokens/${accountId} with an authorization_code`,
			retryMs: CONFIG_RETRY_MS,
		};
	}
	registerSecret(row.access_token);
	registerSecret(row.refresh_token);
	const usable = (r: TokenRow) =>
		rejectedGeneration === undefined ? r.access_expires_at > now : r.generation > rejectedGeneration;
	const fresh = (r: TokenRow) =>
		rejectedGeneration === undefined
			? r.access_expires_at - settings.tokenRefreshMarginMs > now
			: r.generation > rejectedGeneration;
	if (fresh(row)) return oauthToken(row);
	if (row.refresh_expires_at <= now) {
		return {
			kind: "wait",
			code: "CONFIG_OAUTH_REFRESH_EXPIRED",
			detail: `the refresh token of account ${accountId} expired: authorize again (POST /tokens/${accountId})`,
			retryMs: CONFIG_RETRY_MS,
		};
	}
	const lease = crypto.randomUUID();
	const leased = await takeRefreshLease(db, accountId, row.generation, lease, now, settings.timeoutMs + 5000);
	if (leased !== null) return refresh(db, settings, accountId, leased, lease, now, usable);
	// Someone else refreshes (or already did).
	if (usable(row)) return oauthToken(row);
	for (let i = 0; i < WAIT_POLLS; i++) {
		await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
		row = await getTokenRow(db, accountId);
		if (row !== null && (usable(row) || fresh(row))) {
			registerSecret(row.access_token);
			return oauthToken(row);
		}
	}
	return {
		kind: "wait",
		code: "TOKEN_REFRESH_PENDING",
		detail: `another isolate is refreshing the token of account ${accountId}`,
		retryMs: 2000,
	};
}

function oauthToken(row: TokenRow): AccessToken {
	return { kind: "token", accessToken: row.access_token, generation: row.generation, source: "oauth" };
}

async function refresh(
	db: D1Database,
	settings: Settings,
	accountId: string,
	row: TokenRow,
	lease: string,
	now: number,
	usable: (r: TokenRow) => boolean,
): Promise<AccessToken> {
	const app = settings.tokens.get(accountId);
	if (app?.kind !== "oauth") throw new Error("refresh without an OAuth app");
	const result = await requestTokenPair(
		settings,
		app,
		{ kind: "refresh_token", refreshToken: row.refresh_token },
		now,
	);
	if (result.ok) {
		const generation = await completeRefresh(db, accountId, lease, result.pair, Date.now());
		if (generation !== null) {
			log("info", "oauth_token_refreshed", { account_id: accountId, generation });
			return { kind: "token", accessToken: result.pair.accessToken, generation, source: "oauth" };
		}
		// Our lease ran out while Tencent answered; whoever took it over owns the pair now.
		log("error", "oauth_refresh_lease_lost", { account_id: accountId });
		return {
			kind: "wait",
			code: "TOKEN_REFRESH_PENDING",
			detail: "the refresh lease ran out",
			retryMs: 2000,
		};
	}
	await failRefresh(db, accountId, lease, `${result.code} ${result.detail}`, Date.now());
	log("warn", "oauth_refresh_failed", { account_id: accountId, code: result.code, detail: result.detail });
	// Keep using the current token while it is still valid.
	if (usable(row)) return oauthToken(row);
	return {
		kind: "wait",
		code: result.transient ? "TOKEN_REFRESH_FAILED" : "CONFIG_OAUTH_REFRESH_REFUSED",
		detail: `refreshing the token of account ${accountId} failed: ${result.code} ${result.detail}`.trim(),
		retryMs: result.transient ? TRANSIENT_RETRY_MS : CONFIG_RETRY_MS,
	};
}
