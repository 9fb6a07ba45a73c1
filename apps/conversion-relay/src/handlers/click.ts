/**
 * GET /click: Tencent's click feedback URL (docs/conversion/form-api.md §4). Answers
 * `{"ret": 0, "msg": ""}` as UTF-8 JSON when the click is stored (or was stored before), never
 * a redirect (§4.5: "返回值不能包含『302』").
 * @module
 */
import type { IRequest } from "itty-router";
import { isIpAllowed } from "../allowlist.ts";
import { isRelayError } from "../errors.ts";
import { insertClick } from "../ledger.ts";
import { parseClickParams } from "../validate.ts";

/**
 * Our non-zero `ret` codes. §4.5 only fixes 0 as success; anything else counts as a failed
 * forward at Tencent, and the message names the reason.
 */
export const CLICK_RET = {
	OK: 0,
	/** A parameter is missing or malformed; msg names it. */
	INVALID_PARAM: 1001,
	/** The caller is not on CLICK_IP_ALLOWLIST. */
	FORBIDDEN: 1002,
	/** The ledger could not store the click; Tencent may try again. */
	UNAVAILABLE: 1003,
} as const;

function clickResponse(ret: number, msg: string, status = 200): Response {
	return new Response(JSON.stringify({ ret, msg }), {
		status,
		headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
	});
}

/**
 * Validates and stores one click, idempotently by click_id.
 *
 * Statuses: validation errors are HTTP 200 with a non-zero `ret` (Tencent reads `ret`, and its
 * join-up tool shows the body of a 200); a caller outside the allow-list gets 403 and a ledger
 * outage 503, both with the same JSON shape, so monitoring can tell them apart.
 * @param request - the GET request
 * @param env - the Worker's bindings
 * @returns the `{ret, msg}` response
 */
export async function handleClick(request: IRequest, env: Env): Promise<Response> {
	const callerIp = request.headers.get("cf-connecting-ip");
	if (!isIpAllowed(env.CLICK_IP_ALLOWLIST, callerIp)) {
		return clickResponse(CLICK_RET.FORBIDDEN, `caller ${callerIp ?? "unknown"} is not allowed`, 403);
	}
	let click: ReturnType<typeof parseClickParams>;
	try {
		click = parseClickParams(new URL(request.url).searchParams);
	} catch (e) {
		if (isRelayError(e)) return clickResponse(CLICK_RET.INVALID_PARAM, e.message);
		throw e;
	}
	try {
		await insertClick(env, {
			...click,
			non_device: click.non_device ? 1 : 0,
			caller_ip: callerIp,
			received_at: Date.now(),
		});
	} catch (e) {
		console.error("click insert failed", e);
		return clickResponse(CLICK_RET.UNAVAILABLE, "temporarily unavailable", 503);
	}
	return clickResponse(CLICK_RET.OK, "");
}
