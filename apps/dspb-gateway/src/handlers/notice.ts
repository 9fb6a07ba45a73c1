/**
 * `POST /v1/notice/win` and `POST /v1/notice/loss`: authenticate, read the body, let the domain
 * prepare the notice, send it in `waitUntil` and answer 202 at once.
 * @module
 */
import { authenticate } from "../auth.ts";
import {
	dispatchNotice,
	type PreparedNotice,
	prepareLossNotice,
	prepareWinNotice,
} from "../domain/notices.ts";
import type { AppKey } from "../settings.ts";
import { getSettings, type Settings } from "../settings.ts";
import { createUpstream } from "../upstream.ts";
import { readJsonBody } from "./json-body.ts";

/** A notice body carries a token and a few numbers. */
export const MAX_NOTICE_BODY_BYTES = 16 * 1024;

type Prepare = (
	body: unknown,
	caller: AppKey,
	settings: Settings,
	nowSeconds: number,
) => Promise<PreparedNotice>;

async function handleNotice(
	prepare: Prepare,
	request: Request,
	env: Env,
	ctx: ExecutionContext,
): Promise<Response> {
	const settings = getSettings(env);
	const caller = authenticate(request, settings.appKeys);
	const body = await readJsonBody(request, MAX_NOTICE_BODY_BYTES);
	const notice = await prepare(body, caller, settings, Math.floor(Date.now() / 1000));
	ctx.waitUntil(
		dispatchNotice(
			createUpstream((input, init) => fetch(input, init)),
			notice,
		),
	);
	return Response.json({ accepted: true, kind: notice.kind, ad_id: notice.adId ?? null }, { status: 202 });
}

/**
 * Handles `POST /v1/notice/win`.
 * @param request - the request
 * @param env - Worker env
 * @param ctx - for waitUntil
 * @returns 202 once the notice is on its way
 */
export function handleWinNotice(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	return handleNotice(prepareWinNotice, request, env, ctx);
}

/**
 * Handles `POST /v1/notice/loss`.
 * @param request - the request
 * @param env - Worker env
 * @param ctx - for waitUntil
 * @returns 202 once the notice is on its way
 */
export function handleLossNotice(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	return handleNotice(prepareLossNotice, request, env, ctx);
}
