/**
 * `POST /v1/ads`: authenticate, read the body, hand both to the domain, answer JSON.
 * @module
 */
import { authenticate } from "../auth.ts";
import { serveAds } from "../domain/serve-ads.ts";
import { getSettings } from "../settings.ts";
import { createUpstream } from "../upstream.ts";
import { readJsonBody } from "./json-body.ts";

/** Bodies above this are refused (an installed-package list of 5000 names fits). */
export const MAX_ADS_BODY_BYTES = 256 * 1024;

/**
 * Handles `POST /v1/ads`.
 * @param request - the request
 * @param env - Worker env
 * @returns 200 with the ads (possibly none), or a JSON error
 */
export async function handleAds(request: Request, env: Env): Promise<Response> {
	const settings = getSettings(env);
	const caller = authenticate(request, settings.appKeys);
	const body = await readJsonBody(request, MAX_ADS_BODY_BYTES);
	const answer = await serveAds(body, {
		caller,
		clientIp: request.headers.get("cf-connecting-ip"),
		settings,
		upstream: createUpstream((input, init) => fetch(input, init)),
	});
	return Response.json(answer);
}
