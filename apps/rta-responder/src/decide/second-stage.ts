/**
 * Second-stage (ADLIST) pricing: the ads Tencent lists in `ad_infos` (docs/rta/advanced-features.md
 * "Second-stage requests") against the config's rules, into `ad_results`. Pure, like the rest of
 * `decide/`.
 *
 * Rules are checked in config order; for the ad group, each creative and each product of an ad,
 * the first rule that applies wins (a rule applies when every condition of its match holds and,
 * for `multiply`, the ad group has the base price it multiplies). Only ads, creatives and products
 * of the request are ever priced; an ad listed twice is priced once. Tencent applies its own
 * precedence on the answer — CPC product > creative > ad group, CPA creative > ad group — so each
 * price lands at the level its rule names and the explanation shows the price that results. An
 * ad group answered `ignore` carries nothing else: it goes back to the platform unchanged.
 * @module
 */
import type { AdInfoView } from "@txad/proto";
import {
	type BasePrices,
	type CompiledRule,
	type CompiledSecondStage,
	productKey,
} from "../config/compile.ts";
import type { RuleAction } from "../config/types.ts";

/** Most ads of one request priced; later ones are left out (a request lists the few dozen that survived coarse ranking). */
export const MAX_PRICED_ADS = 1000;

const UINT32_MAX = 0xffff_ffff;

/** A creative's prices (AdResult.CreativeResult). */
export interface PricedCreative {
	creativeId: bigint;
	cpc: number | undefined;
	cpa: number | undefined;
	outRaiseFactor: number | undefined;
}

/** A product's price (AdResult.ProductResult); the id's exact bytes are echoed. */
export interface PricedProduct {
	productLib: bigint;
	outProductId: string;
	outProductIdBytes: Uint8Array;
	cpc: number;
}

/** One AdResult. */
export interface PricedAd {
	adgroupId: bigint;
	/** true: nothing else is sent for the ad. */
	ignore: boolean;
	cpc: number | undefined;
	cpa: number | undefined;
	raiseFactor: number | undefined;
	creatives: readonly PricedCreative[];
	products: readonly PricedProduct[];
}

/** Why an ad got its result (explain output). */
export interface AdTrace {
	adgroup_id: string;
	advertiser_id: number;
	out_target_id: string;
	result: "priced" | "ignored" | "unmatched_omitted" | "unmatched_ignored" | "duplicate" | "over_limit";
	/** The rule that set the ad group's fields, if any. */
	adgroup_rule: string | null;
	creative_rules: { creative_id: string; rule: string }[];
	product_rules: { product_lib: string; out_product_id: string; rule: string }[];
	/** What Tencent ends up applying (CPC product > creative > ad group; CPA creative > ad group). */
	effective: {
		adgroup: { cpc_price: number | null; cpa_price: number | null };
		creatives: { creative_id: string; cpc_price: number | null; cpa_price: number | null }[];
		products: { product_lib: string; out_product_id: string; cpc_price: number | null }[];
	} | null;
	notes: string[];
}

const NONE: readonly PricedCreative[] = [];
const NO_PRODUCTS: readonly PricedProduct[] = [];

/**
 * Prices the ads of a second-stage request for a device some strategy selected.
 * @param stage - the compiled second stage
 * @param ads - RtaRequest.ad_infos, in request order
 * @param segments - the device's active segments (for rules limited to segments)
 * @param trace - when given, receives one entry per ad
 * @returns the ad_results, in request order
 * @example priceAds(config.secondStage, request.adInfos, ["new_user"])
 */
export function priceAds(
	stage: CompiledSecondStage,
	ads: readonly AdInfoView[],
	segments: readonly string[],
	trace?: AdTrace[],
): PricedAd[] {
	const out: PricedAd[] = [];
	const seen = new Set<bigint>();
	for (const ad of ads) {
		if (seen.has(ad.adgroupId)) {
			trace?.push(traceOf(ad, "duplicate", ["listed earlier in ad_infos: priced there"]));
			continue;
		}
		seen.add(ad.adgroupId);
		if (seen.size > MAX_PRICED_ADS) {
			trace?.push(traceOf(ad, "over_limit", [`only the first ${MAX_PRICED_ADS} ads are priced`]));
			continue;
		}
		const priced = priceAd(stage, ad, segments, trace);
		if (priced !== undefined) out.push(priced);
	}
	return out;
}

/**
 * Every distinct ad answered `ignore: true` (devices no strategy selects, with
 * `unselected_devices: "ignore_all"`, and deadline answers with `unmatched_ads: "ignore"`).
 * @param ads - RtaRequest.ad_infos
 * @returns one ignore per ad group, in request order (at most {@link MAX_PRICED_ADS})
 */
export function ignoreAll(ads: readonly AdInfoView[]): PricedAd[] {
	const out: PricedAd[] = [];
	const seen = new Set<bigint>();
	for (const ad of ads) {
		if (seen.has(ad.adgroupId) || seen.size >= MAX_PRICED_ADS) continue;
		seen.add(ad.adgroupId);
		out.push(ignored(ad.adgroupId));
	}
	return out;
}

function priceAd(
	stage: CompiledSecondStage,
	ad: AdInfoView,
	segments: readonly string[],
	trace: AdTrace[] | undefined,
): PricedAd | undefined {
	const rules = stage.byAdgroup.get(ad.adgroupId) ?? stage.general;
	const base = stage.basePrices.get(ad.adgroupId);
	let groupRule: CompiledRule | undefined;
	// Per creative / product of the ad (first occurrence of each id), the rule that prices it.
	let creativeRules: (CompiledRule | undefined)[] | undefined;
	let productRules: (CompiledRule | undefined)[] | undefined;
	const notes: string[] = [];
	for (const rule of rules) {
		if (!adMatches(rule, ad, segments)) continue;
		if (!hasBase(rule.action, base, rule.level === "product")) {
			notes.push(`rule ${rule.id}: ad group ${ad.adgroupId} has no base price to multiply`);
			continue;
		}
		if (rule.level === "adgroup") groupRule ??= rule;
		else if (rule.level === "creative") {
			creativeRules ??= new Array(ad.creativeInfos.length);
			for (let i = 0; i < ad.creativeInfos.length; i++) {
				const c = ad.creativeInfos[i] as AdInfoView["creativeInfos"][number];
				if (
					creativeRules[i] === undefined &&
					(rule.creatives === undefined || rule.creatives.has(c.creativeId))
				)
					creativeRules[i] = rule;
			}
		} else {
			productRules ??= new Array(ad.productInfos.length);
			for (let i = 0; i < ad.productInfos.length; i++) {
				const p = ad.productInfos[i] as AdInfoView["productInfos"][number];
				if (productRules[i] === undefined && rule.products?.has(productKey(p.productLib, p.outProductId)))
					productRules[i] = rule;
			}
		}
	}
	const creatives = creativeRules === undefined ? NONE : pricedCreatives(ad, creativeRules, base, notes);
	const products = productRules === undefined ? NO_PRODUCTS : pricedProducts(ad, productRules, base, notes);
	if (groupRule === undefined && creatives.length === 0 && products.length === 0) {
		const ignore = stage.unmatchedAds === "ignore";
		trace?.push(traceOf(ad, ignore ? "unmatched_ignored" : "unmatched_omitted", notes));
		return ignore ? ignored(ad.adgroupId) : undefined;
	}
	const action = groupRule?.action;
	if (action?.ignore === true) {
		if (creatives.length + products.length > 0)
			notes.push("ignored: the creative and product prices of the ad are not sent");
		trace?.push({ ...traceOf(ad, "ignored", notes), adgroup_rule: groupRule?.id ?? null });
		return ignored(ad.adgroupId);
	}
	const result: PricedAd = {
		adgroupId: ad.adgroupId,
		ignore: false,
		cpc: action === undefined ? undefined : cpcOf(action, base),
		cpa: action === undefined ? undefined : cpaOf(action, base),
		raiseFactor: action?.raise_factor_to_tencent,
		creatives,
		products,
	};
	if (trace !== undefined) trace.push(pricedTrace(ad, result, groupRule, creativeRules, productRules, notes));
	return result;
}

function adMatches(rule: CompiledRule, ad: AdInfoView, segments: readonly string[]): boolean {
	if (rule.adgroups !== undefined && !rule.adgroups.has(ad.adgroupId)) return false;
	if (rule.advertisers !== undefined && !rule.advertisers.has(ad.advertiserId)) return false;
	if (rule.targets !== undefined && !rule.targets.has(ad.outTargetId)) return false;
	if (rule.segments !== undefined && !rule.segments.some((s) => segments.includes(s))) return false;
	return true;
}

// A `multiply` rule applies only where there is something to multiply.
function hasBase(action: RuleAction, base: BasePrices | undefined, cpcOnly: boolean): boolean {
	if (action.multiply === undefined) return true;
	return base?.cpc !== undefined || (!cpcOnly && base?.cpa !== undefined);
}

function pricedCreatives(
	ad: AdInfoView,
	rules: readonly (CompiledRule | undefined)[],
	base: BasePrices | undefined,
	notes: string[],
): PricedCreative[] {
	const out: PricedCreative[] = [];
	const seen = new Set<bigint>();
	for (let i = 0; i < ad.creativeInfos.length; i++) {
		const rule = rules[i];
		const id = (ad.creativeInfos[i] as AdInfoView["creativeInfos"][number]).creativeId;
		if (rule === undefined) continue;
		if (seen.has(id)) {
			notes.push(`creative ${id} is listed twice: priced once`);
			continue;
		}
		seen.add(id);
		out.push({
			creativeId: id,
			cpc: cpcOf(rule.action, base),
			cpa: cpaOf(rule.action, base),
			outRaiseFactor: rule.action.out_raise_factor,
		});
	}
	return out;
}

function pricedProducts(
	ad: AdInfoView,
	rules: readonly (CompiledRule | undefined)[],
	base: BasePrices | undefined,
	notes: string[],
): PricedProduct[] {
	const out: PricedProduct[] = [];
	const seen = new Set<string>();
	for (let i = 0; i < ad.productInfos.length; i++) {
		const rule = rules[i];
		if (rule === undefined) continue;
		const p = ad.productInfos[i] as AdInfoView["productInfos"][number];
		const key = productKey(p.productLib, p.outProductId);
		if (seen.has(key)) {
			notes.push(`product ${p.productLib}/${p.outProductId} is listed twice: priced once`);
			continue;
		}
		seen.add(key);
		out.push({
			productLib: p.productLib,
			outProductId: p.outProductId,
			outProductIdBytes: p.outProductIdBytes,
			cpc: cpcOf(rule.action, base) as number,
		});
	}
	return out;
}

/**
 * The CPC an action sets, in fen.
 * @param action - the rule's action
 * @param base - the ad group's base prices
 * @returns `cpc_price`, or the base CPC times `multiply` (rounded, at least 1 fen), or undefined
 */
export function cpcOf(action: RuleAction, base: BasePrices | undefined): number | undefined {
	if (action.cpc_price !== undefined) return action.cpc_price;
	return scaled(base?.cpc, action.multiply);
}

/**
 * The CPA an action sets, in fen.
 * @param action - the rule's action
 * @param base - the ad group's base prices
 * @returns `cpa_price`, or the base CPA times `multiply` (rounded, at least 1 fen), or undefined
 */
export function cpaOf(action: RuleAction, base: BasePrices | undefined): number | undefined {
	if (action.cpa_price !== undefined) return action.cpa_price;
	return scaled(base?.cpa, action.multiply);
}

function scaled(base: number | undefined, factor: number | undefined): number | undefined {
	if (base === undefined || factor === undefined) return undefined;
	return Math.min(UINT32_MAX, Math.max(1, Math.round(base * factor)));
}

function ignored(adgroupId: bigint): PricedAd {
	return {
		adgroupId,
		ignore: true,
		cpc: undefined,
		cpa: undefined,
		raiseFactor: undefined,
		creatives: NONE,
		products: NO_PRODUCTS,
	};
}

function traceOf(ad: AdInfoView, result: AdTrace["result"], notes: string[]): AdTrace {
	return {
		adgroup_id: String(ad.adgroupId),
		advertiser_id: ad.advertiserId,
		out_target_id: ad.outTargetId,
		result,
		adgroup_rule: null,
		creative_rules: [],
		product_rules: [],
		effective: null,
		notes,
	};
}

function pricedTrace(
	ad: AdInfoView,
	result: PricedAd,
	groupRule: CompiledRule | undefined,
	creativeRules: readonly (CompiledRule | undefined)[] | undefined,
	productRules: readonly (CompiledRule | undefined)[] | undefined,
	notes: string[],
): AdTrace {
	const t = traceOf(ad, "priced", notes);
	t.adgroup_rule = groupRule?.id ?? null;
	ad.creativeInfos.forEach((c, i) => {
		const rule = creativeRules?.[i];
		if (rule !== undefined) t.creative_rules.push({ creative_id: String(c.creativeId), rule: rule.id });
	});
	ad.productInfos.forEach((p, i) => {
		const rule = productRules?.[i];
		if (rule !== undefined)
			t.product_rules.push({
				product_lib: String(p.productLib),
				out_product_id: p.outProductId,
				rule: rule.id,
			});
	});
	const byCreative = new Map(result.creatives.map((c) => [c.creativeId, c]));
	const byProduct = new Map(result.products.map((p) => [productKey(p.productLib, p.outProductId), p]));
	t.effective = {
		adgroup: { cpc_price: result.cpc ?? null, cpa_price: result.cpa ?? null },
		creatives: ad.creativeInfos.map((c) => {
			const priced = byCreative.get(c.creativeId);
			return {
				creative_id: String(c.creativeId),
				cpc_price: priced?.cpc ?? result.cpc ?? null,
				cpa_price: priced?.cpa ?? result.cpa ?? null,
			};
		}),
		products: ad.productInfos.map((p) => ({
			product_lib: String(p.productLib),
			out_product_id: p.outProductId,
			cpc_price: byProduct.get(productKey(p.productLib, p.outProductId))?.cpc ?? null,
		})),
	};
	return t;
}
