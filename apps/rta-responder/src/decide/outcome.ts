/**
 * From what the audience says about each of a request's ids to the answer: unites their
 * segments, selects strategies, merges their whitelists, bounds the cache time by when the
 * selection would change, and prices the ads of a second-stage request (second-stage.ts). Pure,
 * like the rest of `decide/`; src/wire/response.ts writes the outcome as an `RtaResponse`.
 * @module
 */
import { type Membership, unionActive } from "@txad/audience";
import type { AdInfoView } from "@txad/proto";
import { RtaCode, type RtaCodeName } from "../codes.ts";
import type { CompiledConfig, TakeExtras } from "../config/compile.ts";
import { MAX_AID_WHITELIST } from "../config/types.ts";
import { type Selected, type StrategyTrace, selectStrategies } from "./decide.ts";
import type { CandidateId } from "./ids.ts";
import { type AdTrace, ignoreAll, type PricedAd, priceAds } from "./second-stage.ts";

/** What to answer. */
export interface Outcome {
	code: number;
	/** Name of `code` (logs, explain). */
	reason: RtaCodeName;
	/**
	 * Strategies to list; non-empty when code is 0, except on a second-stage answer whose every
	 * ad is `ignore: true` (`unselected_devices: "ignore_all"`).
	 */
	selected: readonly Selected[];
	/** response_cache_time to send; undefined = leave it to the platform. */
	cacheTime: number | undefined;
	/** RtaResponse #13: the selected strategies' whitelists, merged. */
	aidWhitelist: readonly bigint[];
	/** The request-level tags and products of a take (RtaResponse #8, #9, #17); undefined otherwise. */
	extras: TakeExtras | undefined;
	/** RtaResponse #14: second-stage answers only. */
	adResults: readonly PricedAd[] | undefined;
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
	/** Second-stage requests: one entry per ad. */
	ads: AdTrace[];
}

/** What to answer when storage misses the deadline or fails (wrangler var FALLBACK). */
export type Fallback = { kind: "refuse" } | { kind: "strategy"; id: string };

const NO_IDS: readonly bigint[] = [];

/**
 * Decides from what the audience says about each candidate id. The segments of all ids are
 * united: a device excluded under its OAID is excluded whichever of its ids matched, and a
 * membership that has ended counts for nothing. A second-stage request (`ads` given) also gets its
 * ads priced when the config has a `second_stage`; its answer carries no cache time (it prices
 * these ads, there is nothing to cache).
 * @param config - compiled config
 * @param candidates - ids in decision order
 * @param memberships - per candidate, its segments (null = not in the audience), same order
 * @param expIds - experiment ids of the request
 * @param nowSeconds - epoch seconds, for segment ends
 * @param ads - RtaRequest.ad_infos of a second-stage request; undefined for a first-stage one
 * @param trace - when given, filled with the explanation
 * @returns the outcome
 */
export function decideFromMemberships(
	config: CompiledConfig,
	candidates: readonly CandidateId[],
	memberships: readonly (Membership | null)[],
	expIds: readonly number[],
	nowSeconds: number,
	ads?: readonly AdInfoView[],
	trace?: DecisionTrace,
): Outcome {
	const united = unionActive(memberships, nowSeconds);
	if (trace !== undefined) {
		trace.segments = united.names;
		trace.used = candidates.filter((_, i) => unionActive([memberships[i]], nowSeconds).names.length > 0);
	}
	const selected = selectStrategies(config, united.names, expIds, trace?.strategies);
	const stage = ads === undefined ? undefined : config.secondStage;
	if (selected.length === 0) {
		if (stage?.unselectedDevices === "ignore_all" && ads !== undefined)
			return { ...take([], undefined, undefined), adResults: ignoreAll(ads), aidWhitelist: NO_IDS };
		return refusal("NO_STRATEGY", ads === undefined ? config.responseCacheTime : undefined);
	}
	if (ads !== undefined) {
		const adResults = stage === undefined ? undefined : priceAds(stage, ads, united.names, trace?.ads);
		return { ...take(selected, undefined, config), adResults };
	}
	const ends = selectionEnd(config, selected, united);
	if (trace !== undefined) trace.selectionEnds = ends ?? null;
	return take(selected, cacheTimeUntil(config, ends, nowSeconds), config);
}

function take(
	selected: readonly Selected[],
	cacheTime: number | undefined,
	config: CompiledConfig | undefined,
): Outcome {
	return {
		code: RtaCode.TAKE,
		reason: "TAKE",
		selected,
		cacheTime,
		aidWhitelist: mergeWhitelists(selected),
		extras: config?.takeExtras,
		adResults: undefined,
	};
}

/**
 * The selected strategies' aid_whitelists as one list: in strategy order, each id once, at most
 * {@link MAX_AID_WHITELIST}.
 * @param selected - the selected strategies
 * @returns the merged list (one strategy's own list when only it has one)
 */
export function mergeWhitelists(selected: readonly Selected[]): readonly bigint[] {
	let first: readonly bigint[] | undefined;
	let merged: Set<bigint> | undefined;
	for (const s of selected) {
		const list = s.variant.aidWhitelist;
		if (list.length === 0) continue;
		if (first === undefined) {
			first = list;
			continue;
		}
		merged ??= new Set(first);
		for (const id of list) {
			if (merged.size >= MAX_AID_WHITELIST) break;
			merged.add(id);
		}
	}
	return merged === undefined ? (first ?? NO_IDS) : [...merged];
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
 * @param ads - RtaRequest.ad_infos of a second-stage request: the segments are unknown, so no
 *   rule can be checked, and every ad is treated as unmatched
 * @returns a take of the fallback strategy when the loaded config has it, else a DEADLINE refusal
 */
export function fallbackOutcome(
	fallback: Fallback,
	config: CompiledConfig | undefined,
	ads?: readonly AdInfoView[],
): Outcome {
	if (fallback.kind === "strategy" && config !== undefined) {
		const s = config.byId.get(fallback.id);
		// Only a strategy of the loaded config: an unregistered id with code 0 means "take
		// everything" on the platform side (docs/rta/http-behaviour.md "Requests and answers").
		if (s?.base.enabled) {
			const selected: Selected[] = [{ id: s.id, idBytes: s.idBytes, variant: s.base }];
			if (ads !== undefined) {
				const stage = config.secondStage;
				const adResults =
					stage === undefined ? undefined : stage.unmatchedAds === "ignore" ? ignoreAll(ads) : [];
				return { ...take(selected, undefined, config), adResults };
			}
			// A guess must not be cached for long: the platform minimum.
			return take(selected, config.platformCacheTime, config);
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
	return {
		code: RtaCode[reason],
		reason,
		selected: [],
		cacheTime,
		aidWhitelist: NO_IDS,
		extras: undefined,
		adResults: undefined,
	};
}
