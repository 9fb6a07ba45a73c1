/**
 * The queue consumer: delivers each conversion at most once per lease and records every attempt.
 *
 * Exactly-once rests on the ledger, not the queue (which delivers at least once): a message
 * only names a conversion; the consumer claims it with a conditional UPDATE (pending →
 * sending under a fresh lease token), sends, and moves it on (→ delivered | failed | pending)
 * only while it still holds that token. A repeated message finds the conversion terminal or
 * leased and sends nothing.
 * @module
 */
import { deliveryConfig, lookupSignKey } from "../config.ts";
import {
	type AttemptResult,
	claimConversion,
	failIfIdle,
	finishAttempt,
	getClick,
	getConversion,
	type Transition,
} from "../ledger.ts";
import { isConversionMessage } from "../queue.ts";
import { retryDelaySeconds } from "./backoff.ts";
import { UPSTREAM_FORMATS } from "./formats.ts";
import type { DeliveryOutcome } from "./types.ts";

/** A lease outlives the request timeout by this much, so only a dead consumer loses one. */
export const LEASE_MARGIN_MS = 30_000;

/** What to do with the message after one delivery step. */
export type MessageAction =
	| { action: "ack"; reason: string }
	| { action: "retry"; delaySeconds: number; reason: string };

async function send(
	request: Request,
	timeoutMs: number,
): Promise<{ response: Response } | { error: DeliveryOutcome }> {
	try {
		return { response: await fetch(request, { signal: AbortSignal.timeout(timeoutMs) }) };
	} catch (e) {
		const timeout = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
		return {
			error: {
				kind: "retry",
				code: timeout ? "TIMEOUT" : "NETWORK_ERROR",
				detail: timeout
					? `no answer within ${timeoutMs} ms`
					: String(e instanceof Error ? e.message : e).slice(0, 200),
				httpStatus: null,
				ret: null,
				msg: null,
			},
		};
	}
}

/**
 * Runs one delivery step for a conversion: claim, send, record, move.
 * @param env - the Worker's bindings
 * @param id - conversion id
 * @returns whether to ack the message or retry it after a delay
 */
export async function deliverConversion(env: Env, id: string): Promise<MessageAction> {
	const config = deliveryConfig(env);
	const token = crypto.randomUUID();
	const leaseMs = config.timeoutMs + LEASE_MARGIN_MS;
	const row = await claimConversion(env, id, token, Date.now(), leaseMs);
	if (row === null) {
		const current = await getConversion(env, id);
		if (current === null) return { action: "ack", reason: "unknown conversion" };
		if (current.status === "delivered" || current.status === "failed") {
			return { action: "ack", reason: `already ${current.status}` };
		}
		// Someone else holds the lease: come back when it ends; by then it is terminal or free.
		const waitMs = Math.max((current.lease_until ?? 0) - Date.now(), 0);
		return { action: "retry", delaySeconds: Math.ceil(waitMs / 1000) + 1, reason: "leased elsewhere" };
	}

	const started = Date.now();
	const format = UPSTREAM_FORMATS[row.upstream];
	let outcome: DeliveryOutcome;
	if (format === undefined) {
		outcome = {
			kind: "failed",
			code: "UNKNOWN_UPSTREAM",
			detail: `no upstream format ${row.upstream}`,
			httpStatus: null,
			ret: null,
			msg: null,
		};
	} else {
		const click = format.needsClick && row.click_id !== null ? await getClick(env, row.click_id) : null;
		const prepared = format.prepare(row, {
			baseUrl: config.baseUrl,
			secret: (_name, advertiserId) => lookupSignKey(env, advertiserId),
			click,
		});
		if (prepared.kind === "failed") {
			outcome = { ...prepared, kind: "failed", httpStatus: null, ret: null, msg: null };
		} else {
			const sent = await send(prepared.request, config.timeoutMs);
			outcome = "error" in sent ? sent.error : await format.interpret(sent.response);
		}
	}
	const finished = Date.now();

	let transition: Transition;
	let action: MessageAction;
	if (outcome.kind === "delivered") {
		transition = { to: "delivered" };
		action = { action: "ack", reason: "delivered" };
	} else if (outcome.kind === "failed") {
		transition = { to: "failed", failCode: outcome.code, failReason: outcome.detail };
		action = { action: "ack", reason: `failed: ${outcome.code}` };
	} else if (row.attempts - row.budget_base >= config.maxAttempts) {
		transition = {
			to: "failed",
			failCode: "RETRIES_EXHAUSTED",
			failReason: `${row.attempts - row.budget_base} attempts; last: ${outcome.code} ${outcome.detail}`.slice(
				0,
				500,
			),
		};
		action = { action: "ack", reason: "retries exhausted" };
	} else {
		const delaySeconds = retryDelaySeconds(
			row.attempts - row.budget_base,
			config.retryBaseSeconds,
			config.retryMaxSeconds,
		);
		transition = { to: "pending", nextAttemptAt: finished + delaySeconds * 1000 };
		action = { action: "retry", delaySeconds, reason: outcome.code };
	}

	const result: AttemptResult =
		outcome.kind === "delivered"
			? {
					outcome: "delivered",
					durationMs: finished - started,
					httpStatus: outcome.httpStatus,
					tencentRet: outcome.ret,
					tencentMsg: outcome.msg,
					code: null,
					detail: null,
				}
			: {
					outcome: outcome.kind,
					durationMs: finished - started,
					httpStatus: outcome.httpStatus,
					tencentRet: outcome.ret,
					tencentMsg: outcome.msg,
					code: outcome.code,
					detail: outcome.detail,
				};
	const moved = await finishAttempt(env, row, token, result, transition, finished);
	if (!moved) {
		// Our lease expired mid-request and another consumer took over; it owns the outcome now.
		console.warn("lease lost before recording the outcome", id);
		return { action: "ack", reason: "lease lost" };
	}
	return action;
}

/**
 * Handles a batch from the conversions queue: each message is one delivery step, run
 * concurrently, acked or retried explicitly with backoff.
 * @param batch - the batch
 * @param env - the Worker's bindings
 */
export async function consumeConversions(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	await Promise.all(
		batch.messages.map(async (message) => {
			if (!isConversionMessage(message.body)) {
				console.error("dropping malformed message", message.id);
				message.ack();
				return;
			}
			try {
				const step = await deliverConversion(env, message.body.id);
				if (step.action === "ack") message.ack();
				else message.retry({ delaySeconds: step.delaySeconds });
			} catch (e) {
				// The ledger or config failed us; the conversion stays pending (or its lease runs
				// out) and this message comes back.
				console.error("delivery step failed", message.body.id, e);
				message.retry({ delaySeconds: Math.min(2 ** Math.min(message.attempts, 10), 600) });
			}
		}),
	);
}

/**
 * Handles the dead-letter queue: a message lands there after the queue's max_retries, which
 * only happens when the consumer kept crashing. Its conversion, if still idle, is marked failed
 * with `DEAD_LETTERED` so it shows up in the ledger instead of vanishing.
 * @param batch - the batch
 * @param env - the Worker's bindings
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
					env,
					id,
					"DEAD_LETTERED",
					"the conversions queue gave up on this message (max_retries reached)",
					Date.now(),
				);
				const row = changed ? null : await getConversion(env, id);
				if (row !== null && row.status === "sending") {
					message.retry({ delaySeconds: 60 });
					return;
				}
				message.ack();
			} catch (e) {
				console.error("dead-letter step failed", e);
				message.retry({ delaySeconds: 60 });
			}
		}),
	);
}
