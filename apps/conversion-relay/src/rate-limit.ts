/**
 * The per-account call limit, shared by every isolate: a D1 row per account counts the calls of
 * the current calendar minute (docs/conversion/marketing-api-v3.md "Quotas": calls per minute).
 * A consumer asks for the calls it plans and is granted what the minute has left; the rest of its
 * conversions wait for the next minute. When Tencent itself says a quota ran out (11016–11019, or
 * `X-RateLimit-Remaining` at 0), the account is held back for everyone.
 *
 * D1 rather than the Workers Rate Limiting binding: the binding's limit is fixed in wrangler.jsonc
 * and counted per Cloudflare location, while Tencent's quota is one number per key, worldwide, and
 * differs per account.
 * @module
 */
import type { QuotaHint } from "./delivery/types.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Tencent's day is taken as China Standard Time (UTC+8); an assumption, see the README. */
const CST_OFFSET_MS = 8 * 3_600_000;

/** What the limiter granted. */
export interface Grant {
	/** Calls allowed now (0 … wanted). */
	granted: number;
	/** When to ask again for the rest (ms). */
	retryAt: number;
}

/**
 * Start of the minute `now` falls in.
 * @param now - milliseconds
 * @returns milliseconds
 */
export function minuteStart(now: number): number {
	return Math.floor(now / MINUTE_MS) * MINUTE_MS;
}

/**
 * The next midnight in China Standard Time.
 * @param now - milliseconds
 * @returns milliseconds
 */
export function nextCstMidnight(now: number): number {
	return Math.floor((now + CST_OFFSET_MS) / DAY_MS + 1) * DAY_MS - CST_OFFSET_MS;
}

/**
 * Takes up to `wanted` calls from the account's current minute, atomically.
 * @param db - the ledger
 * @param accountId - the account
 * @param wanted - calls the consumer plans to make
 * @param limitPerMinute - the account's limit
 * @param now - milliseconds
 * @returns what was granted and when to come back for the rest
 */
export async function takeCalls(
	db: D1Database,
	accountId: string,
	wanted: number,
	limitPerMinute: number,
	now: number,
): Promise<Grant> {
	const window = minuteStart(now);
	// SET expressions read the row's old values, so last_grant and calls see the same count.
	const used = "(CASE WHEN window_start = ?2 THEN calls ELSE 0 END)";
	const grant = `(CASE WHEN blocked_until > ?3 THEN 0 ELSE MAX(0, MIN(?4, ?5 - ${used})) END)`;
	const [, update] = await db.batch<{ last_grant: number; blocked_until: number }>([
		db
			.prepare("INSERT INTO rate_limits (account_id, window_start) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
			.bind(accountId, window),
		db
			.prepare(
				`UPDATE rate_limits SET last_grant = ${grant}, calls = ${used} + ${grant}, window_start = ?2
				 WHERE account_id = ?1 RETURNING last_grant, blocked_until`,
			)
			.bind(accountId, window, now, wanted, limitPerMinute),
	]);
	const row = update?.results[0];
	const granted = Number(row?.last_grant ?? 0);
	const blockedUntil = Number(row?.blocked_until ?? 0);
	return { granted, retryAt: blockedUntil > now ? blockedUntil : window + MINUTE_MS };
}

/**
 * How long a quota signal holds an account back.
 * @param hint - which quota Tencent said ran out
 * @param now - milliseconds
 * @returns when calls may resume (ms)
 */
export function quotaResumesAt(hint: QuotaHint, now: number): number {
	switch (hint) {
		case "second":
			return now + 1000;
		case "frequent":
			return now + 2000;
		case "minute":
			return minuteStart(now) + MINUTE_MS;
		case "day":
			return nextCstMidnight(now);
	}
}

/**
 * Holds an account back after Tencent said one of its quotas ran out.
 * @param db - the ledger
 * @param accountId - the account
 * @param hint - which quota
 * @param now - milliseconds
 * @returns when calls may resume (ms)
 */
export async function blockAccount(
	db: D1Database,
	accountId: string,
	hint: QuotaHint,
	now: number,
): Promise<number> {
	const until = quotaResumesAt(hint, now);
	await db
		.prepare(
			`INSERT INTO rate_limits (account_id, window_start, blocked_until, block_reason) VALUES (?1, ?2, ?3, ?4)
			 ON CONFLICT (account_id) DO UPDATE SET blocked_until = MAX(blocked_until, ?3), block_reason = ?4`,
		)
		.bind(accountId, minuteStart(now), until, `Tencent ${hint} quota`)
		.run();
	return until;
}

/** One account's limiter state, for /stats. */
export interface RateState {
	account_id: string;
	window_start: number;
	calls: number;
	blocked_until: number;
	block_reason: string | null;
}

/**
 * Every account's limiter row.
 * @param db - the ledger
 * @returns the rows
 */
export async function listRateStates(db: D1Database): Promise<RateState[]> {
	const { results } = await db
		.prepare(
			"SELECT account_id, window_start, calls, blocked_until, block_reason FROM rate_limits ORDER BY account_id",
		)
		.all<RateState>();
	return results;
}
