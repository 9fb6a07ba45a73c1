/**
 * OAuth token pairs in D1 (`oauth_tokens`). Tencent invalidates both old tokens when it issues a
 * new pair (docs/conversion/marketing-api-v3.md "Token sources"), so a refresh replaces both in one
 * UPDATE, and a refresh lease makes sure only one isolate at a time asks for a new pair.
 * @module
 */

/** A stored pair. The token columns never leave this module except as a value to send. */
export interface TokenRow {
	account_id: string;
	access_token: string;
	refresh_token: string;
	access_expires_at: number;
	refresh_expires_at: number;
	generation: number;
	refresh_lease_token: string | null;
	refresh_lease_until: number | null;
	last_refresh_error: string | null;
	updated_at: number;
}

/** A pair as Tencent issues it. */
export interface TokenPair {
	accessToken: string;
	refreshToken: string;
	/** ms */
	accessExpiresAt: number;
	/** ms */
	refreshExpiresAt: number;
}

/** A pair's state without the tokens, for /stats and the tokens API. */
export type TokenStatus = Omit<TokenRow, "access_token" | "refresh_token" | "refresh_lease_token">;

const STATUS_COLUMNS =
	"account_id, access_expires_at, refresh_expires_at, generation, refresh_lease_until, last_refresh_error, updated_at";

/**
 * Reads an account's pair.
 * @param db - the ledger
 * @param accountId - the account
 * @returns the row, or `null` when the account was never authorized
 */
export async function getTokenRow(db: D1Database, accountId: string): Promise<TokenRow | null> {
	return db.prepare("SELECT * FROM oauth_tokens WHERE account_id = ?1").bind(accountId).first<TokenRow>();
}

/**
 * Every stored pair's state, without the tokens.
 * @param db - the ledger
 * @returns the rows
 */
export async function listTokenStatus(db: D1Database): Promise<TokenStatus[]> {
	const { results } = await db
		.prepare(`SELECT ${STATUS_COLUMNS} FROM oauth_tokens ORDER BY account_id`)
		.all<TokenStatus>();
	return results;
}

/**
 * Stores a freshly authorized pair (replacing any old one) and starts a new generation.
 * @param db - the ledger
 * @param accountId - the account
 * @param pair - the tokens
 * @param now - milliseconds
 * @returns the stored state
 */
export async function installTokenPair(
	db: D1Database,
	accountId: string,
	pair: TokenPair,
	now: number,
): Promise<TokenStatus> {
	const row = await db
		.prepare(
			`INSERT INTO oauth_tokens (account_id, access_token, refresh_token, access_expires_at, refresh_expires_at, generation, updated_at)
			 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)
			 ON CONFLICT (account_id) DO UPDATE SET access_token = ?2, refresh_token = ?3, access_expires_at = ?4,
			   refresh_expires_at = ?5, generation = generation + 1, refresh_lease_token = NULL, refresh_lease_until = NULL,
			   last_refresh_error = NULL, updated_at = ?6
			 RETURNING ${STATUS_COLUMNS}`,
		)
		.bind(accountId, pair.accessToken, pair.refreshToken, pair.accessExpiresAt, pair.refreshExpiresAt, now)
		.first<TokenStatus>();
	if (row === null) throw new Error("token install returned no row");
	return row;
}

/**
 * Takes the refresh lease if nobody holds a live one and the pair is still of `generation` (so an
 * isolate that saw an old token refused does not refresh a pair someone else already renewed).
 * @param db - the ledger
 * @param accountId - the account
 * @param generation - the generation the caller wants to replace
 * @param leaseToken - a fresh token for this lease
 * @param now - milliseconds
 * @param leaseMs - how long the lease lasts
 * @returns the row when the lease is ours, else `null`
 */
export async function takeRefreshLease(
	db: D1Database,
	accountId: string,
	generation: number,
	leaseToken: string,
	now: number,
	leaseMs: number,
): Promise<TokenRow | null> {
	return db
		.prepare(
			`UPDATE oauth_tokens SET refresh_lease_token = ?3, refresh_lease_until = ?4 + ?5
			 WHERE account_id = ?1 AND generation = ?2 AND (refresh_lease_until IS NULL OR refresh_lease_until < ?4)
			 RETURNING *`,
		)
		.bind(accountId, generation, leaseToken, now, leaseMs)
		.first<TokenRow>();
}

/**
 * Replaces both tokens in one statement, while the lease is still ours.
 * @param db - the ledger
 * @param accountId - the account
 * @param leaseToken - the lease taken by {@link takeRefreshLease}
 * @param pair - the new tokens
 * @param now - milliseconds
 * @returns the new generation, or `null` when the lease was lost
 */
export async function completeRefresh(
	db: D1Database,
	accountId: string,
	leaseToken: string,
	pair: TokenPair,
	now: number,
): Promise<number | null> {
	const row = await db
		.prepare(
			`UPDATE oauth_tokens SET access_token = ?3, refresh_token = ?4, access_expires_at = ?5, refresh_expires_at = ?6,
			   generation = generation + 1, refresh_lease_token = NULL, refresh_lease_until = NULL, last_refresh_error = NULL,
			   updated_at = ?7
			 WHERE account_id = ?1 AND refresh_lease_token = ?2 RETURNING generation`,
		)
		.bind(
			accountId,
			leaseToken,
			pair.accessToken,
			pair.refreshToken,
			pair.accessExpiresAt,
			pair.refreshExpiresAt,
			now,
		)
		.first<{ generation: number }>();
	return row?.generation ?? null;
}

/**
 * Gives the lease back after a failed refresh, noting why.
 * @param db - the ledger
 * @param accountId - the account
 * @param leaseToken - the lease
 * @param error - what went wrong (no token values)
 * @param now - milliseconds
 */
export async function failRefresh(
	db: D1Database,
	accountId: string,
	leaseToken: string,
	error: string,
	now: number,
): Promise<void> {
	await db
		.prepare(
			`UPDATE oauth_tokens SET refresh_lease_token = NULL, refresh_lease_until = NULL, last_refresh_error = ?3, updated_at = ?4
			 WHERE account_id = ?1 AND refresh_lease_token = ?2`,
		)
		.bind(accountId, leaseToken, error.slice(0, 300), now)
		.run();
}

/**
 * Accounts whose access token expires before `before`, for the cron's early refresh.
 * @param db - the ledger
 * @param before - milliseconds
 * @returns their ids and generations
 */
export async function listExpiring(
	db: D1Database,
	before: number,
): Promise<{ account_id: string; generation: number }[]> {
	const { results } = await db
		.prepare("SELECT account_id, generation FROM oauth_tokens WHERE access_expires_at < ?1")
		.bind(before)
		.all<{ account_id: string; generation: number }>();
	return results;
}
