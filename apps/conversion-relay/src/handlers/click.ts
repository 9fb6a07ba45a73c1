/**
 * GET /click: Tencent's click feedback URL (docs/conversion/form-api.md §4). Answers
 * `{"ret": 0, "msg": ""}` as UTF-8 JSON when the click is stored (or was stored before), never a
 * redirect, and never with anything the caller sent (§4.5: the answer must not contain "302").
 *
 * Guards, in order: the optional IP allow-list, a per-caller rate limit (the Workers Rate
 * Limiting binding), and the secret `token` query parameter registered as part of the feedback
 * URL (§4.2 allows own parameters) — without it anyone who knows a device's muid could plant a
 * click and take its attribution.
 * @module
 */
import { timingSafeEqual } from "@txad/signing";
import { describeError, log } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { isIpAllowed } from "../allowlist.ts";
import { recordClick } from "../attribution.ts";
import { isRelayError } from "../errors.ts";
import { markEnqueued } from "../ledger.ts";
import { enqueueConversions } from "../queue.ts";
import { trySettings } from "../settings.ts";
import { parseClickParams } from "../validate.ts";

/**
 * Our non-zero `ret` codes. §4.5 only fixes 0 as success; anything else counts as a failed
 * forward at Tencent, and the message names the reason (never the caller's input).
 */
export const CLICK_RET = {
	OK: 0,
	/** A parameter is missing or malformed; msg names it. */
	INVALID_PARAM: 1001,
	/** The caller is not on CLICK_IP_ALLOWLIST, or the token is missing or wrong. */
	FORBIDDEN: 1002,
	/** The ledger could not store the click, or the relay is misconfigured; Tencent may try again. */
	UNAVAILABLE: 1003,
	/** The caller sent more clicks than CLICK_RATE_LIMITER allows. */
	RATE_LIMITED: 1004,
} as const;

function clickResponse(ret: number, msg: string, status = 200): Response {
	return new Response(JSON.stringify({ ret, msg }), {
		status,
		headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
	});
}

function tokenMatches(params: URLSearchParams, expected: string): boolean {
	const given = params.getAll("token");
	return given.length === 1 && timingSafeEqual(given[0] ?? "", expected);
}

/**
 * Validates and stores one click, idempotently by click_id, and releases conversions that were
 * waiting for it.
 *
 * Statuses: validation errors are HTTP 200 with a non-zero `ret` (Tencent reads `ret`, and its
 * join-up tool shows the body of a 200); a refused caller gets 403, a rate-limited one 429, an
 * outage or a configuration error 503, all in the same JSON shape.
 * @param request - the GET request
 * @param env - the Worker's env
 * @returns the `{ret, msg}` response
 */
export async function handleClick(request: IRequest, env: Env): Promise<Response> {
	const loaded = trySettings(env);
	if (!loaded.ok) {
		log("error", "settings_invalid", { field: loaded.error.field, message: loaded.error.message });
		return clickResponse(CLICK_RET.UNAVAILABLE, "temporarily unavailable", 503);
	}
	const settings = loaded.settings;
	const callerIp = request.headers.get("cf-connecting-ip");
	if (!isIpAllowed(settings.clickAllowlist, callerIp)) {
		return clickResponse(CLICK_RET.FORBIDDEN, "caller is not allowed", 403);
	}
	try {
		const { success } = await env.CLICK_RATE_LIMITER.limit({ key: callerIp ?? "unknown" });
		if (!success) return clickResponse(CLICK_RET.RATE_LIMITED, "too many requests", 429);
	} catch (e) {
		// The limiter guards the ledger; when it is unavailable, a click is worth more than the guard.
		log("warn", "click_rate_limiter_failed", { error: describeError(e) });
	}
	const params = new URL(request.url).searchParams;
	if (!tokenMatches(params, settings.clickUrlToken)) {
		return clickResponse(CLICK_RET.FORBIDDEN, "token is missing or wrong", 403);
	}
	const now = Date.now();
	let click: ReturnType<typeof parseClickParams>;
	try {
		click = parseClickParams(params, {
			nowSeconds: Math.floor(now / 1000),
			callbackOrigins: settings.callbackOrigins,
		});
	} catch (e) {
		if (isRelayError(e)) return clickResponse(CLICK_RET.INVALID_PARAM, e.message);
		throw e;
	}
	let released: string[];
	try {
		({ released } = await recordClick(
			env.LEDGER,
			settings,
			{ ...click, non_device: click.non_device ? 1 : 0, caller_ip: callerIp, received_at: now },
			now,
		));
	} catch (e) {
		log("error", "click_insert_failed", { error: describeError(e) });
		return clickResponse(CLICK_RET.UNAVAILABLE, "temporarily unavailable", 503);
	}
	if (released.length > 0) {
		try {
			await enqueueConversions(env.CONVERSIONS, released);
			await markEnqueued(env.LEDGER, released, Date.now());
		} catch (e) {
			// They are pending in the ledger; the sweep enqueues them.
			log("warn", "enqueue_failed", { error: describeError(e), conversions: released.length });
		}
	}
	return clickResponse(CLICK_RET.OK, "");
}
