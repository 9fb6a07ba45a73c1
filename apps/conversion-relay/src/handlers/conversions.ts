/**
 * The conversion API: POST /conversions (ingest, idempotent by event_id), GET /conversions[/:id]
 * (status and attempts), POST /conversions/:id/redeliver (reopen a failed one). All need the
 * bearer token.
 * @module
 */

import { describeError, log } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { acceptConversion } from "../attribution.ts";
import { requireBearer } from "../auth.ts";
import { RelayError } from "../errors.ts";
import {
	type AttemptRow,
	CONVERSION_STATUSES,
	type ConversionRow,
	type ConversionStatus,
	getConversion,
	listAttempts,
	listConversions,
	markEnqueued,
	reopenFailed,
} from "../ledger.ts";
import { enqueueConversions } from "../queue.ts";
import { parseConversionBody } from "../validate.ts";
import { readJsonBody } from "./json-body.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The public view of a conversion.
 * @param row - the stored conversion
 * @returns the JSON the API returns
 */
export function conversionView(row: ConversionRow) {
	return {
		id: row.id,
		event_id: row.event_id,
		status: row.status,
		click_id: row.click_id,
		click_time: row.click_time,
		muid: row.muid,
		device_kind: row.device_kind,
		appid: row.appid,
		advertiser_id: row.advertiser_id,
		app_type: row.app_type,
		conv_type: row.conv_type,
		action_type: row.action_type,
		custom_action: row.custom_action,
		conv_time: row.conv_time,
		client_ip: row.client_ip,
		value: row.value,
		user_id: JSON.parse(row.user_id) as Record<string, string>,
		callback_url: row.callback_url,
		upstream: row.upstream,
		attempts: row.attempts,
		tencent_ret: row.tencent_ret,
		// On a pending conversion these say why it waits (a configuration error, a rate limit).
		fail_code: row.fail_code,
		fail_reason: row.fail_reason,
		hold_until: row.status === "waiting_click" ? iso(row.hold_until) : null,
		next_attempt_at: row.status === "pending" ? iso(row.next_attempt_at) : null,
		created_at: iso(row.created_at),
		updated_at: iso(row.updated_at),
		delivered_at: iso(row.delivered_at),
	};
}

function attemptView(a: AttemptRow) {
	return {
		attempt: a.attempt,
		upstream: a.upstream,
		started_at: iso(a.started_at),
		duration_ms: a.duration_ms,
		outcome: a.outcome,
		http_status: a.http_status,
		tencent_ret: a.tencent_ret,
		tencent_msg: a.tencent_msg,
		code: a.code,
		detail: a.detail,
		call_id: a.call_id,
		prior_call_id: a.prior_call_id,
		trace_id: a.trace_id,
		actions_in_call: a.actions_in_call,
	};
}

/**
 * Enqueues and records it; a failed send is logged and left to the sweeper (the conversion is
 * already in the ledger as pending, which is what "accepted" means).
 */
async function enqueue(env: Env, id: string): Promise<boolean> {
	try {
		await enqueueConversions(env.CONVERSIONS, [id]);
		await markEnqueued(env.LEDGER, [id], Date.now());
		return true;
	} catch (e) {
		log("warn", "enqueue_failed", { conversion_id: id, error: describeError(e) });
		return false;
	}
}

/**
 * POST /conversions: validates, hashes the device, attributes to the latest eligible click,
 * stores the conversion and enqueues it — or holds it for a late click (`waiting_click`).
 *
 * A repeated event_id with the same content returns the stored record (200, `duplicate: true`)
 * and never reports twice; the same event_id with different content is a 409.
 * @param request - the POST request
 * @param env - the Worker's env
 * @returns 202 with the new record, 200 with the existing one, or an error
 */
export async function handleCreateConversion(request: IRequest, env: Env): Promise<Response> {
	const settings = requireBearer(request, env);
	const body = await readJsonBody(request);
	const now = Date.now();
	const nowSeconds = Math.floor(now / 1000);
	const input = parseConversionBody(body, {
		nowSeconds,
		oldestSeconds: nowSeconds - settings.attributionWindowSeconds,
	});
	const { row, created } = await acceptConversion(env.LEDGER, settings, input, now);
	if (!created) {
		if (row.fingerprint !== input.fingerprint) {
			throw new RelayError(
				409,
				"IDEMPOTENCY_CONFLICT",
				"event_id was already used for a different conversion",
				{
					field: "event_id",
					details: { id: row.id },
				},
			);
		}
		// The first request may have stored the row and then failed to enqueue; send it now.
		// The consumer's state machine makes an extra message harmless.
		if (row.status === "pending" && row.enqueued_at === null) await enqueue(env, row.id);
		return Response.json({ ...conversionView(row), duplicate: true }, { status: 200 });
	}
	if (row.status === "pending") await enqueue(env, row.id);
	return Response.json({ ...conversionView(row), duplicate: false }, { status: 202 });
}

/**
 * GET /conversions/:id: the conversion with every delivery attempt.
 * @param request - the request
 * @param env - the Worker's bindings
 * @returns 200 or 404
 */
export async function handleGetConversion(request: IRequest, env: Env): Promise<Response> {
	requireBearer(request, env);
	const id = request.params.id ?? "";
	const row = await getConversion(env.LEDGER, id);
	if (row === null) throw new RelayError(404, "NOT_FOUND", `no conversion ${id}`, { field: "id" });
	const attempts = await listAttempts(env.LEDGER, id);
	return Response.json({ ...conversionView(row), attempt_log: attempts.map(attemptView) });
}

const STATUSES = CONVERSION_STATUSES;

/**
 * GET /conversions?status=failed&limit=50: recent conversions, e.g. the failed ones to inspect.
 * @param request - the request
 * @param env - the Worker's bindings
 * @returns 200 with `{ conversions: [...] }`
 */
export async function handleListConversions(request: IRequest, env: Env): Promise<Response> {
	requireBearer(request, env);
	const url = new URL(request.url);
	const status = url.searchParams.get("status") ?? undefined;
	if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
		throw new RelayError(400, "INVALID_FIELD", `status must be one of ${STATUSES.join(", ")}`, {
			field: "status",
		});
	}
	const limitRaw = url.searchParams.get("limit") ?? "50";
	const limit = Number(limitRaw);
	if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
		throw new RelayError(400, "INVALID_FIELD", "limit must be an integer from 1 to 500", { field: "limit" });
	}
	const rows = await listConversions(env.LEDGER, status as ConversionStatus | undefined, limit);
	return Response.json({ conversions: rows.map(conversionView) });
}

/**
 * POST /conversions/:id/redeliver: puts a failed conversion back in the queue, e.g. after
 * Tencent's conversion rule was fixed. Only failed conversions can be reopened, so a
 * delivered one is never reported again.
 * @param request - the request
 * @param env - the Worker's bindings
 * @returns 202 with the reopened conversion, 404, or 409 when it is not failed
 */
export async function handleRedeliver(request: IRequest, env: Env): Promise<Response> {
	requireBearer(request, env);
	const id = request.params.id ?? "";
	const reopened = await reopenFailed(env.LEDGER, id, Date.now());
	if (reopened === null) {
		const row = await getConversion(env.LEDGER, id);
		if (row === null) throw new RelayError(404, "NOT_FOUND", `no conversion ${id}`, { field: "id" });
		throw new RelayError(
			409,
			"INVALID_STATE",
			`conversion is ${row.status}; only failed ones can be redelivered`,
			{
				details: { status: row.status },
			},
		);
	}
	await enqueue(env, id);
	return Response.json(conversionView(reopened), { status: 202 });
}
