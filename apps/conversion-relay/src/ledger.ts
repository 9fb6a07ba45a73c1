/**
 * The D1 ledger of clicks, conversions and delivery attempts. Functions take the D1 binding, never
 * `env`. Idempotency comes from the schema's UNIQUE constraints (`INSERT … ON CONFLICT DO
 * NOTHING`, then read back), and every state change of a conversion is a conditional UPDATE, so a
 * redelivered queue message or a concurrent consumer can never move a conversion twice.
 * @module
 */

/** Click app types as Tencent sends them (docs/conversion/form-api.md §4.4: lower case). */
export type ClickAppType = "android" | "ios" | "unionandroid";
/** Conversion app types as Tencent takes them (docs/conversion/form-api.md §5.5). */
export type ConvAppType = "IOS" | "ANDROID" | "UNIONANDROID";
/** How the caller identified the device or user. */
export type DeviceKind = "imei" | "idfa" | "oaid" | "muid" | "android_id" | "caid" | "wechat_openid";
/** A conversion's state. */
export type ConversionStatus =
	| "waiting_click"
	| "unattributed"
	| "pending"
	| "sending"
	| "delivered"
	| "failed";
/** Every status, in display order. */
export const CONVERSION_STATUSES: readonly ConversionStatus[] = [
	"waiting_click",
	"unattributed",
	"pending",
	"sending",
	"delivered",
	"failed",
];
/** The result recorded for one delivery attempt. */
export type AttemptOutcome = "in_flight" | "delivered" | "retry" | "unknown" | "failed" | "abandoned";
/** Every attempt outcome. */
export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = [
	"in_flight",
	"delivered",
	"retry",
	"unknown",
	"failed",
	"abandoned",
];

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
	conv_type: string | null;
	action_type: string | null;
	custom_action: string | null;
	conv_time: number;
	client_ip: string;
	value: number | null;
	muid: string | null;
	device_kind: DeviceKind;
	/** JSON of the Marketing API `user_id` object. */
	user_id: string;
	click_id: string | null;
	click_time: number | null;
	callback_url: string | null;
	upstream: string;
	status: ConversionStatus;
	hold_until: number | null;
	attempts: number;
	/** Attempts already spent when the conversion was last reopened; the budget counts from here. */
	budget_base: number;
	/** Attempts that do not count against the budget (rate limits, another action's fault). */
	uncounted_attempts: number;
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
	call_id: string | null;
	prior_call_id: string | null;
	trace_id: string | null;
	actions_in_call: number | null;
}

/** A click to store. */
export type NewClick = ClickRow;

/** A conversion to store: everything the caller decides; delivery state starts fresh. */
export type NewConversion = Pick<
	ConversionRow,
	| "id"
	| "event_id"
	| "fingerprint"
	| "appid"
	| "advertiser_id"
	| "app_type"
	| "conv_type"
	| "action_type"
	| "custom_action"
	| "conv_time"
	| "client_ip"
	| "value"
	| "muid"
	| "device_kind"
	| "user_id"
	| "click_id"
	| "click_time"
	| "callback_url"
	| "upstream"
	| "status"
	| "hold_until"
>;

/** Result of an idempotent insert: the stored row, and whether this call created it. */
export interface Upserted<T> {
	row: T;
	created: boolean;
}

const ids = (list: readonly string[]) => JSON.stringify(list);

/**
 * Stores a click unless its click_id is already stored.
 * @param db - the ledger
 * @param click - the validated click
 * @returns the stored row (the first one on a repeat) and whether this call created it
 */
export async function insertClick(db: D1Database, click: NewClick): Promise<Upserted<ClickRow>> {
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

/** What a conversion must share with a click to be attributed to it. */
export interface AttributionKey {
	muid: string;
	appid: string;
	advertiserId: string;
	/** The click-side spelling of the conversion's app_type (docs/conversion/form-api.md §4.4 vs §5.5). */
	clickAppType: ClickAppType;
	convTime: number;
	windowSeconds: number;
}

/**
 * Finds the click a conversion is attributed to: the latest click of the device in the same app,
 * account and app type at or before `convTime` and no older than the window (both edges
 * inclusive). Clicks whose muid is a placeholder never match.
 * @param db - the ledger
 * @param key - what must match
 * @returns the click, or `null`
 */
export async function findAttributableClick(db: D1Database, key: AttributionKey): Promise<ClickRow | null> {
	return db
		.prepare(
			`SELECT * FROM clicks
			 WHERE muid = ?1 AND appid = ?2 AND advertiser_id = ?3 AND app_type = ?4
			   AND click_time <= ?5 AND click_time >= ?6 AND non_device = 0
			 ORDER BY click_time DESC, received_at DESC, click_id DESC LIMIT 1`,
		)
		.bind(
			key.muid,
			key.appid,
			key.advertiserId,
			key.clickAppType,
			key.convTime,
			key.convTime - key.windowSeconds,
		)
		.first<ClickRow>();
}

/**
 * Conversions held for a late click that this click can be attributed to: same device, app,
 * account and app type, with the click at or before the conversion and within the window.
 * @param db - the ledger
 * @param click - the click that just arrived
 * @param windowSeconds - the attribution window
 * @returns the waiting conversions
 */
export async function findWaitingForClick(
	db: D1Database,
	click: ClickRow,
	windowSeconds: number,
): Promise<ConversionRow[]> {
	const { results } = await db
		.prepare(
			`SELECT * FROM conversions
			 WHERE status = 'waiting_click' AND muid = ?1 AND appid = ?2 AND advertiser_id = ?3 AND lower(app_type) = ?4
			   AND conv_time >= ?5 AND conv_time <= ?5 + ?6
			 LIMIT 500`,
		)
		.bind(click.muid, click.appid, click.advertiser_id, click.app_type, click.click_time, windowSeconds)
		.all<ConversionRow>();
	return results;
}

/**
 * Attributes waiting conversions to a late click and makes them pending, each only if it is still
 * waiting (a concurrent click may have taken it).
 * @param db - the ledger
 * @param click - the click
 * @param choices - conversion id → the upstream format chosen now that the click is known
 * @param now - milliseconds
 * @returns the ids that moved
 */
export async function attributeWaiting(
	db: D1Database,
	click: ClickRow,
	choices: ReadonlyMap<string, string>,
	now: number,
): Promise<string[]> {
	if (choices.size === 0) return [];
	const stmt = db.prepare(
		`UPDATE conversions SET status = 'pending', click_id = ?2, click_time = ?3, callback_url = ?4, upstream = ?5,
		   hold_until = NULL, next_attempt_at = ?6, updated_at = ?6
		 WHERE id = ?1 AND status = 'waiting_click' RETURNING id`,
	);
	const results = await db.batch<{ id: string }>(
		[...choices].map(([id, upstream]) =>
			stmt.bind(id, click.click_id, click.click_time, click.callback, upstream, now),
		),
	);
	return results.flatMap((r) => r.results.map((row) => row.id));
}

/**
 * Ends the hold of conversions whose late-click window closed: they become `unattributed`.
 * @param db - the ledger
 * @param now - milliseconds
 * @param limit - at most this many per call
 * @returns how many changed
 */
export async function expireWaiting(db: D1Database, now: number, limit: number): Promise<number> {
	const result = await db
		.prepare(
			`UPDATE conversions SET status = 'unattributed', hold_until = NULL, updated_at = ?1
			 WHERE id IN (SELECT id FROM conversions WHERE status = 'waiting_click' AND hold_until <= ?1 LIMIT ?2)`,
		)
		.bind(now, limit)
		.run();
	return result.meta.changes;
}

/**
 * Deletes clicks older than `clickTimeBefore`, a bounded number per call.
 * @param db - the ledger
 * @param clickTimeBefore - seconds; clicks with an earlier click_time go
 * @param limit - at most this many
 * @returns how many were deleted
 */
export async function purgeClicks(db: D1Database, clickTimeBefore: number, limit: number): Promise<number> {
	const result = await db
		.prepare(
			"DELETE FROM clicks WHERE click_id IN (SELECT click_id FROM clicks WHERE click_time < ?1 ORDER BY click_time LIMIT ?2)",
		)
		.bind(clickTimeBefore, limit)
		.run();
	return result.meta.changes;
}

/**
 * Stores a conversion unless its event_id is already stored.
 * @param db - the ledger
 * @param c - the validated, attributed conversion with its initial status
 * @param now - milliseconds
 * @returns the stored row (the existing one on a repeat) and whether this call created it
 */
export async function insertConversion(
	db: D1Database,
	c: NewConversion,
	now: number,
): Promise<Upserted<ConversionRow>> {
	const [insert, read] = await db.batch<ConversionRow>([
		db
			.prepare(
				`INSERT INTO conversions (id, event_id, fingerprint, appid, advertiser_id, app_type, conv_type, action_type,
				   custom_action, conv_time, client_ip, value, muid, device_kind, user_id, click_id, click_time, callback_url,
				   upstream, status, hold_until, attempts, next_attempt_at, created_at, updated_at)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, 0,
				   ?22, ?22, ?22)
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
				c.action_type,
				c.custom_action,
				c.conv_time,
				c.client_ip,
				c.value,
				c.muid,
				c.device_kind,
				c.user_id,
				c.click_id,
				c.click_time,
				c.callback_url,
				c.upstream,
				c.status,
				c.hold_until,
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
 * @param db - the ledger
 * @param id - conversion id
 * @returns the row or `null`
 */
export async function getConversion(db: D1Database, id: string): Promise<ConversionRow | null> {
	return db.prepare("SELECT * FROM conversions WHERE id = ?1").bind(id).first<ConversionRow>();
}

/**
 * Reads several conversions at once.
 * @param db - the ledger
 * @param list - conversion ids
 * @returns the rows found, by id
 */
export async function readConversions(
	db: D1Database,
	list: readonly string[],
): Promise<Map<string, ConversionRow>> {
	if (list.length === 0) return new Map();
	const { results } = await db
		.prepare("SELECT * FROM conversions WHERE id IN (SELECT value FROM json_each(?1))")
		.bind(ids(list))
		.all<ConversionRow>();
	return new Map(results.map((r) => [r.id, r]));
}

/**
 * Lists conversions, newest first.
 * @param db - the ledger
 * @param status - only this status, or all
 * @param limit - at most this many
 * @returns the rows
 */
export async function listConversions(
	db: D1Database,
	status: ConversionStatus | undefined,
	limit: number,
): Promise<ConversionRow[]> {
	const stmt =
		status === undefined
			? db.prepare("SELECT * FROM conversions ORDER BY created_at DESC, id LIMIT ?1").bind(limit)
			: db
					.prepare("SELECT * FROM conversions WHERE status = ?1 ORDER BY updated_at DESC, id LIMIT ?2")
					.bind(status, limit);
	return (await stmt.all<ConversionRow>()).results;
}

/**
 * Reads a conversion's attempts in order.
 * @param db - the ledger
 * @param id - conversion id
 * @returns the attempts, first first
 */
export async function listAttempts(db: D1Database, id: string): Promise<AttemptRow[]> {
	const { results } = await db
		.prepare("SELECT * FROM delivery_attempts WHERE conversion_id = ?1 ORDER BY attempt")
		.bind(id)
		.all<AttemptRow>();
	return results;
}

/**
 * Notes that conversion ids reached the queue.
 * @param db - the ledger
 * @param list - conversion ids
 * @param now - milliseconds
 */
export async function markEnqueued(db: D1Database, list: readonly string[], now: number): Promise<void> {
	if (list.length === 0) return;
	await db
		.prepare("UPDATE conversions SET enqueued_at = ?2 WHERE id IN (SELECT value FROM json_each(?1))")
		.bind(ids(list), now)
		.run();
}

/** Why conversions that were not sent wait, and until when. */
export interface Deferral {
	nextAttemptAt: number;
	/** e.g. `CONFIG_SIGN_KEY_MISSING`, `RATE_LIMITED`. */
	code: string;
	reason: string;
}

/**
 * Notes on pending conversions that they wait, and why (nothing was sent, no attempt counts).
 * @param db - the ledger
 * @param list - conversion ids
 * @param deferral - until when and why
 * @param now - milliseconds
 */
export async function deferConversions(
	db: D1Database,
	list: readonly string[],
	deferral: Deferral,
	now: number,
): Promise<void> {
	if (list.length === 0) return;
	await db
		.prepare(
			`UPDATE conversions SET next_attempt_at = ?2, fail_code = ?3, fail_reason = ?4, updated_at = ?5
			 WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'pending'`,
		)
		.bind(ids(list), deferral.nextAttemptAt, deferral.code, deferral.reason.slice(0, 500), now)
		.run();
}

/** What a claim produced. */
export interface Claimed {
	/** The claimed rows (status `sending`, `attempts` already counting this attempt). */
	rows: ConversionRow[];
	/** Ids whose previous attempt was cut short by a lost lease (its outcome is unknown). */
	abandoned: Set<string>;
}

/**
 * Claims conversions for one delivery attempt each: `pending` (or `sending` whose lease expired)
 * becomes `sending` under `token`, the attempt counter goes up, and an `in_flight` attempt row is
 * written before any request leaves, so a crash mid-request still leaves a trace. Attempts left
 * `in_flight` by an expired lease are marked `abandoned`. One transaction for the whole set.
 * @param db - the ledger
 * @param list - conversion ids
 * @param token - a fresh lease token, shared by this set
 * @param now - milliseconds
 * @param leaseMs - how long the lease lasts
 * @returns the claimed rows; conversions terminal, leased elsewhere or unknown are left out
 */
export async function claimConversions(
	db: D1Database,
	list: readonly string[],
	token: string,
	now: number,
	leaseMs: number,
): Promise<Claimed> {
	if (list.length === 0) return { rows: [], abandoned: new Set() };
	const [abandon, claim] = await db.batch<Record<string, unknown>>([
		db
			.prepare(
				`UPDATE delivery_attempts SET outcome = 'abandoned', detail = 'lease expired before the attempt finished'
				 WHERE outcome = 'in_flight' AND conversion_id IN (
				   SELECT id FROM conversions
				   WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'sending' AND lease_until < ?2)
				 RETURNING conversion_id`,
			)
			.bind(ids(list), now),
		db
			.prepare(
				`UPDATE conversions
				 SET status = 'sending', attempts = attempts + 1, lease_token = ?2, lease_until = ?3 + ?4, updated_at = ?3
				 WHERE id IN (SELECT value FROM json_each(?1))
				   AND (status = 'pending' OR (status = 'sending' AND lease_until < ?3))
				 RETURNING *`,
			)
			.bind(ids(list), token, now, leaseMs),
		db
			.prepare(
				`INSERT INTO delivery_attempts (conversion_id, attempt, upstream, started_at, outcome)
				 SELECT id, attempts, upstream, ?2, 'in_flight' FROM conversions
				 WHERE id IN (SELECT value FROM json_each(?3)) AND lease_token = ?1`,
			)
			.bind(token, now, ids(list)),
	]);
	return {
		rows: (claim?.results ?? []) as unknown as ConversionRow[],
		abandoned: new Set((abandon?.results ?? []).map((r) => String(r.conversion_id))),
	};
}

/** What one attempt produced, as recorded. */
export interface AttemptResult {
	outcome: "delivered" | "retry" | "unknown" | "failed";
	durationMs: number;
	httpStatus: number | null;
	tencentRet: number | null;
	tencentMsg: string | null;
	code: string | null;
	detail: string | null;
	callId: string | null;
	priorCallId: string | null;
	traceId: string | null;
	actionsInCall: number | null;
}

/** How a finished attempt changes the conversion. */
export type Transition =
	| { to: "delivered" }
	/**
	 * Back to pending; `uncounted` attempts do not use up the attempt budget; `waitCode` notes a
	 * configuration problem the conversion waits on (shown as `fail_code` while pending).
	 */
	| { to: "pending"; nextAttemptAt: number; uncounted: boolean; waitCode?: string }
	| { to: "failed"; failCode: string; failReason: string };

/** Conversions that share one attempt result and one transition. */
export interface FinishGroup {
	ids: readonly string[];
	result: AttemptResult;
	transition: Transition;
}

/**
 * Records each group's attempt result and moves its conversions out of `sending`, each only while
 * `token` still holds its lease. One D1 batch for every group, so a step with many calls (one per
 * click in callback mode, one per conversion on the form API) still writes once.
 * @param db - the ledger
 * @param token - the lease token of the claim
 * @param groups - conversions with the same result and transition
 * @param now - milliseconds
 * @returns per group, the ids that moved (the others lost their lease meanwhile)
 */
export async function finishAttempts(
	db: D1Database,
	token: string,
	groups: readonly FinishGroup[],
	now: number,
): Promise<string[][]> {
	const live = groups.filter((g) => g.ids.length > 0);
	if (live.length === 0) return groups.map(() => []);
	const results = await db.batch<{ id: string }>(live.flatMap((g) => finishStatements(db, g, token, now)));
	const moved = new Map<FinishGroup, string[]>();
	live.forEach((g, i) => {
		moved.set(
			g,
			(results[2 * i + 1]?.results ?? []).map((r) => r.id),
		);
	});
	return groups.map((g) => moved.get(g) ?? []);
}

function finishStatements(
	db: D1Database,
	group: FinishGroup,
	token: string,
	now: number,
): D1PreparedStatement[] {
	const { result, transition } = group;
	const set = ids(group.ids);
	// Recorded first, while the lease token still identifies this attempt's rows.
	const record = db
		.prepare(
			`UPDATE delivery_attempts
			 SET outcome = ?3, duration_ms = ?4, http_status = ?5, tencent_ret = ?6, tencent_msg = ?7, code = ?8, detail = ?9,
			   call_id = ?10, prior_call_id = ?11, trace_id = ?12, actions_in_call = ?13
			 WHERE (conversion_id, attempt) IN (
			   SELECT id, attempts FROM conversions WHERE id IN (SELECT value FROM json_each(?1)) AND lease_token = ?2)`,
		)
		.bind(
			set,
			token,
			result.outcome,
			result.durationMs,
			result.httpStatus,
			result.tencentRet,
			result.tencentMsg,
			result.code,
			result.detail,
			result.callId,
			result.priorCallId,
			result.traceId,
			result.actionsInCall,
		);
	const where = "WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'sending' AND lease_token = ?2";
	let move: D1PreparedStatement;
	switch (transition.to) {
		case "delivered":
			move = db
				.prepare(
					`UPDATE conversions SET status = 'delivered', lease_token = NULL, lease_until = NULL, delivered_at = ?3,
					   updated_at = ?3, tencent_ret = ?4, next_attempt_at = NULL, fail_code = NULL, fail_reason = NULL
					 ${where} RETURNING id`,
				)
				.bind(set, token, now, result.tencentRet);
			break;
		case "pending":
			move = db
				.prepare(
					`UPDATE conversions SET status = 'pending', lease_token = NULL, lease_until = NULL, updated_at = ?3,
					   next_attempt_at = ?4, tencent_ret = ?5, fail_code = ?8, fail_reason = ?6,
					   uncounted_attempts = uncounted_attempts + ?7
					 ${where} RETURNING id`,
				)
				.bind(
					set,
					token,
					now,
					transition.nextAttemptAt,
					result.tencentRet,
					result.detail,
					transition.uncounted ? 1 : 0,
					transition.waitCode ?? null,
				);
			break;
		case "failed":
			move = db
				.prepare(
					`UPDATE conversions SET status = 'failed', lease_token = NULL, lease_until = NULL, updated_at = ?3,
					   next_attempt_at = NULL, tencent_ret = ?4, fail_code = ?5, fail_reason = ?6
					 ${where} RETURNING id`,
				)
				.bind(set, token, now, result.tencentRet, transition.failCode, transition.failReason.slice(0, 500));
			break;
	}
	return [record, move];
}

/**
 * Marks a conversion failed when it is not in flight: `pending`, or `sending` with an expired
 * lease. Used for messages that reached the dead-letter queue.
 * @param db - the ledger
 * @param id - conversion id
 * @param code - failure code
 * @param reason - human-readable reason
 * @param now - milliseconds
 * @returns whether the conversion changed
 */
export async function failIfIdle(
	db: D1Database,
	id: string,
	code: string,
	reason: string,
	now: number,
): Promise<boolean> {
	const result = await db
		.prepare(
			`UPDATE conversions SET status = 'failed', lease_token = NULL, lease_until = NULL, updated_at = ?2,
			   next_attempt_at = NULL, fail_code = ?3, fail_reason = ?4
			 WHERE id = ?1 AND (status = 'pending' OR (status = 'sending' AND lease_until < ?2))`,
		)
		.bind(id, now, code, reason)
		.run();
	return result.meta.changes === 1;
}

/**
 * Puts a failed conversion back to `pending` for another round of attempts (after, say, Tencent
 * fixed a conversion rule). Its attempt history and numbering are kept; the attempt budget
 * starts over.
 * @param db - the ledger
 * @param id - conversion id
 * @param now - milliseconds
 * @returns the row when it was failed and is now pending, else `null`
 */
export async function reopenFailed(db: D1Database, id: string, now: number): Promise<ConversionRow | null> {
	return db
		.prepare(
			`UPDATE conversions SET status = 'pending', budget_base = attempts, uncounted_attempts = 0, fail_code = NULL,
			   fail_reason = NULL, next_attempt_at = ?2, updated_at = ?2
			 WHERE id = ?1 AND status = 'failed' RETURNING *`,
		)
		.bind(id, now)
		.first<ConversionRow>();
}

/**
 * Conversions that should be in the queue but may not be: `pending` and overdue by more than the
 * grace, or `sending` with an expired lease.
 * @param db - the ledger
 * @param now - milliseconds
 * @param graceMs - how overdue a pending conversion must be
 * @param limit - at most this many
 * @returns their ids
 */
export async function listStalled(
	db: D1Database,
	now: number,
	graceMs: number,
	limit: number,
): Promise<string[]> {
	const { results } = await db
		.prepare(
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
	by_upstream: Record<string, number>;
	attempts: Record<AttemptOutcome, number> & { total: number };
	upstream_calls: number;
	failures: Record<string, number>;
	/** Pending conversions held back, by reason (configuration errors, rate limits). */
	waiting: Record<string, number>;
}

/**
 * Counts clicks, conversions by status and format, attempts by outcome, upstream calls, failures
 * by code and pending conversions by the reason they wait.
 * @param db - the ledger
 * @returns the counts
 */
export async function readStats(db: D1Database): Promise<LedgerStats> {
	const [clicks, byStatus, attributed, byUpstream, byOutcome, calls, failures, waiting] = await db.batch<
		Record<string, unknown>
	>([
		db.prepare("SELECT COUNT(*) AS n FROM clicks"),
		db.prepare("SELECT status AS k, COUNT(*) AS n FROM conversions GROUP BY status"),
		db.prepare("SELECT COUNT(*) AS n FROM conversions WHERE click_id IS NOT NULL"),
		db.prepare("SELECT upstream AS k, COUNT(*) AS n FROM conversions GROUP BY upstream"),
		db.prepare("SELECT outcome AS k, COUNT(*) AS n FROM delivery_attempts GROUP BY outcome"),
		db.prepare("SELECT COUNT(DISTINCT call_id) AS n FROM delivery_attempts WHERE call_id IS NOT NULL"),
		db.prepare(
			"SELECT fail_code AS k, COUNT(*) AS n FROM conversions WHERE status = 'failed' GROUP BY fail_code",
		),
		db.prepare(
			"SELECT fail_code AS k, COUNT(*) AS n FROM conversions WHERE status = 'pending' AND fail_code IS NOT NULL GROUP BY fail_code",
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
	const byKey = (r: D1Result<Record<string, unknown>> | undefined) => {
		const out: Record<string, number> = {};
		for (const row of r?.results ?? []) out[String(row.k ?? "UNKNOWN")] = Number(row.n);
		return out;
	};
	return {
		clicks: count(clicks),
		conversions: { ...tally(byStatus, CONVERSION_STATUSES), attributed: count(attributed) },
		by_upstream: byKey(byUpstream),
		attempts: tally(byOutcome, ATTEMPT_OUTCOMES),
		upstream_calls: count(calls),
		failures: byKey(failures),
		waiting: byKey(waiting),
	};
}
