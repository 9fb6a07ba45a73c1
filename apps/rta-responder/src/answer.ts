/**
 * Look up, then decide: from a decoded RtaRequest to the outcome, once, for `/rta`. The ids are
 * collected (decide/ids.ts), the audience looked up (src/audience/reader.ts) and the strategies
 * selected (decide/outcome.ts). When everything needed is in memory — settings, compiled config,
 * the shards of every id — the outcome is returned without a promise; otherwise storage races
 * DEADLINE_MS and, if it loses or fails, the FALLBACK is answered while the loads finish in the
 * background for the next request.
 * @module
 */

import { type AdInfoView, RequestType, type RtaRequestView } from "@txad/proto";
import { describeError, log } from "@txad/worker-kit";
import type { AudienceReader, Background } from "./audience/reader.ts";
import type { CompiledConfig } from "./config/compile.ts";
import { type CandidateId, cachedIdType, collectIds } from "./decide/ids.ts";
import { decideFromMemberships, fallbackOutcome, type Outcome, refusal } from "./decide/outcome.ts";
import { metrics } from "./metrics.ts";
import type { Settings } from "./settings.ts";

/** What deciding needs besides the request. */
export interface AnswerContext {
	settings: Settings;
	reader: AudienceReader;
	/** The loaded config (null = none stored), or its first load. */
	config: CompiledConfig | null | Promise<CompiledConfig | null>;
	/** The config in memory now, for fallbacks (undefined = not loaded). */
	loadedConfig: () => CompiledConfig | null | undefined;
	/** Keeps work alive after the answer (ctx.waitUntil). */
	background: Background;
	/** Epoch ms the request arrived. */
	now: number;
	/** The request id, for logs. */
	requestId: string;
}

/**
 * The ads of a second-stage request (docs/rta/advanced-features.md "Recognising one":
 * `request_info.request_type` = ADLIST_REQUEST), or undefined for a first-stage one.
 * @param req - the request
 * @returns its `ad_infos`, or undefined
 */
export function secondStageAds(req: RtaRequestView): readonly AdInfoView[] | undefined {
	return req.requestType === RequestType.ADLIST_REQUEST ? req.adInfos : undefined;
}

/**
 * Decides a (non-ping) request.
 * @param req - the request as read from the wire
 * @param ctx - settings, reader, config, clock
 * @returns the outcome, synchronously when nothing had to be waited for
 */
export function answerRequest(req: RtaRequestView, ctx: AnswerContext): Outcome | Promise<Outcome> {
	const device = req.device;
	if (device === undefined) return refusal("NO_DEVICE");
	const candidates = collectIds(device, ctx.settings.mode, cachedIdType(device));
	if (candidates.length === 0) return refusal("NO_USABLE_ID");
	const expIds = req.expIds;
	const ads = secondStageAds(req);

	const ready = ctx.reader.ready(ctx.now, ctx.background);
	const config = ctx.config;
	if (ready === undefined && !(config instanceof Promise)) {
		if (config === null) return refusal("NOT_CONFIGURED");
		const found = ctx.reader.lookup(candidates, ctx.now, ctx.background);
		if (!(found instanceof Promise)) {
			metrics.decidedFromMemory++;
			return decideFromMemberships(config, candidates, found, expIds, Math.floor(ctx.now / 1000), ads);
		}
		return withDeadline(
			ctx,
			found.then((m) => decide(config, candidates, m, expIds, ads)),
			ads,
		);
	}
	const work = (async () => {
		await ready;
		const cfg = await config;
		if (cfg === null) return refusal("NOT_CONFIGURED");
		return decide(cfg, candidates, await ctx.reader.lookup(candidates, ctx.now, ctx.background), expIds, ads);
	})();
	return withDeadline(ctx, work, ads);
}

function decide(
	config: CompiledConfig,
	candidates: readonly CandidateId[],
	memberships: Parameters<typeof decideFromMemberships>[2],
	expIds: readonly number[],
	ads: readonly AdInfoView[] | undefined,
): Outcome {
	return decideFromMemberships(config, candidates, memberships, expIds, Math.floor(Date.now() / 1000), ads);
}

async function withDeadline(
	ctx: AnswerContext,
	work: Promise<Outcome>,
	ads: readonly AdInfoView[] | undefined,
): Promise<Outcome> {
	metrics.waitedForShards++;
	const fallback = () => fallbackOutcome(ctx.settings.fallback, ctx.loadedConfig() ?? undefined, ads);
	// docs/rta/http-behaviour.md "Budget": second-stage requests have 80 ms instead of 60.
	const deadlineMs = ads === undefined ? ctx.settings.deadlineMs : ctx.settings.adlistDeadlineMs;
	if (deadlineMs === 0) {
		// DEADLINE_MS=0: never wait for storage; answer the fallback on any miss and warm up.
		ctx.background(work.catch(noop));
		metrics.deadlineFallbacks++;
		return fallback();
	}
	let timer: ReturnType<typeof setTimeout> | undefined;
	const expired = new Promise<"deadline">((resolve) => {
		timer = setTimeout(() => resolve("deadline"), deadlineMs);
	});
	try {
		const winner = await Promise.race([work, expired]);
		if (winner !== "deadline") return winner;
		metrics.deadlineFallbacks++;
		// Let the loads finish so the next request for these shards is a memory hit.
		ctx.background(work.catch(noop));
		log("warn", "rta_deadline", { id: ctx.requestId, deadline_ms: deadlineMs });
		return fallback();
	} catch (e) {
		metrics.storageErrors++;
		log("error", "rta_storage_error", { id: ctx.requestId, error: describeError(e) });
		return fallback();
	} finally {
		if (timer !== undefined) clearTimeout(timer);
	}
}

function noop(): void {}
