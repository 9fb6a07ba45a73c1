/**
 * Compiles a validated config once per version into what the hot path needs: segment → strategy
 * indexes, each strategy variant's `TargetInfo` already encoded, ad group whitelists as numbers,
 * the request-level tags and products of a take, and the second-stage rules indexed by ad group,
 * so deciding allocates almost nothing and never parses JSON.
 * @module
 */
import {
	create,
	type DynamicProductInfo,
	DynamicProductInfoSchema,
	type RtaTargetInfo,
	RtaTargetInfoSchema,
	toBinary,
} from "@txad/proto";
import type { BidFields, ProductListConfig, RuleAction, StrategyConfigDocument } from "./types.ts";
import { MAX_RESPONSE_CACHE_TIME, type RuleLevel, ruleLevel } from "./validate.ts";

/** A strategy's settings once an experiment override is applied. */
export interface Variant {
	enabled: boolean;
	bid: BidFields | undefined;
	/** TargetInfo #4 (undefined: none). */
	products: readonly ProductListConfig[] | undefined;
	/** Ad group ids to recall directly (RtaResponse #13). */
	aidWhitelist: readonly bigint[];
	/** The TargetInfo (out_target_id + bid fields + products); undefined when there is nothing to send. */
	targetInfo: RtaTargetInfo | undefined;
	/** `targetInfo` encoded, ready to be written as RtaResponse #12. */
	targetInfoBytes: Uint8Array | undefined;
}

/** One override, compiled. */
export interface CompiledOverride {
	expId: number;
	enabled: boolean | undefined;
	bid: BidFields | undefined;
	aidWhitelist: readonly string[] | undefined;
	products: readonly ProductListConfig[] | undefined;
}

/** One strategy, compiled. */
export interface CompiledStrategy {
	id: string;
	/** `id` as UTF-8, ready to be written as RtaResponse #10. */
	idBytes: Uint8Array;
	index: number;
	include: readonly string[];
	exclude: readonly string[];
	/** The strategy without any experiment override. */
	base: Variant;
	overrides: readonly CompiledOverride[];
	/** Variants for requests matching exactly one override, by exp_id. */
	single: ReadonlyMap<number, Variant>;
}

/** The request-level fields of every take (RtaResponse #8, #9, #17). */
export interface TakeExtras {
	dspTag: bigint | undefined;
	dspTagStr: string | undefined;
	products: readonly DynamicProductInfo[];
	/** `products`, each encoded, ready to be written as RtaResponse #9. */
	productBytes: readonly Uint8Array[];
}

/** A second-stage rule, compiled (see types.ts SecondStageRule). */
export interface CompiledRule {
	id: string;
	index: number;
	level: RuleLevel;
	adgroups: ReadonlySet<bigint> | undefined;
	advertisers: ReadonlySet<number> | undefined;
	targets: ReadonlySet<string> | undefined;
	creatives: ReadonlySet<bigint> | undefined;
	/** `${product_lib}\0${out_product_id}` of each product matched. */
	products: ReadonlySet<string> | undefined;
	segments: readonly string[] | undefined;
	action: RuleAction;
}

/** An ad group's base prices (for `multiply`). */
export interface BasePrices {
	cpc: number | undefined;
	cpa: number | undefined;
}

/** The second stage, compiled. */
export interface CompiledSecondStage {
	unmatchedAds: "omit" | "ignore";
	unselectedDevices: "refuse" | "ignore_all";
	basePrices: ReadonlyMap<bigint, BasePrices>;
	rules: readonly CompiledRule[];
	/** Per ad group named by a rule: the rules that may apply to it, in config order. */
	byAdgroup: ReadonlyMap<bigint, readonly CompiledRule[]>;
	/** The rules that name no ad group (they may apply to any), in config order. */
	general: readonly CompiledRule[];
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
	takeExtras: TakeExtras;
	/** undefined: second-stage requests are answered like first-stage ones. */
	secondStage: CompiledSecondStage | undefined;
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

const utf8 = new TextEncoder();

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
		const overrides = (s.experiments ?? []).map(
			(e): CompiledOverride => ({
				expId: e.exp_id,
				enabled: e.enabled,
				bid: e.bid,
				aidWhitelist: e.aid_whitelist,
				products: e.products,
			}),
		);
		const base = variant(s.id, true, s.bid, s.aid_whitelist ?? [], s.products);
		const single = new Map<number, Variant>();
		for (const o of overrides) single.set(o.expId, applyOverrides(s.id, base, [o]));
		const compiled: CompiledStrategy = {
			id: s.id,
			idBytes: utf8.encode(s.id),
			index,
			include,
			exclude,
			base,
			overrides,
			single,
		};
		byId.set(s.id, compiled);
		return compiled;
	});
	const requested = doc.response_cache_time ?? platformCacheTime;
	const products = (doc.products ?? []).map(productInfo);
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
		takeExtras: {
			dspTag: doc.dsp_tag === undefined ? undefined : BigInt(doc.dsp_tag),
			dspTagStr: doc.dsp_tag_str,
			products,
			productBytes: products.map((p) => toBinary(DynamicProductInfoSchema, p)),
		},
		secondStage: doc.second_stage === undefined ? undefined : compileSecondStage(doc.second_stage),
	};
}

/**
 * Applies overrides in order over a base variant: `enabled` and the lists as the last override
 * that sets them says, bid fields merged.
 * @param id - strategy id
 * @param base - the base variant
 * @param overrides - matching overrides, in config order
 * @returns the resulting variant
 */
export function applyOverrides(id: string, base: Variant, overrides: readonly CompiledOverride[]): Variant {
	let enabled = base.enabled;
	let bid = base.bid;
	let whitelist: readonly (string | bigint)[] = base.aidWhitelist;
	let products = base.products;
	for (const o of overrides) {
		if (o.enabled !== undefined) enabled = o.enabled;
		if (o.bid !== undefined) bid = { ...bid, ...o.bid };
		if (o.aidWhitelist !== undefined) whitelist = o.aidWhitelist;
		if (o.products !== undefined) products = o.products;
	}
	return variant(id, enabled, bid, whitelist, products);
}

function variant(
	id: string,
	enabled: boolean,
	bid: BidFields | undefined,
	whitelist: readonly (string | bigint)[],
	products: readonly ProductListConfig[] | undefined,
): Variant {
	const hasBid = bid !== undefined && Object.keys(bid).length > 0;
	const hasProducts = products !== undefined && products.length > 0;
	const info =
		hasBid || hasProducts ? targetInfo(id, hasBid ? bid : undefined, hasProducts ? products : []) : undefined;
	return {
		enabled,
		bid: hasBid ? bid : undefined,
		products: hasProducts ? products : undefined,
		aidWhitelist: whitelist.map((x) => BigInt(x)),
		targetInfo: info,
		targetInfoBytes: info === undefined ? undefined : toBinary(RtaTargetInfoSchema, info),
	};
}

// Only fields the config sets go on the wire (proto2 presence): an absent factor means "no
// adjustment", not 0.
function targetInfo(
	id: string,
	bid: BidFields | undefined,
	products: readonly ProductListConfig[],
): RtaTargetInfo {
	const info = create(RtaTargetInfoSchema, { outTargetId: id });
	if (bid?.cpc_price !== undefined) info.cpcPrice = bid.cpc_price;
	if (bid?.cpa_price !== undefined) info.cpaPrice = bid.cpa_price;
	if (bid?.user_weight_factor !== undefined) info.userWeightFactor = bid.user_weight_factor;
	if (bid?.cpc_factor !== undefined) info.cpcFactor = bid.cpc_factor;
	if (bid?.dsp_tag !== undefined) info.dspTag = BigInt(bid.dsp_tag);
	if (bid?.dsp_tag_str !== undefined) info.dspTagStr = bid.dsp_tag_str;
	if (bid?.pcvr !== undefined) info.pcvr = bid.pcvr;
	info.dynamicProductInfos = products.map(productInfo);
	return info;
}

function productInfo(list: ProductListConfig): DynamicProductInfo {
	return create(DynamicProductInfoSchema, {
		productLib: BigInt(list.product_lib),
		products: list.products.map((p) => {
			const product: { id?: bigint; idStr?: string; priority?: number } = {};
			if (p.id !== undefined) product.id = BigInt(p.id);
			if (p.id_str !== undefined) product.idStr = p.id_str;
			if (p.priority !== undefined) product.priority = p.priority;
			return product;
		}),
	});
}

function compileSecondStage(stage: NonNullable<StrategyConfigDocument["second_stage"]>): CompiledSecondStage {
	const basePrices = new Map<bigint, BasePrices>();
	for (const b of stage.base_prices ?? [])
		basePrices.set(BigInt(b.adgroup_id), { cpc: b.cpc_price, cpa: b.cpa_price });
	const rules = stage.rules.map((r, index): CompiledRule => {
		const m = r.match ?? {};
		return {
			id: r.id,
			index,
			level: ruleLevel(m, r.action),
			adgroups: setOf(m.adgroup_id, BigInt),
			advertisers: setOf(m.advertiser_id, Number),
			targets: setOf(m.out_target_id, String),
			creatives: setOf(m.creative_id, BigInt),
			products: setOf(
				m.products?.map((p) => productKey(BigInt(p.product_lib), p.out_product_id)),
				String,
			),
			segments: m.segments,
			action: r.action,
		};
	});
	const general = rules.filter((r) => r.adgroups === undefined);
	const byAdgroup = new Map<bigint, CompiledRule[]>();
	for (const r of rules) for (const id of r.adgroups ?? []) byAdgroup.set(id, []);
	for (const [id, list] of byAdgroup)
		for (const r of rules) if (r.adgroups === undefined || r.adgroups.has(id)) list.push(r);
	return {
		unmatchedAds: stage.unmatched_ads,
		unselectedDevices: stage.unselected_devices,
		basePrices,
		rules,
		byAdgroup,
		general,
	};
}

/**
 * The key a product is matched by.
 * @param lib - ProductInfo.product_lib
 * @param id - ProductInfo.out_product_id
 * @returns `${lib}\0${id}`
 */
export function productKey(lib: bigint, id: string): string {
	return `${lib}\u0000${id}`;
}

function setOf<T, V>(values: readonly T[] | undefined, map: (v: T) => V): ReadonlySet<V> | undefined {
	return values === undefined ? undefined : new Set(values.map((v) => map(v)));
}

function push(map: Map<string, number[]>, key: string, value: number): void {
	const list = map.get(key);
	if (list === undefined) map.set(key, [value]);
	else list.push(value);
}
