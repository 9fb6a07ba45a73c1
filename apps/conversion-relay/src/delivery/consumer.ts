/**
 * The queue consumer: delivers a batch of conversions, sharing upstream calls where the format
 * allows, and records one attempt per conversion.
 *
 * One step over a batch: read the conversions; route each (format, endpoint, account); serialize
 * and split into calls (≤ 50 actions, ≤ 50 KB); get each account's token; take calls from each
 * account's per-minute limit; claim the conversions (pending → sending under a lease, one
 * `in_flight` attempt each); send the calls concurrently, each exchange bounded as a whole; read
 * every answer per conversion; record and move each conversion while the lease is still ours.
 *
 * Exactly-once rests on the ledger, not the queue (which delivers at least once). What waits —
 * a retry, a rate limit, a configuration error — goes back as a new delayed message and the old
 * one is acked, so waiting never uses up the queue's max_retries; only a consumer that keeps
 * crashing reaches the dead-letter queue.
 * @module
 */

import { describeError, log, redact } from "@txad/worker-kit";
import {
	type AttemptResult,
	type ConversionRow,
	claimConversions,
	deferConversions,
	failIfIdle,
	finishAttempts,
	getConversion,
	markEnqueued,
	readConversions,
	type Transition,
} from "../ledger.ts";
import { enqueueConversions, isConversionMessage } from "../queue.ts";
import { blockAccount, quotaResumesAt, takeCalls } from "../rate-limit.ts";
import { accountSettings, type Settings, trySettings } from "../settings.ts";
import { type AccessToken, CONFIG_RETRY_MS, getAccessToken } from "../tokens/access.ts";
import { retryDelaySeconds } from "./backoff.ts";
import { exchange } from "./exchange.ts";
import { upstreamFormat } from "./formats.ts";
import { planCalls, utf8Bytes } from "./plan.ts";
import type { CallAuth, CallOutcome, ItemOutcome, QuotaHint, Route, UpstreamFormat } from "./types.ts";

/** A lease outlives the longest step (send, refresh the token, send again) by this much. */
export const LEASE_MARGIN_MS = 15_000;
/** A pending conversion whose retry is due within this is sent now. */
const DUE_TOLERANCE_MS = 5000;

/** What to do with a conversion's message after one step. */
export type Step =
	| { action: "ack"; reason: string }
	| { action: "later"; delaySeconds: number; reason: string };

/**
 * How long a lease lasts: three exchanges (send, token refresh, send again) plus a margin.
 * @param settings - the parsed settings
 * @returns milliseconds
 */
export function leaseMsFor(settings: Settings): number {
	return 3 * settings.timeoutMs + LEASE_MARGIN_MS;
}

/** Conversions of one route, split into calls. */
interface RouteGroup {
	format: UpstreamFormat;
	route: Route;
	rows: ConversionRow[];
	items: string[];
}

/** One planned call. */
interface PlannedCall {
	format: UpstreamFormat;
	route: Route;
	rows: ConversionRow[];
	items: string[];
}

/** Per-conversion outcome of a step, before it is written. */
interface Finished {
	row: ConversionRow;
	outcome: ItemOutcome;
	call: {
		outcome: CallOutcome | null;
		callId: string | null;
		priorCallId: string | null;
		durationMs: number;
		size: number;
		/** The token was refused twice (or cannot be refreshed): hold the conversion back as a configuration error. */
		tokenWait: { code: string; detail: string } | null;
	};
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

function newNonce(): string {
	// docs/conversion/marketing-api-v3.md "Auth values": ≤ 32 characters, unique per request.
	return crypto.randomUUID().replaceAll("-", "");
}

/** Conversions that are not sent now, why, and until when. */
interface HoldBack {
	ids: string[];
	nextAttemptAt: number;
	/** Stored as the pending conversion's `fail_code`. */
	code: string;
	reason: string;
	/** The message step's reason. */
	stepReason: string;
}

/**
 * Runs one delivery step for a batch of conversion ids.
 * @param env - the Worker's env
 * @param idList - conversion ids from the batch's messages (repeats are fine)
 * @param now - milliseconds
 * @returns what to do with each id's message
 */
export async function deliverBatch(
	env: Env,
	idList: readonly string[],
	now = Date.now(),
): Promise<Map<string, Step>> {
	const db = env.LEDGER;
	const steps = new Map<string, Step>();
	const unique = [...new Set(idList)];
	const loaded = trySettings(env);
	if (!loaded.ok) {
		// Nothing can be routed; the conversions wait, their state untouched except the reason.
		log("error", "settings_invalid", { field: loaded.error.field, message: loaded.error.message });
		const wait = {
			ids: unique,
			nextAttemptAt: now + CONFIG_RETRY_MS,
			code: "CONFIG_ERROR",
			reason: loaded.error.message,
			stepReason: "configuration error",
		};
		await holdBack(db, [wait], steps, now);
		return steps;
	}
	const settings = loaded.settings;
	const candidates = triage(await readConversions(db, unique), unique, steps, now);
	const { groups, waits, finalFailures } = await routeAll(candidates, settings, now);
	const planned = planAll(groups, settings);
	const { calls: withTokens, tokens, waits: tokenWaits } = await resolveTokens(db, settings, planned, now);
	const { calls, waits: rateWaits } = await applyRateLimit(db, settings, withTokens, now);
	await holdBack(db, [...waits, ...tokenWaits, ...rateWaits], steps, now);

	// Claim what will be sent or failed.
	const toClaim = [...calls.flatMap((c) => c.rows), ...finalFailures.map((f) => f.row)].map((r) => r.id);
	const lease = crypto.randomUUID();
	const leaseMs = leaseMsFor(settings);
	const claimed = await claimConversions(db, toClaim, lease, now, leaseMs);
	const claimedRows = new Map(claimed.rows.map((r) => [r.id, r]));
	for (const id of toClaim) {
		if (!claimedRows.has(id)) {
			steps.set(id, { action: "later", delaySeconds: seconds(leaseMs) + 1, reason: "claimed elsewhere" });
		}
	}

	const finished: Finished[] = [];
	const noCall = { outcome: null, callId: null, priorCallId: null, durationMs: 0, size: 0, tokenWait: null };
	for (const failure of finalFailures) {
		const row = claimedRows.get(failure.row.id);
		if (row !== undefined) {
			finished.push({
				row,
				outcome: { kind: "failed", code: failure.code, detail: failure.detail },
				call: noCall,
			});
		}
	}
	const toSend: PlannedCall[] = [];
	for (const call of calls) {
		const kept: ConversionRow[] = [];
		const items: string[] = [];
		call.rows.forEach((r, i) => {
			const row = claimedRows.get(r.id);
			if (row === undefined) return;
			// docs/conversion/form-api.md gives a report no id of its own: when the last attempt's
			// outcome is unknown, FORM_RESEND_UNCERTAIN=false fails it instead of risking a double.
			if (
				call.format.name === "gdt-form-v1" &&
				!settings.formResendUncertain &&
				claimed.abandoned.has(row.id)
			) {
				finished.push({
					row,
					outcome: {
						kind: "failed",
						code: "OUTCOME_UNKNOWN",
						detail:
							"the previous attempt was cut short; Tencent may have recorded it (FORM_RESEND_UNCERTAIN=false)",
					},
					call: noCall,
				});
				return;
			}
			kept.push(row);
			items.push(call.items[i] as string);
		});
		if (kept.length > 0) toSend.push({ ...call, rows: kept, items });
	}

	const sent = await Promise.all(toSend.map((call) => sendCall(db, settings, call, tokens)));
	for (const list of sent) finished.push(...list);

	// Quota signals hold the account back for every isolate.
	const blocked = new Map<string, { accountId: string; hint: QuotaHint }>();
	for (const f of finished) {
		const hint = f.call.outcome?.quota;
		if (hint != null) blocked.set(`${f.row.advertiser_id}:${hint}`, { accountId: f.row.advertiser_id, hint });
	}
	for (const { accountId, hint } of blocked.values()) await blockAccount(db, accountId, hint, Date.now());

	await record(db, settings, lease, finished, steps);
	return steps;
}

/** Acks or re-delays what cannot be sent now; returns the conversions to route. */
function triage(
	rows: Map<string, ConversionRow>,
	unique: readonly string[],
	steps: Map<string, Step>,
	now: number,
): ConversionRow[] {
	const candidates: ConversionRow[] = [];
	for (const id of unique) {
		const row = rows.get(id);
		if (row === undefined) steps.set(id, { action: "ack", reason: "unknown conversion" });
		else if (row.status === "delivered" || row.status === "failed" || row.status === "unattributed") {
			steps.set(id, { action: "ack", reason: `already ${row.status}` });
		} else if (row.status === "waiting_click") {
			// A late click or the end of the hold moves it on; neither needs this message.
			steps.set(id, { action: "ack", reason: "waiting for a click" });
		} else if (row.status === "sending" && (row.lease_until ?? 0) >= now) {
			steps.set(id, {
				action: "later",
				delaySeconds: seconds((row.lease_until ?? now) - now) + 1,
				reason: "leased elsewhere",
			});
		} else if (row.status === "pending" && (row.next_attempt_at ?? 0) - now > DUE_TOLERANCE_MS) {
			steps.set(id, {
				action: "later",
				delaySeconds: seconds((row.next_attempt_at ?? now) - now),
				reason: "not due yet",
			});
		} else candidates.push(row);
	}
	return candidates;
}

/** Routes and serializes each conversion; configuration problems wait, final ones fail. */
async function routeAll(candidates: readonly ConversionRow[], settings: Settings, now: number) {
	const groups = new Map<string, RouteGroup>();
	const waitsByReason = new Map<string, HoldBack>();
	const finalFailures: { row: ConversionRow; code: string; detail: string }[] = [];
	for (const row of candidates) {
		const format = upstreamFormat(row.upstream);
		if (format === undefined) {
			finalFailures.push({ row, code: "UNKNOWN_UPSTREAM", detail: `no upstream format ${row.upstream}` });
			continue;
		}
		const route = format.route(row, settings);
		if (route.kind === "failed") finalFailures.push({ row, code: route.code, detail: route.detail });
		else if (route.kind === "config") {
			const key = `${route.code}:${route.detail}`;
			const wait = waitsByReason.get(key) ?? {
				ids: [],
				nextAttemptAt: now + CONFIG_RETRY_MS,
				code: route.code,
				reason: route.detail,
				stepReason: route.code,
			};
			wait.ids.push(row.id);
			waitsByReason.set(key, wait);
		} else {
			const group = groups.get(route.key) ?? { format, route, rows: [], items: [] };
			group.rows.push(row);
			group.items.push(await format.encode(row, settings));
			groups.set(route.key, group);
		}
	}
	const waits = [...waitsByReason.values()];
	for (const wait of waits) {
		log("warn", "delivery_waits_for_configuration", {
			code: wait.code,
			detail: wait.reason,
			conversions: wait.ids.length,
		});
	}
	return { groups, waits, finalFailures };
}

/** Splits each route's conversions into calls (≤ MAX_ACTIONS_PER_CALL actions, ≤ the format's body size). */
function planAll(groups: Map<string, RouteGroup>, settings: Settings): PlannedCall[] {
	const calls: PlannedCall[] = [];
	for (const group of groups.values()) {
		const maxCount =
			group.format.maxPerCall === 1 ? 1 : Math.min(group.format.maxPerCall, settings.maxActionsPerCall);
		const envelope = utf8Bytes(group.format.body(group.route, []));
		const plan = planCalls(group.items.map(utf8Bytes), maxCount, group.format.maxBodyBytes, envelope);
		for (const indexes of plan) {
			calls.push({
				format: group.format,
				route: group.route,
				rows: indexes.map((i) => group.rows[i] as ConversionRow),
				items: indexes.map((i) => group.items[i] as string),
			});
		}
	}
	return calls;
}

/** Gets each account's token once; the calls of an account without one wait. */
async function resolveTokens(db: D1Database, settings: Settings, planned: PlannedCall[], now: number) {
	const tokens = new Map<string, AccessToken>();
	for (const call of planned) {
		if (!call.format.needsToken || tokens.has(call.route.accountId)) continue;
		tokens.set(call.route.accountId, await getAccessToken(db, settings, call.route.accountId, now));
	}
	const waits: HoldBack[] = [];
	const calls = planned.filter((call) => {
		const token = call.format.needsToken ? tokens.get(call.route.accountId) : undefined;
		if (token?.kind !== "wait") return true;
		waits.push({
			ids: call.rows.map((r) => r.id),
			nextAttemptAt: now + token.retryMs,
			code: token.code,
			reason: token.detail,
			stepReason: token.code,
		});
		return false;
	});
	return { calls, tokens, waits };
}

/** Asks each account's limiter for every planned call; the calls beyond the grant wait. */
async function applyRateLimit(db: D1Database, settings: Settings, planned: PlannedCall[], now: number) {
	const byAccount = new Map<string, PlannedCall[]>();
	for (const call of planned) {
		if (!call.format.rateLimited) continue;
		const list = byAccount.get(call.route.accountId) ?? [];
		list.push(call);
		byAccount.set(call.route.accountId, list);
	}
	const refused = new Set<PlannedCall>();
	const waits: HoldBack[] = [];
	for (const [accountId, list] of byAccount) {
		const limit = accountSettings(settings, accountId).callsPerMinute;
		const grant = await takeCalls(db, accountId, list.length, limit, now);
		for (const call of list.slice(grant.granted)) {
			refused.add(call);
			waits.push({
				ids: call.rows.map((r) => r.id),
				nextAttemptAt: grant.retryAt,
				code: "RATE_LIMITED",
				reason: "the account's calls for this minute are used up",
				stepReason: "rate limited",
			});
		}
	}
	return { calls: planned.filter((call) => !refused.has(call)), waits };
}

/** Notes on each waiting conversion why and until when; its message comes back then. */
async function holdBack(db: D1Database, waits: readonly HoldBack[], steps: Map<string, Step>, now: number) {
	for (const wait of waits) {
		await deferConversions(
			db,
			wait.ids,
			{ nextAttemptAt: wait.nextAttemptAt, code: wait.code, reason: wait.reason },
			now,
		);
		const delaySeconds = seconds(wait.nextAttemptAt - now);
		for (const id of wait.ids) steps.set(id, { action: "later", delaySeconds, reason: wait.stepReason });
	}
}

async function sendCall(
	db: D1Database,
	settings: Settings,
	call: PlannedCall,
	tokens: Map<string, AccessToken>,
): Promise<Finished[]> {
	const started = Date.now();
	let token = call.format.needsToken ? tokens.get(call.route.accountId) : undefined;
	const body = call.format.body(call.route, call.items);
	const size = call.rows.length;
	const attempt = async (t: AccessToken | undefined) => {
		const nonce = newNonce();
		const auth: CallAuth | null =
			t?.kind === "token"
				? { accessToken: t.accessToken, timestamp: Math.floor(Date.now() / 1000), nonce }
				: null;
		const result = await exchange(call.format.request(call.route, body, auth, settings), settings.timeoutMs);
		return { nonce: call.format.needsToken ? nonce : null, result };
	};
	let sentOnce = await attempt(token);
	let priorCallId: string | null = null;
	let outcome = outcomeOf(call, sentOnce.result);
	let tokenWait: Finished["call"]["tokenWait"] = null;
	if (outcome?.authRejected && token?.kind === "token") {
		// docs/conversion/marketing-api-v3.md "Retry advice": refresh the token first, then retry once.
		const renewed = await getAccessToken(db, settings, call.route.accountId, Date.now(), token.generation);
		if (renewed.kind === "token") {
			tokens.set(call.route.accountId, renewed);
			token = renewed;
			priorCallId = sentOnce.nonce;
			sentOnce = await attempt(token);
			outcome = outcomeOf(call, sentOnce.result);
			if (outcome?.authRejected) {
				tokenWait = {
					code: "CONFIG_TOKEN_REJECTED",
					detail: `Tencent refused the freshly refreshed token of account ${call.route.accountId}`,
				};
			}
		} else tokenWait = { code: renewed.code, detail: renewed.detail };
	}
	const durationMs = Date.now() - started;
	const items: ItemOutcome[] =
		outcome === null ? transportOutcomes(sentOnce.result, size, settings) : outcome.items;
	return call.rows.map((row, i) => ({
		row,
		outcome: items[i] ?? {
			kind: "retry",
			code: "NO_OUTCOME",
			detail: "the answer did not cover this conversion",
		},
		call: { outcome, callId: sentOnce.nonce, priorCallId, durationMs, size, tokenWait },
	}));
}

function outcomeOf(call: PlannedCall, result: Awaited<ReturnType<typeof exchange>>): CallOutcome | null {
	return result.kind === "answer" ? call.format.interpret(result.answer, call.rows.length) : null;
}

function transportOutcomes(
	result: Awaited<ReturnType<typeof exchange>>,
	count: number,
	settings: Settings,
): ItemOutcome[] {
	let outcome: ItemOutcome;
	switch (result.kind) {
		case "timeout":
			outcome = {
				kind: "unknown",
				code: "TIMEOUT",
				detail:
					result.phase === "head"
						? `no answer within ${settings.timeoutMs} ms`
						: `the answer's body did not arrive within ${settings.timeoutMs} ms`,
			};
			break;
		case "network":
			outcome = { kind: "retry", code: "NETWORK_ERROR", detail: result.detail };
			break;
		case "too_large":
			outcome = {
				kind: "retry",
				code: "UNREADABLE_RESPONSE",
				detail: `HTTP ${result.status} with an oversized body`,
			};
			break;
		case "answer":
			throw new Error("an answer has an outcome");
	}
	return Array.from({ length: count }, () => outcome);
}

/** Decides each conversion's transition, writes them in groups, and fills in the steps. */
async function record(
	db: D1Database,
	settings: Settings,
	lease: string,
	finished: readonly Finished[],
	steps: Map<string, Step>,
): Promise<void> {
	const now = Date.now();
	const groups = new Map<
		string,
		{ ids: string[]; result: AttemptResult; transition: Transition; step: Step }
	>();
	for (const f of finished) {
		const { result, transition, step } = decide(settings, f, now);
		const key = JSON.stringify([result, transition, step]);
		const group = groups.get(key) ?? { ids: [], result, transition, step };
		group.ids.push(f.row.id);
		groups.set(key, group);
	}
	const list = [...groups.values()];
	const movedPerGroup = await finishAttempts(db, lease, list, now);
	for (const [i, group] of list.entries()) {
		const moved = new Set(movedPerGroup[i]);
		for (const id of group.ids) {
			if (moved.has(id)) steps.set(id, group.step);
			else {
				// Our lease expired mid-request and another consumer took over; it owns the outcome now.
				log("warn", "lease_lost", { conversion_id: id });
				steps.set(id, { action: "ack", reason: "lease lost" });
			}
		}
	}
}

function decide(
	settings: Settings,
	f: Finished,
	now: number,
): { result: AttemptResult; transition: Transition; step: Step } {
	const { row, outcome, call } = f;
	const answer = call.outcome;
	const base = {
		durationMs: call.durationMs,
		httpStatus: answer?.httpStatus ?? null,
		tencentRet: answer?.ret ?? null,
		tencentMsg: answer?.msg === null || answer?.msg === undefined ? null : redact(answer.msg).slice(0, 300),
		callId: call.callId,
		priorCallId: call.priorCallId,
		traceId: answer?.traceId ?? null,
		actionsInCall: call.size === 0 ? null : call.size,
	};
	if (call.tokenWait !== null) {
		// Sent, and the token was refused: a configuration problem, never a failure.
		return {
			result: { ...base, outcome: "retry", code: call.tokenWait.code, detail: redact(call.tokenWait.detail) },
			transition: {
				to: "pending",
				nextAttemptAt: now + CONFIG_RETRY_MS,
				uncounted: true,
				waitCode: call.tokenWait.code,
			},
			step: { action: "later", delaySeconds: seconds(CONFIG_RETRY_MS), reason: call.tokenWait.code },
		};
	}
	if (outcome.kind === "delivered") {
		return {
			result: { ...base, outcome: "delivered", code: null, detail: null },
			transition: { to: "delivered" },
			step: { action: "ack", reason: "delivered" },
		};
	}
	const detail = redact(outcome.detail).slice(0, 500);
	if (outcome.kind === "failed") {
		return {
			result: { ...base, outcome: "failed", code: outcome.code, detail },
			transition: { to: "failed", failCode: outcome.code, failReason: detail },
			step: { action: "ack", reason: `failed: ${outcome.code}` },
		};
	}
	const uncounted = outcome.kind === "retry" && outcome.uncounted === true;
	const counted = row.attempts - row.budget_base - row.uncounted_attempts;
	const result: AttemptResult = { ...base, outcome: outcome.kind, code: outcome.code, detail };
	if (outcome.kind === "unknown" && row.upstream === "gdt-form-v1" && !settings.formResendUncertain) {
		const reason = `${detail}; Tencent may have recorded it (FORM_RESEND_UNCERTAIN=false)`;
		return {
			result,
			transition: { to: "failed", failCode: "OUTCOME_UNKNOWN", failReason: reason },
			step: { action: "ack", reason: "outcome unknown" },
		};
	}
	if (!uncounted && counted >= settings.maxAttempts) {
		const unknownNote = outcome.kind === "unknown" ? " (outcome unknown: Tencent may have recorded it)" : "";
		return {
			result,
			transition: {
				to: "failed",
				failCode: "RETRIES_EXHAUSTED",
				failReason: `${counted} attempts; last: ${outcome.code} ${detail}${unknownNote}`.slice(0, 500),
			},
			step: { action: "ack", reason: "retries exhausted" },
		};
	}
	let delayMs: number;
	const hint = answer?.quota;
	if (outcome.kind === "retry" && outcome.delayMs !== undefined) delayMs = outcome.delayMs;
	else if (uncounted && hint != null) delayMs = quotaResumesAt(hint, now) - now;
	else
		delayMs =
			retryDelaySeconds(Math.max(counted, 1), settings.retryBaseSeconds, settings.retryMaxSeconds) * 1000;
	// Queues cap a delay at 12 hours; a longer wait comes back and is re-delayed ("not due yet").
	const delaySeconds = Math.min(seconds(delayMs), 43_200);
	return {
		result,
		transition: { to: "pending", nextAttemptAt: now + delayMs, uncounted },
		step: { action: "later", delaySeconds, reason: outcome.code },
	};
}

/**
 * Handles a batch from the conversions queue: one delivery step over all its conversions. What
 * has to wait is sent again as a new delayed message (grouped by delay) and its old message
 * acked; if that send fails, the old message is retried with the delay instead.
 * @param batch - the batch
 * @param env - the Worker's env
 */
export async function consumeConversions(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const messages: Message<unknown>[] = [];
	for (const message of batch.messages) {
		if (isConversionMessage(message.body)) messages.push(message);
		else {
			log("error", "malformed_message_dropped", { message_id: message.id });
			message.ack();
		}
	}
	let steps: Map<string, Step>;
	try {
		steps = await deliverBatch(
			env,
			messages.map((m) => (m.body as { id: string }).id),
		);
	} catch (e) {
		// The ledger failed us; the conversions stay pending (or their leases run out) and the
		// messages come back.
		log("error", "delivery_step_failed", { error: describeError(e), messages: messages.length });
		for (const message of messages) {
			message.retry({ delaySeconds: Math.min(2 ** Math.min(message.attempts, 10), 600) });
		}
		return;
	}
	const later = new Map<number, string[]>();
	for (const [id, step] of steps) {
		if (step.action !== "later") continue;
		const list = later.get(step.delaySeconds) ?? [];
		list.push(id);
		later.set(step.delaySeconds, list);
	}
	const requeued = new Set<string>();
	for (const [delaySeconds, ids] of later) {
		try {
			await enqueueConversions(env.CONVERSIONS, ids, delaySeconds);
			for (const id of ids) requeued.add(id);
		} catch (e) {
			log("warn", "requeue_failed", { error: describeError(e), conversions: ids.length });
		}
	}
	if (requeued.size > 0) {
		await markEnqueued(env.LEDGER, [...requeued], Date.now()).catch((e) =>
			log("warn", "mark_enqueued_failed", { error: describeError(e) }),
		);
	}
	const handled = new Set<string>();
	for (const message of messages) {
		const id = (message.body as { id: string }).id;
		const step = steps.get(id);
		if (handled.has(id) || step === undefined || step.action === "ack" || requeued.has(id)) message.ack();
		else message.retry({ delaySeconds: step.delaySeconds });
		handled.add(id);
	}
}

/**
 * Handles the dead-letter queue: a message lands there after the queue's max_retries, which only
 * happens when the consumer kept crashing. Its conversion, if still idle, is marked failed with
 * `DEAD_LETTERED` so it shows up in the ledger instead of vanishing.
 * @param batch - the batch
 * @param env - the Worker's env
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	await Promise.all(
		batch.messages.map(async (message) => {
			if (!isConversionMessage(message.body)) {
				message.ack();
				return;
			}
			try {
				const id = message.body.id;
				const changed = await failIfIdle(
					env.LEDGER,
					id,
					"DEAD_LETTERED",
					"the conversions queue gave up on this message (max_retries reached)",
					Date.now(),
				);
				const row = changed ? null : await getConversion(env.LEDGER, id);
				if (row !== null && row.status === "sending") {
					message.retry({ delaySeconds: 60 });
					return;
				}
				message.ack();
			} catch (e) {
				log("error", "dead_letter_step_failed", { error: describeError(e) });
				message.retry({ delaySeconds: 60 });
			}
		}),
	);
}
