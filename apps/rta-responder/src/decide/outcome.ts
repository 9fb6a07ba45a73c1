/**
 * From what the audience says about each of a request's ids to the answer: unites their
 * segments, selects strategies, bounds the cache time by when the selection would change, and
 * builds the `RtaResponse`. Pure, like the rest of `decide/`.
 * @module
 */
import { type Membership, unionActive } from "@txad/audience";
import { create, type RtaResponse, RtaResponseSchema } from "@txad/proto";
import { RtaCode, type RtaCodeName } from "../codes.ts";
import type { CompiledConfig } from "../config/compile.ts";
import { type Selected, type StrategyTrace, selectStrategies } from "./decide.ts";
import type { CandidateId } from "./ids.ts";

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
	/** The ids that have active segments: all of them count, their segments are united. */
	used: CandidateId[];
	/** The united active segments. */
	segments: readonly string[];
	/** Epoch seconds the selection holds until (the cache time is bounded by it); null: no end. */
	selectionEnds: number | null;
	strategies: StrategyTrace[];
}

/** What to answer when storage misses the deadline or fails (wrangler var FALLBACK). */
export type Fallback = { kind: "refuse" } | { kind: "strategy"; id: string };

/**
 * Decides from what the audience says about each candidate id. The segments of all ids are
 * united: a device excluded under its OAID is excluded whichever of its ids matched, and a
 * membership that has ended counts for nothing.
 * @param config - compiled config
 * @param candidates - ids in decision order
 * @param memberships - per candidate, its segments (null = not in the audience), same order
 * @param expIds - experiment ids of the request
 * @param nowSeconds - epoch seconds, for segment ends
 * @param trace - when given, filled with the explanation
 * @returns the outcome
 */
export function decideFromMemberships(
	config: CompiledConfig,
	candidates: readonly CandidateId[],
	memberships: readonly (Membership | null)[],
	expIds: readonly number[],
	nowSeconds: number,
	trace?: DecisionTrace,
): Outcome {
	const united = unionActive(memberships, nowSeconds);
	if (trace !== undefined) {
		trace.segments = united.names;
		trace.used = candidates.filter((_, i) => unionActive([memberships[i]], nowSeconds).names.length > 0);
	}
	const selected = selectStrategies(config, united.names, expIds, trace?.strategies);
	if (selected.length === 0) return refusal("NO_STRATEGY", config.responseCacheTime);
	const ends = selectionEnd(config, selected, united);
	if (trace !== undefined) trace.selectionEnds = ends ?? null;
	return {
		code: RtaCode.TAKE,
		reason: "TAKE",
		selected,
		cacheTime: cacheTimeUntil(config, ends, nowSeconds),
	};
}

/**
 * When the selection stops holding: a strategy selected by include segments stays selected
 * until the last of its matched include segments ends; the answer changes at the earliest such
 * end among the selected strategies. Strategies without include lists never end this way.
 * @param config - compiled config
 * @param selected - the selected strategies
 * @param united - the united active segments
 * @returns epoch seconds, or undefined when no selected strategy can end
 */
export function selectionEnd(
	config: CompiledConfig,
	selected: readonly Selected[],
	united: Membership,
): number | undefined {
	let earliest: number | undefined;
	for (const s of selected) {
		const strategy = config.byId.get(s.id);
		if (strategy === undefined) continue;
		let last = 0;
		for (const segment of strategy.include) {
			const i = united.names.indexOf(segment);
			if (i < 0) continue;
			const end = united.until[i] as number;
			if (end === 0) {
				last = 0;
				break;
			}
			last = Math.max(last, end);
		}
		if (last > 0 && (earliest === undefined || last < earliest)) earliest = last;
	}
	return earliest;
}

/**
 * The cache time to send for a take: the config's, shortened to the selection's end, never
 * below the platform cache time (docs/rta/wire-protocol.md RtaResponse #7: platform cache time ≤
 * value ≤ 7 days).
 * @param config - compiled config (its response and platform cache times)
 * @param ends - from {@link selectionEnd}
 * @param nowSeconds - epoch seconds
 * @returns seconds
 */
export function cacheTimeUntil(config: CompiledConfig, ends: number | undefined, nowSeconds: number): number {
	if (ends === undefined) return config.responseCacheTime;
	return Math.max(config.platformCacheTime, Math.min(config.responseCacheTime, ends - nowSeconds));
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
