/**
 * `POST /v1/ads` below the transport: read the call, build and sign the DSP-B request, ask 优量汇
 * (retry once on non-200, 1 s per attempt), drop the ads the install-relation filter rejects, and
 * present the rest with their click plan, report URLs and notice token. Upstream outcomes become
 * typed errors, except 102006 (no matching ad), which is an expected, empty answer.
 * @module
 */
import { buildAdRequest, type DspbAd, type DspbError, describeRet, isDspbError, RET_NO_AD } from "@txad/dspb";
import { decideJump, filterByInstallRelation } from "@txad/jump";
import { log } from "@txad/worker-kit";
import { GatewayError, invalidField } from "../errors.ts";
import { bump, placementMetrics, recordLatency } from "../metrics.ts";
import type { AppKey, Settings } from "../settings.ts";
import type { Upstream } from "../upstream.ts";
import { bodyFieldOf, readAdsCall } from "./ads-input.ts";
import { issueNoticeToken } from "./notice-token.ts";
import { presentAd } from "./present.ts";

/** An ad the install-relation filter dropped, with the report the app must send itself. */
export interface FilteredAd {
	readonly ad_id: string | null;
	readonly reason: "installed" | "not_installed";
	/** app_installed / app_not_installed (DSP-B guide 转化上报-应用安装上报与过滤策略应用), when the ad has it. */
	readonly report: { readonly event: string; readonly url: string } | null;
}

/** The answer of `POST /v1/ads`. */
export interface AdsAnswer {
	readonly placement_id: string;
	readonly ads: readonly Record<string, unknown>[];
	readonly filtered: readonly FilteredAd[];
	/** Set when 优量汇 had no ad (ret 102006); the list is then empty. */
	readonly no_fill: { readonly ret: number; readonly meaning: string } | null;
	/** "requested", or why WeChat mini-program / native-page ads were not asked for. */
	readonly wechat_ads: string;
	/** How the upstream exchange went. */
	readonly upstream: { readonly attempts: number };
}

/** What serving needs besides the request. */
export interface ServeContext {
	readonly caller: AppKey;
	/** CF-Connecting-IP. */
	readonly clientIp: string | null;
	readonly settings: Settings;
	readonly upstream: Upstream;
	/** Unix milliseconds; injectable for tests. */
	readonly now?: () => number;
}

/**
 * Serves one ad request.
 * @param body - the parsed JSON body
 * @param ctx - caller, settings and upstream
 * @returns the answer
 * @throws GatewayError 400 for bad input, 502 / 504 for upstream failures
 */
export async function serveAds(body: unknown, ctx: ServeContext): Promise<AdsAnswer> {
	const now = ctx.now ?? Date.now;
	const started = now();
	const call = readAdsCall(body, ctx.caller, ctx.clientIp, ctx.settings);
	const posId = call.placement.posId;
	const secret = ctx.settings.signSecrets.get(call.placement.appId) as string;

	let request: Awaited<ReturnType<typeof buildAdRequest>>;
	try {
		request = await buildAdRequest({ secret, endpoint: ctx.settings.endpoint }, call.input);
	} catch (e) {
		if (isDspbError(e) && e.issues.length > 0) {
			const first = e.issues[0] as (typeof e.issues)[number];
			const issues = e.issues.map((i) => ({
				code: i.code,
				field: bodyFieldOf(i, ctx.caller.role),
				message: i.message,
			}));
			throw invalidField(issues[0]?.field ?? first.field, first.message, { issues });
		}
		throw e;
	}

	const m = placementMetrics(posId);
	m.requests++;
	let ads: DspbAd[];
	let attempts: number;
	try {
		({ ads, attempts } = await ctx.upstream.requestAds(request, ctx.settings.timeoutMs));
	} catch (e) {
		recordLatency(m, now() - started);
		if (!isDspbError(e)) throw e;
		if (e.attempts === 2) m.retries++;
		if (e.code === "API_ERROR" && e.ret === RET_NO_AD) {
			bump(m.ret, RET_NO_AD);
			return {
				placement_id: posId,
				ads: [],
				filtered: [],
				no_fill: { ret: RET_NO_AD, meaning: describeRet(RET_NO_AD) as string },
				wechat_ads: call.wechatAds,
				upstream: { attempts: e.attempts ?? 1 },
			};
		}
		const err = upstreamError(e, ctx.settings.timeoutMs);
		if (e.ret !== undefined) bump(m.ret, e.ret);
		bump(m.errors, err.code);
		log("warn", "upstream_error", { pos_id: posId, code: err.code, message: err.message });
		throw err;
	}
	bump(m.ret, 0);
	if (attempts === 2) m.retries++;

	const presented: Record<string, unknown>[] = [];
	const filtered: FilteredAd[] = [];
	const expiresAt = Math.floor(now() / 1000) + ctx.settings.noticeTtlSeconds;
	for (const ad of ads) {
		const installed =
			call.installed === undefined || ad.package_name === undefined
				? undefined
				: call.installed.has(ad.package_name);
		const decision = filterByInstallRelation(ad, installed);
		if (decision.kind === "drop") {
			filtered.push({ ad_id: ad.ad_id ?? null, reason: decision.reason, report: decision.report ?? null });
			continue;
		}
		const plan = decideJump(ad, call.host);
		const token =
			ad.win_notice_url === undefined && ad.loss_notice_url === undefined
				? undefined
				: await issueNoticeToken(ctx.settings.noticeSigningKey, {
						keyId: ctx.caller.keyId,
						posId,
						adId: ad.ad_id,
						winUrl: ad.win_notice_url,
						lossUrl: ad.loss_notice_url,
						expiresAt,
					});
		presented.push(presentAd(ad, plan, call.reqSize, token));
	}
	m.ads += presented.length;
	m.filtered += filtered.length;
	if (presented.length > 0) m.fills++;
	recordLatency(m, now() - started);
	return {
		placement_id: posId,
		ads: presented,
		filtered,
		no_fill: null,
		wechat_ads: call.wechatAds,
		upstream: { attempts },
	};
}

/** Maps a failed exchange to the gateway's error; the guide allows no retry beyond the one made. */
function upstreamError(e: DspbError, timeoutMs: number): GatewayError {
	const attempts = e.attempts ?? 1;
	switch (e.code) {
		case "API_ERROR":
			return new GatewayError(
				502,
				"UPSTREAM_RET",
				`优量汇 answered ret ${e.ret}${e.retMeaning ? ` (${e.retMeaning})` : ""}`,
				{
					field: "ret",
					details: { ret: e.ret, ret_meaning: e.retMeaning ?? null, msg: e.msg ?? "", retryable: false },
				},
			);
		case "HTTP_ERROR":
			return new GatewayError(
				502,
				"UPSTREAM_HTTP",
				`优量汇 answered HTTP ${e.status} after ${attempts} attempts`,
				{
					details: { status: e.status, attempts, retryable: false },
				},
			);
		case "TIMEOUT":
			return new GatewayError(504, "UPSTREAM_TIMEOUT", `优量汇 did not answer within ${timeoutMs} ms`, {
				details: { timeout_ms: timeoutMs, attempts, retryable: false },
			});
		case "NETWORK_ERROR":
			return new GatewayError(502, "UPSTREAM_UNREACHABLE", "优量汇 could not be reached", {
				details: { attempts, retryable: false },
			});
		case "INVALID_RESPONSE":
			return new GatewayError(502, "UPSTREAM_INVALID", `优量汇's answer is malformed: ${e.message}`, {
				field: e.field ?? "body",
				details: { retryable: false },
			});
		default:
			// Validation and key errors cannot come out of an exchange; treat one as a bug.
			return new GatewayError(500, "INTERNAL", "internal error", { cause: e });
	}
}
