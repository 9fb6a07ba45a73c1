/**
 * The D1 ledger: the ONLY module that touches `env.LEDGER`. Idempotency comes from the schema's
 * UNIQUE constraints (`INSERT … ON CONFLICT DO NOTHING`, then read back), and every state change
 * of a conversion is a conditional UPDATE, so a redelivered queue message or a concurrent
 * consumer can never move a conversion twice.
 * @module
 */

/** Click app types as Tencent sends them (docs/conversion/form-api.md §4.4: lower case). */
export type ClickAppType = "android" | "ios" | "unionandroid";
/** Conversion app types as Tencent takes them (conversion form API §5.5). */
export type ConvAppType = "IOS" | "ANDROID" | "UNIONANDROID";
/** How the caller identified the device. */
export type DeviceKind = "imei" | "idfa" | "oaid" | "muid";
/** A conversion's delivery state. */
export type ConversionStatus = "pending" | "sending" | "delivered" | "failed";
/** The result recorded for one delivery attempt. */
export type AttemptOutcome = "in_flight" | "delivered" | "retry" | "failed" | "abandoned";

/** A stored click. */
export interface ClickRow {
	click_id: string;
	muid: string;
	click_time: number;
	appid: string;
	advertiser_id: string;
	app_type: ClickAppType;
	non_device: number;
	callback: string | null;
	caller_ip: string | null;
	received_at: number;
}

/** A stored conversion. */
export interface ConversionRow {
	id: string;
	event_id: string;
	fingerprint: string;
	appid: string;
	advertiser_id: string;
	app_type: ConvAppType;
	conv_type: string;
	conv_time: number;
	client_ip: string;
	value: number | null;
	muid: string;
	device_kind: DeviceKind;
	click_id: string | null;
	click_time: number | null;
	upstream: string;
	status: ConversionStatus;
	attempts: number;
	/** Attempts already spent when the conversion was last reopened; the budget counts from here. */
	budget_base: number;
	lease_token: string | null;
	lease_until: number | null;
	next_attempt_at: number | null;
	enqueued_at: number | null;
	fail_code: string | null;
	fail_reason: string | null;
	tencent_ret: number | null;
	created_at: number;
	updated_at: number;
	delivered_at: number | null;
}

/** A stored delivery attempt. */
export interface AttemptRow {
	conversion_id: string;
	attempt: number;
	upstream: string;
	started_at: number;
	duration_ms: number | null;
	outcome: AttemptOutcome;
	http_status: number | null;
	tencent_ret: number | null;
	tencent_msg: string | null;
	code: string | null;
	detail: string | null;
}

/** A click to store. */
export type NewClick = ClickRow;

/** A conversion to store: everything the caller decides; state columns start fresh. */
export type NewConversion = Pick<
	ConversionRow,
	| "id"
	| "event_id"
	| "fingerprint"
	| "appid"
	| "advertiser_id"
	| "app_type"
	| "conv_type"
	| "conv_time"
	| "client_ip"
	| "value"
	| "muid"
	| "device_kind"
	| "click_id"
	| "click_time"
	| "upstream"
>;

/** Result of an idempotent insert: the stored row, and whether this call created it. */
export interface Upserted<T> {
	row: T;
	created: boolean;
}

/**
 * Stores a click unless its click_id is already stored.
 * @param env - the Worker's bindings
 * @param click - the validated click
 * @returns the stored row (the first one on a repeat) and whether this call created it
 */
export async function insertClick(env: Env, click: NewClick): Promise<Upserted<ClickRow>> {
	const db = env.LEDGER;
	const [insert, read] = await db.batch<ClickRow>([
		db
			.prepare(
				`INSERT INTO clicks (click_id, muid, click_time, appid, advertiser_id, app_type, non_device, callback, caller_ip, received_at)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (click_id) DO NOTHING`,
			)
			.bind(
				click.click_id,
				click.muid,
				click.click_time,
				click.appid,
				click.advertiser_id,
				click.app_type,
				click.non_device,
				click.callback,
				click.caller_ip,
				click.received_at,
			),
		db.prepare("SELECT * FROM clicks WHERE click_id = ?1").bind(click.click_id),
	]);
	const row = read?.results[0];
	if (insert === undefined || row === undefined) throw new Error("click insert returned no row");
	return { row, created: insert.meta.changes === 1 };
}

/**
 * Reads one click.
 * @param env - the Worker's bindings
 * @param clickId - Tencent's click id
 * @returns the row or `null`
 */
export async function getClick(env: Env, clickId: string): Promise<ClickRow | null> {
	return env.LEDGER.prepare("SELECT * FROM clicks WHERE click_id = ?1").bind(clickId).first<ClickRow>();
}

/**
 * Finds the click a conversion is attributed to: the latest click of the device in the app at or
 * before `convTime` and no older than the window (both edges inclusive). Clicks whose muid is a
 * placeholder never match.
 * @param env - the Worker's bindings
 * @param muid - the device hash
 * @param appid - the app
 * @param convTime - conversion time in seconds
 * @param windowSeconds - how far back to look
 * @returns the click, or `null`
 */
export async function findAttributableClick(
	env: Env,
	muid: string,
	appid: string,
	convTime: number,
	windowSeconds: number,
): Promise<ClickRow | null> {
	return env.LEDGER.prepare(
		`SELECT * FROM clicks
		 WHERE muid = ?1 AND appid = ?2 AND click_time <= ?3 AND click_time >= ?4 AND non_device = 0
		 ORDER BY click_time DESC, received_at DESC, click_id DESC LIMIT 1`,
	)
		.bind(muid, appid, convTime, convTime - windowSeconds)
		.first<ClickRow>();
}

/**
 * Stores a conversion as `pending` unless its event_id is already stored.
 * @param env - the Worker's bindings
 * @param conversion - the validated, attributed conversion
 * @param now - milliseconds
 * @returns the stored row (the existing one on a repeat) and whether this call created it
 */
export async function insertConversion(
	env: Env,
	conversion: NewConversion,
	now: number,
): Promise<Upserted<ConversionRow>> {
	const db = env.LEDGER;
	const c = conversion;
	const [insert, read] = await db.batch<ConversionRow>([
		db
			.prepare(
				`INSERT INTO conversions (id, event_id, fingerprint, appid, advertiser_id, app_type, conv_type, conv_time,
				   client_ip, value, muid, device_kind, click_id, click_time, upstream, status, attempts, next_attempt_at,
				   created_at, updated_at)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 'pending', 0, ?16, ?16, ?16)
				 ON CONFLICT (event_id) DO NOTHING`,
			)
			.bind(
				c.id,
				c.event_id,
				c.fingerprint,
				c.appid,
				c.advertiser_id,
				c.app_type,
				c.conv_type,
				c.conv_time,
				c.client_ip,
				c.value,
				c.muid,
				c.device_kind,
				c.click_id,
				c.click_time,
				c.upstream,
				now,
			),
		db.prepare("SELECT * FROM conversions WHERE event_id = ?1").bind(c.event_id),
	]);
	const row = read?.results[0];
	if (insert === undefined || row === undefined) throw new Error("conversion insert returned no row");
	return { row, created: insert.meta.changes === 1 };
}

/**
 * Reads one conversion.
 * @param env - the Worker's bindings
 * @param id - conversion id
 * @returns the row or `null`
 */
export async function getConversion(env: Env, id: string): Promise<ConversionRow | null> {
	return env.LEDGER.prepare("SELECT * FROM conversions WHERE id = ?1").bind(id).first<ConversionRow>();
}

/**
 * Lists conversions, newest first.
 * @param env - the Worker's bindings
 * @param status - only this status, or all
 * @param limit - at most this many
 * @returns the rows
 */
export async function listConversions(
	env: Env,
	status: ConversionStatus | undefined,
	limit: number,
): Promise<ConversionRow[]> {
	const stmt =
		status === undefined
			? env.LEDGER.prepare("SELECT * FROM conversions ORDER BY created_at DESC, id LIMIT ?1").bind(limit)
			: env.LEDGER.prepare(
					"SELECT * FROM conversions WHERE status = ?1 ORDER BY updated_at DESC, id LIMIT ?2",
				).bind(status, limit);
	return (await stmt.all<ConversionRow>()).results;
}

/**
 * Reads a conversion's attempts in order.
 * @param env - the Worker's bindings
 * @param id - conversion id
 * @returns the attempts, first first
 */
export async function listAttempts(env: Env, id: string): Promise<AttemptRow[]> {
	const { results } = await env.LEDGER.prepare(
		"SELECT * FROM delivery_attempts WHERE conversion_id = ?1 ORDER BY attempt",
	)
		.bind(id)
		.all<AttemptRow>();
	return results;
}

/**
 * Notes that a conversion's id reached the queue.
 * @param env - the Worker's bindings
 * @param ids - conversion ids
 * @param now - milliseconds
 */
export async function markEnqueued(env: Env, ids: readonly string[], now: number): Promise<void> {
	if (ids.length === 0) return;
	const stmt = env.LEDGER.prepare("UPDATE conversions SET enqueued_at = ?2 WHERE id = ?1");
	await env.LEDGER.batch(ids.map((id) => stmt.bind(id, now)));
}

/**
 * Claims a conversion for one delivery attempt: `pending` (or `sending` whose lease expired)
 * becomes `sending` under `token`, the attempt counter goes up, and an `in_flight` attempt row is
 * written before any request leaves, so a crash mid-request still leaves a trace. Attempts left
 * `in_flight` by an expired lease are marked `abandoned`.
 * @param env - the Worker's bindings
 * @param id - conversion id
 * @param token - a fresh lease token
 * @param now - milliseconds
 * @param leaseMs - how long the lease lasts
 * @returns the claimed row, or `null` when the conversion is terminal, leased by someone else or unknown
 */
export async function claimConversion(
	env: Env,
	id: string,
	token: string,
	now: number,
	leaseMs: number,
): Promise<ConversionRow | null> {
	const db = env.LEDGER;
	const [, claim] = await db.batch<ConversionRow>([
		db
			.prepare(
				`UPDATE delivery_attempts SET outcome = 'abandoned', detail = 'lease expired before the attempt finished'
				 WHERE conversion_id = ?1 AND outcome = 'in_flight'
				   AND EXISTS (SELECT 1 FROM conversions WHERE id = ?1 AND status = 'sending' AND lease_until < ?2)`,
			)
			.bind(id, now),
		db
			.prepare(
				`UPDATE conversions
				 SET status = 'sending', attempts = attempts + 1, lease_token = ?2, lease_until = ?3 + ?4, updated_at = ?3
				 WHERE id = ?1 AND (status = 'pending' OR (status = 'sending' AND lease_until < ?3))
				 RETURNING *`,
			)
			.bind(id, token, now, leaseMs),
		db
			.prepare(
				`INSERT INTO delivery_attempts (conversion_id, attempt, upstream, started_at, outcome)
				 SELECT id, attempts, upstream, ?3, 'in_flight' FROM conversions WHERE id = ?1 AND lease_token = ?2`,
			)
			.bind(id, token, now),
	]);
	return claim?.results[0] ?? null;
}

/** What one attempt produced, as recorded. */
export interface AttemptResult {
	outcome: "delivered" | "retry" | "failed";
	durationMs: number;
	httpStatus: number | null;
	tencentRet: number | null;
	tencentMsg: string | null;
	code: string | null;
	detail: string | null;
}

/** How a finished attempt changes the conversion. */
export type Transition =
	| { to: "delivered" }
	| { to: "pending"; nextAttemptAt: number }
	| { to: "failed"; failCode: string; failReason: string };

/**
 * Records an attempt's result and moves the conversion out of `sending`, but only while
 * `token` still holds the lease.
 * @param env - the Worker's bindings
 * @param row - the claimed conversion (its `attempts` names the attempt)
 * @param token - the lease token the claim used
 * @param result - what the attempt produced
 * @param transition - the new state
 * @param now - milliseconds
 * @returns whether the conversion moved (false: the lease was lost meanwhile)
 */
export async function finishAttempt(
	env: Env,
	row: ConversionRow,
	token: string,
	result: AttemptResult,
	transition: Transition,
	now: number,
): Promise<boolean> {
	const db = env.LEDGER;
	const recordAttempt = db
		.prepare(
			`UPDATE delivery_attempts
			 SET outcome = ?3, duration_ms = ?4, http_status = ?5, tencent_ret = ?6, tencent_msg = ?7, code = ?8, detail = ?9
			 WHERE conversion_id = ?1 AND attempt = ?2`,
		)
		.bind(
			row.id,
			row.attempts,
			result.outcome,
			result.durationMs,
			result.httpStatus,
			result.tencentRet,
			result.tencentMsg,
			result.code,
			result.detail,
		);
	let move: D1PreparedStatement;
	switch (transition.to) {
		case "delivered":
			move = db
				.prepare(
					`UPDATE conversions SET status = 'delivered', lease_token = NULL, lease_until = NULL, delivered_at = ?3,
					   updated_at = ?3, tencent_ret = ?4, next_attempt_at = NULL, fail_code = NULL, fail_reason = NULL
					 WHERE id = ?1 AND status = 'sending' AND lease_token = ?2`,
				)
				.bind(row.id, token, now, result.tencentRet);
			break;
		case "pending":
			move = db
				.prepare(
					`UPDATE conversions SET status = 'pending', lease_token = NULL, lease_until = NULL, updated_at = ?3,
					   next_attempt_at = ?4, tencent_ret = ?5, fail_reason = ?6
					 WHERE id = ?1 AND status = 'sending' AND lease_token = ?2`,
				)
				.bind(row.id, token, now, transition.nextAttemptAt, result.tencentRet, result.detail);
			break;
		case "failed":
			move = db
				.prepare(
					`UPDATE conversions SET status = 'failed', lease_token = NULL, lease_until = NULL, updated_at = ?3,
					   next_attempt_at = NULL, tencent_ret = ?4, fail_code = ?5, fail_reason = ?6
					 WHERE id = ?1 AND status = 'sending' AND lease_token = ?2`,
				)
				.bind(row.id, token, now, result.tencentRet, transition.failCode, transition.failReason);
			break;
	}
	const [moved] = await db.batch([move, recordAttempt]);
	return moved?.meta.changes === 1;
}

/**
 * Marks a conversion failed when it is not in flight: `pending`, or `sending` with an expired
 * lease. Used for messages that reached the dead-letter queue.
 * @param env - the Worker's bindings
 * @param id - conversion id
 * @param code - failure code
 * @param reason - human-readable reason
 * @param now - milliseconds
 * @returns whether the conversion changed
 */
export async function failIfIdle(
	env: Env,
	id: string,
	code: string,
	reason: string,
	now: number,
): Promise<boolean> {
	const result = await env.LEDGER.prepare(
		`UPDATE conversions SET status = 'failed', lease_token = NULL, lease_until = NULL, updated_at = ?2,
		   next_attempt_at = NULL, fail_code = ?3, fail_reason = ?4
		 WHERE id = ?1 AND (status = 'pending' OR (status = 'sending' AND lease_until < ?2))`,
	)
		.bind(id, now, code, reason)
		.run();
	return result.meta.changes === 1;
}

/**
 * Puts a failed conversion back to `pending` for another round of attempts (after, say, a
 * missing sign_key was added). Its attempt history and numbering are kept; the attempt budget
 * starts over from `budget_base`.
 * @param env - the Worker's bindings
 * @param id - conversion id
 * @param now - milliseconds
 * @returns the row when it was failed and is now pending, else `null`
 */
export async function reopenFailed(env: Env, id: string, now: number): Promise<ConversionRow | null> {
	return env.LEDGER.prepare(
		`UPDATE conversions SET status = 'pending', budget_base = attempts, fail_code = NULL, fail_reason = NULL,
		   next_attempt_at = ?2, updated_at = ?2
		 WHERE id = ?1 AND status = 'failed' RETURNING *`,
	)
		.bind(id, now)
		.first<ConversionRow>();
}

/**
 * Conversions that should be in the queue but may not be: `pending` with no enqueue or a retry
 * long overdue, or `sending` with an expired lease.
 * @param env - the Worker's bindings
 * @param now - milliseconds
 * @param graceMs - how overdue a pending conversion must be
 * @param limit - at most this many
 * @returns their ids
 */
export async function listStalled(env: Env, now: number, graceMs: number, limit: number): Promise<string[]> {
	const { results } = await env.LEDGER.prepare(
		`SELECT id FROM conversions
		 WHERE (status = 'pending' AND COALESCE(next_attempt_at, created_at) < ?1 - ?2)
		    OR (status = 'sending' AND lease_until < ?1)
		 ORDER BY updated_at LIMIT ?3`,
	)
		.bind(now, graceMs, limit)
		.all<{ id: string }>();
	return results.map((r) => r.id);
}

/** Counts for GET /stats. */
export interface LedgerStats {
	clicks: number;
	conversions: Record<ConversionStatus, number> & { total: number; attributed: number };
	attempts: Record<AttemptOutcome, number> & { total: number };
	failures: Record<string, number>;
}

/**
 * Counts clicks, conversions by status, attempts by outcome and failures by code.
 * @param env - the Worker's bindings
 * @returns the counts
 */
export async function readStats(env: Env): Promise<LedgerStats> {
	const db = env.LEDGER;
	const [clicks, byStatus, attributed, byOutcome, failures] = await db.batch<Record<string, unknown>>([
		db.prepare("SELECT COUNT(*) AS n FROM clicks"),
		db.prepare("SELECT status AS k, COUNT(*) AS n FROM conversions GROUP BY status"),
		db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE click_id IS NOT NULL"),
		db.prepare("SELECT outcome AS k, COUNT(*) AS n FROM delivery_attempts GROUP BY outcome"),
		db.prepare(
			"SELECT fail_code AS k, COUNT(*) AS n FROM conversions WHERE status = 'failed' GROUP BY fail_code",
		),
	]);
	const count = (r: D1Result<Record<string, unknown>> | undefined) => Number(r?.results[0]?.n ?? 0);
	const tally = <K extends string>(r: D1Result<Record<string, unknown>> | undefined, keys: readonly K[]) => {
		const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number> & { total: number };
		out.total = 0;
		for (const row of r?.results ?? []) {
			const n = Number(row.n);
			(out as Record<string, number>)[String(row.k)] = n;
			out.total += n;
		}
		return out;
	};
	const failureCounts: Record<string, number> = {};
	for (const row of failures?.results ?? []) failureCounts[String(row.k ?? "UNKNOWN")] = Number(row.n);
	return {
		clicks: count(clicks),
		conversions: {
			...tally(byStatus, ["pending", "sending", "delivered", "failed"] as const),
			attributed: count(attributed),
		},
		attempts: tally(byOutcome, ["in_flight", "delivered", "retry", "failed", "abandoned"] as const),
		failures: failureCounts,
	};
}
