/**
 * From looked-up records to the answer: picks the record to decide on, selects strategies, and
 * builds the `RtaResponse`. Pure, like the rest of `decide/`.
 * @module
 */
import { create, type RtaResponse, RtaResponseSchema } from "@txad/proto";
import { RtaCode, type RtaCodeName } from "../codes.ts";
import type { CompiledConfig } from "../config/compile.ts";
import { type Selected, type StrategyTrace, selectStrategies } from "./decide.ts";
import type { CandidateId } from "./ids.ts";
import { type AudienceRecord, activeSegments } from "./record.ts";

/** What to answer. */
export interface Outcome {
	code: number;
	/** Name of `code` (logs, explain). */
	reason: RtaCodeName;
	/** Strategies to list; non-empty exactly when code is 0. */
	selected: readonly Selected[];
	/** response_cache_time to send; undefined = leave it to the platform. */
	cacheTime: number | undefined;
}

/** Explain detail of a decision. */
export interface DecisionTrace {
	/** The id whose record was used (first in order with an unexpired record), or null. */
	used: CandidateId | null;
	segments: readonly string[];
	strategies: StrategyTrace[];
}

/** What to answer when storage misses the deadline or fails (wrangler var FALLBACK). */
export type Fallback = { kind: "refuse" } | { kind: "strategy"; id: string };

const NO_SEGMENTS: readonly string[] = [];

/**
 * Decides from the records found for each candidate id.
 * @param config - compiled config
 * @param candidates - ids in decision order
 * @param records - record per candidate (null = none stored), same order; the first one with an
 *   active segment is decided on
 * @param expIds - experiment ids of the request
 * @param nowSeconds - epoch seconds, for segment expiry
 * @param trace - when given, filled with the explanation
 * @returns the outcome
 */
export function decideFromRecords(
	config: CompiledConfig,
	candidates: readonly CandidateId[],
	records: readonly (AudienceRecord | null)[],
	expIds: readonly number[],
	nowSeconds: number,
	trace?: DecisionTrace,
): Outcome {
	let segments = NO_SEGMENTS;
	for (let i = 0; i < records.length; i++) {
		const r = records[i] as AudienceRecord | null;
		if (r === null) continue;
		const active = activeSegments(r, nowSeconds);
		// A record whose last segment has ended is expired: as if none were stored, so the next id
		// in order gets its turn. Copies linger (edge cache, LRU; a bulk-put record never expires
		// in KV), so the end time itself must decide.
		if (active.length === 0) continue;
		segments = active;
		if (trace !== undefined) trace.used = candidates[i] ?? null;
		break;
	}
	if (trace !== undefined) trace.segments = segments;
	const selected = selectStrategies(config, segments, expIds, trace?.strategies);
	if (selected.length === 0) return refusal("NO_STRATEGY", config.responseCacheTime);
	return { code: RtaCode.TAKE, reason: "TAKE", selected, cacheTime: config.responseCacheTime };
}

/**
 * The answer when storage is too slow or failing.
 * @param fallback - FALLBACK setting
 * @param config - the loaded config, if any
 * @returns a take of the fallback strategy when the loaded config has it, else a DEADLINE refusal
 */
export function fallbackOutcome(fallback: Fallback, config: CompiledConfig | undefined): Outcome {
	if (fallback.kind === "strategy" && config !== undefined) {
		const s = config.byId.get(fallback.id);
		// Only a strategy of the loaded config: an unregistered id with code 0 means "take
		// everything" on the platform side (docs/rta/http-behaviour.md "Requests and answers").
		if (s?.base.enabled) {
			return {
				code: RtaCode.TAKE,
				reason: "TAKE",
				selected: [{ id: s.id, targetInfo: s.base.targetInfo }],
				// A guess must not be cached for long: the platform minimum.
				cacheTime: config.platformCacheTime,
			};
		}
	}
	return refusal("DEADLINE", undefined);
}

/**
 * A refusal outcome.
 * @param reason - refusal name
 * @param cacheTime - response_cache_time, if any
 * @returns the outcome
 */
export function refusal(reason: Exclude<RtaCodeName, "TAKE">, cacheTime?: number): Outcome {
	return { code: RtaCode[reason], reason, selected: [], cacheTime };
}

/**
 * Builds the wire response.
 * @param requestId - RtaRequest.id ("" = not echoed)
 * @param outcome - what to answer
 * @param processingMs - time since the request arrived; undefined = not sent (ping answers)
 * @returns the response message
 */
export function buildResponse(
	requestId: string,
	outcome: Outcome,
	processingMs: number | undefined,
): RtaResponse {
	const res = create(RtaResponseSchema);
	// proto2 presence: assigning sets the field, so code 0 is on the wire too
	// (docs/rta/wire-protocol.md RtaResponse #2 required).
	res.code = outcome.code;
	if (requestId !== "") res.requestId = requestId;
	if (processingMs !== undefined) res.processingTimeMs = processingMs;
	if (outcome.cacheTime !== undefined) res.responseCacheTime = outcome.cacheTime;
	for (const s of outcome.selected) {
		res.outTargetId.push(s.id);
		if (s.targetInfo !== undefined) res.targetInfos.push(s.targetInfo);
	}
	return res;
}
