/**
 * Look up, then decide: from a decoded RtaRequest to the outcome, once, for `/rta`. The ids are
 * collected (decide/ids.ts), the audience looked up (src/audience/reader.ts) and the strategies
 * selected (decide/outcome.ts). When everything needed is in memory — settings, compiled config,
 * the shards of every id — the outcome is returned without a promise; otherwise storage races
 * DEADLINE_MS and, if it loses or fails, the FALLBACK is answered while the loads finish in the
 * background for the next request. `decideRequest` wraps it for `/rta`: an unexpected error
 * becomes an INTERNAL refusal, and every decision is recorded once its outcome is known (one
 * Analytics Engine data point and this isolate's counters, src/analytics/record.ts).
 * @module
 */

import { type AdInfoView, RequestType, type RtaRequestView } from "@txad/proto";
import type { DataPointSink } from "@txad/rta-metrics";
import { describeError, log } from "@txad/worker-kit";
import { type DecisionNote, decisionRecord, newDecisionNote, recordDecision } from "./analytics/record.ts";
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
	/** The Analytics Engine dataset (RTA_ANALYTICS; undefined where none is bound). */
	analytics?: DataPointSink | undefined;
}

/**
 * Decides a (non-ping) request and records the decision: {@link answerRequest}, an unexpected
 * error turned into an INTERNAL refusal (logged with the request id), then one record
 * (src/analytics/record.ts) with the slowest storage tier waited for, the fallback reason if
 * any, and the processing time.
 * @param req - the request as read from the wire
 * @param ctx - settings, reader, config, clock, the dataset
 * @returns the outcome, synchronously when nothing had to be waited for; never rejects
 */
export function decideRequest(req: RtaRequestView, ctx: AnswerContext): Outcome | Promise<Outcome> {
	const note = newDecisionNote();
	let outcome: Outcome | Promise<Outcome>;
	try {
		outcome = answerRequest(req, ctx, note);
	} catch (e) {
		outcome = internal(ctx.requestId, e);
	}
	if (!(outcome instanceof Promise)) return recorded(req, ctx, note, outcome);
	return outcome.then(
		(o) => recorded(req, ctx, note, o),
		(e: unknown) => recorded(req, ctx, note, internal(ctx.requestId, e)),
	);
}

function recorded(req: RtaRequestView, ctx: AnswerContext, note: DecisionNote, outcome: Outcome): Outcome {
	const now = Date.now();
	const ads = secondStageAds(req);
	try {
		const config = ctx.loadedConfig();
		recordDecision(
			ctx.analytics,
			ctx.settings.analyticsSampleRate,
			decisionRecord(
				outcome,
				note,
				{ stage: ads === undefined ? "first" : "adlist", isTest: req.isTest, ads: ads?.length ?? 0 },
				config === undefined || config === null ? "" : config.version,
				now - ctx.now,
			),
			now,
		);
	} catch (e) {
		// Metrics must never change an answer: a fault here is logged, the outcome goes out as decided.
		log("error", "rta_metrics_failed", { id: ctx.requestId, error: describeError(e) });
	}
	return outcome;
}

function internal(requestId: string, e: unknown): Outcome {
	log("error", "rta_internal_error", {
		id: requestId,
		error: describeError(e),
		stack: e instanceof Error && e.stack !== undefined ? e.stack : null,
	});
	return refusal("INTERNAL");
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
 * @param note - when given, gets the ids looked up, the slowest tier waited for and the fallback reason
 * @returns the outcome, synchronously when nothing had to be waited for
 */
export function answerRequest(
	req: RtaRequestView,
	ctx: AnswerContext,
	note?: DecisionNote,
): Outcome | Promise<Outcome> {
	const device = req.device;
	if (device === undefined) return refusal("NO_DEVICE");
	const candidates = collectIds(device, ctx.settings.mode, cachedIdType(device));
	if (candidates.length === 0) return refusal("NO_USABLE_ID");
	if (note !== undefined) note.ids = candidates.length;
	const expIds = req.expIds;
	const ads = secondStageAds(req);

	const ready = ctx.reader.ready(ctx.now, ctx.background);
	const config = ctx.config;
	if (ready === undefined && !(config instanceof Promise)) {
		if (config === null) return refusal("NOT_CONFIGURED");
		const found = ctx.reader.lookup(candidates, ctx.now, ctx.background, note);
		if (!(found instanceof Promise)) {
			metrics.decidedFromMemory++;
			return decideFromMemberships(config, candidates, found, expIds, Math.floor(ctx.now / 1000), ads);
		}
		return withDeadline(
			ctx,
			found.then((m) => decide(config, candidates, m, expIds, ads)),
			ads,
			note,
		);
	}
	const work = (async () => {
		await ready;
		const cfg = await config;
		if (cfg === null) return refusal("NOT_CONFIGURED");
		return decide(
			cfg,
			candidates,
			await ctx.reader.lookup(candidates, ctx.now, ctx.background, note),
			expIds,
			ads,
		);
	})();
	return withDeadline(ctx, work, ads, note);
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
	note: DecisionNote | undefined,
): Promise<Outcome> {
	metrics.waitedForShards++;
	const fallback = () => fallbackOutcome(ctx.settings.fallback, ctx.loadedConfig() ?? undefined, ads);
	// docs/rta/http-behaviour.md "Budget": second-stage requests have 80 ms instead of 60.
	const deadlineMs = ads === undefined ? ctx.settings.deadlineMs : ctx.settings.adlistDeadlineMs;
	if (deadlineMs === 0) {
		// DEADLINE_MS=0: never wait for storage; answer the fallback on any miss and warm up.
		ctx.background(work.catch(noop));
		metrics.deadlineFallbacks++;
		if (note !== undefined) note.fallback = "deadline";
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
		if (note !== undefined) note.fallback = "deadline";
		// Let the loads finish so the next request for these shards is a memory hit.
		ctx.background(work.catch(noop));
		log("warn", "rta_deadline", { id: ctx.requestId, deadline_ms: deadlineMs });
		return fallback();
	} catch (e) {
		metrics.storageErrors++;
		if (note !== undefined) note.fallback = "storage_error";
		log("error", "rta_storage_error", { id: ctx.requestId, error: describeError(e) });
		return fallback();
	} finally {
		if (timer !== undefined) clearTimeout(timer);
	}
}

function noop(): void {}
