/**
 * Compiles a validated config once per version into what the hot path needs: segment → strategy
 * indexes, and ready-made `TargetInfo` messages, so deciding allocates almost nothing and never
 * parses JSON.
 * @module
 */
import { create, type RtaTargetInfo, RtaTargetInfoSchema } from "@txad/proto";
import type { BidFields, StrategyConfigDocument } from "./types.ts";
import { MAX_RESPONSE_CACHE_TIME } from "./validate.ts";

/** A strategy's settings once an experiment override is applied. */
export interface Variant {
	enabled: boolean;
	bid: BidFields | undefined;
	/** Prebuilt TargetInfo (out_target_id + bid fields); undefined when there are no bid fields. */
	targetInfo: RtaTargetInfo | undefined;
}

/** One override, compiled. */
export interface CompiledOverride {
	expId: number;
	enabled: boolean | undefined;
	bid: BidFields | undefined;
}

/** One strategy, compiled. */
export interface CompiledStrategy {
	id: string;
	index: number;
	include: readonly string[];
	exclude: readonly string[];
	/** The strategy without any experiment override. */
	base: Variant;
	overrides: readonly CompiledOverride[];
	/** Variants for requests matching exactly one override, by exp_id. */
	single: ReadonlyMap<number, Variant>;
}

/** The compiled config. */
export interface CompiledConfig {
	version: string;
	strategies: readonly CompiledStrategy[];
	byId: ReadonlyMap<string, CompiledStrategy>;
	/** Segment → indexes of strategies including it. */
	includeIndex: ReadonlyMap<string, readonly number[]>;
	/** Segment → indexes of strategies excluding it. */
	excludeIndex: ReadonlyMap<string, readonly number[]>;
	/** Indexes of strategies with no include list (they match every looked-up device). */
	open: readonly number[];
	/** The value asked for in the config (or the platform cache time). */
	requestedCacheTime: number;
	/** What is sent: requested, clamped to [platform cache time, 7 days]. */
	responseCacheTime: number;
	/** The platform cache time it was compiled with. */
	platformCacheTime: number;
}

/**
 * Clamps a cache time to the range Tencent accepts (docs/rta/wire-protocol.md RtaResponse #7).
 * @param seconds - requested
 * @param platformCacheTime - the admission form's cache time
 * @returns the clamped value
 */
export function clampCacheTime(seconds: number, platformCacheTime: number): number {
	return Math.min(MAX_RESPONSE_CACHE_TIME, Math.max(platformCacheTime, seconds));
}

/**
 * Compiles a validated config.
 * @param doc - validated config
 * @param version - its version
 * @param platformCacheTime - seconds
 * @returns the compiled config
 * @example compileConfig(validated.config, "a1b2c3", 3600)
 */
export function compileConfig(
	doc: StrategyConfigDocument,
	version: string,
	platformCacheTime: number,
): CompiledConfig {
	const includeIndex = new Map<string, number[]>();
	const excludeIndex = new Map<string, number[]>();
	const open: number[] = [];
	const byId = new Map<string, CompiledStrategy>();
	const strategies = doc.strategies.map((s, index): CompiledStrategy => {
		const include = s.include ?? [];
		const exclude = s.exclude ?? [];
		if (include.length === 0) open.push(index);
		for (const seg of include) push(includeIndex, seg, index);
		for (const seg of exclude) push(excludeIndex, seg, index);
		const overrides = (s.experiments ?? []).map((e) => ({ expId: e.exp_id, enabled: e.enabled, bid: e.bid }));
		const base = variant(s.id, true, s.bid);
		const single = new Map<number, Variant>();
		for (const o of overrides) single.set(o.expId, applyOverrides(s.id, base, [o]));
		const compiled: CompiledStrategy = { id: s.id, index, include, exclude, base, overrides, single };
		byId.set(s.id, compiled);
		return compiled;
	});
	const requested = doc.response_cache_time ?? platformCacheTime;
	return {
		version,
		strategies,
		byId,
		includeIndex,
		excludeIndex,
		open,
		requestedCacheTime: requested,
		responseCacheTime: clampCacheTime(requested, platformCacheTime),
		platformCacheTime,
	};
}

/**
 * Applies overrides in order over a base variant.
 * @param id - strategy id
 * @param base - the base variant
 * @param overrides - matching overrides, in config order
 * @returns the resulting variant
 */
export function applyOverrides(id: string, base: Variant, overrides: readonly CompiledOverride[]): Variant {
	let enabled = base.enabled;
	let bid = base.bid;
	for (const o of overrides) {
		if (o.enabled !== undefined) enabled = o.enabled;
		if (o.bid !== undefined) bid = { ...bid, ...o.bid };
	}
	return variant(id, enabled, bid);
}

function variant(id: string, enabled: boolean, bid: BidFields | undefined): Variant {
	const hasBid = bid !== undefined && Object.keys(bid).length > 0;
	return { enabled, bid: hasBid ? bid : undefined, targetInfo: hasBid ? targetInfo(id, bid) : undefined };
}

// Only fields the config sets go on the wire (proto2 presence): an absent factor means "no
// adjustment", not 0.
function targetInfo(id: string, bid: BidFields): RtaTargetInfo {
	const info = create(RtaTargetInfoSchema, { outTargetId: id });
	if (bid.cpc_price !== undefined) info.cpcPrice = bid.cpc_price;
	if (bid.cpa_price !== undefined) info.cpaPrice = bid.cpa_price;
	if (bid.user_weight_factor !== undefined) info.userWeightFactor = bid.user_weight_factor;
	if (bid.cpc_factor !== undefined) info.cpcFactor = bid.cpc_factor;
	if (bid.dsp_tag_str !== undefined) info.dspTagStr = bid.dsp_tag_str;
	return info;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
	const list = map.get(key);
	if (list === undefined) map.set(key, [value]);
	else list.push(value);
}
