/**
 * The strategy config: which audience segments select which of our strategies (out_target_id,
 * registered with Tencent), with what bid adjustments, per experiment. Stored as JSON in KV
 * under {@link CONFIG_KEY}; validated by `validateStrategyConfig`, compiled once per version.
 * @module
 */

/** KV key of the stored config document. */
export const CONFIG_KEY = "config:strategies";

/** Most strategies in one config. */
export const MAX_STRATEGIES = 500;
/** Most ad group ids in one aid_whitelist (and in a merged answer). */
export const MAX_AID_WHITELIST = 1000;
/** Most product lists in one `products`. */
export const MAX_PRODUCT_LISTS = 20;
/** Most products of one product library in one list. */
export const MAX_PRODUCTS_PER_LIST = 100;
/** Most second-stage rules. */
export const MAX_RULES = 1000;
/** Most base prices. */
export const MAX_BASE_PRICES = 10_000;
/** Most values in one condition of a rule's match. */
export const MAX_MATCH_VALUES = 1000;

/**
 * Per-strategy bid fields, copied into `RtaResponse.TargetInfo` (docs/rta/wire-protocol.md
 * RtaResponse.TargetInfo #3, #5, #6, #7, #9, #10, #11). Prices in fen.
 */
export interface BidFields {
	/** TargetInfo #3, uint32 fen. */
	cpc_price?: number;
	/** TargetInfo #5, uint32 fen. */
	cpa_price?: number;
	/** TargetInfo #6, 0.2–5 (docs/rta/http-behaviour.md "Weight factors and prices"). */
	user_weight_factor?: number;
	/** TargetInfo #7, 0.2–5. */
	cpc_factor?: number;
	/** TargetInfo #9, uint64 as a decimal string (JSON numbers lose precision past 2^53). */
	dsp_tag?: string;
	/** TargetInfo #10, ≤ 20 bytes UTF-8. */
	dsp_tag_str?: string;
	/** TargetInfo #11, the predicted conversion rate: more than 0, at most 1. */
	pcvr?: number;
}

/** One recommended product (DynamicProductInfo.Product): exactly one of `id` and `id_str`. */
export interface ProductConfig {
	/** Product #1, uint64 as a decimal string. */
	id?: string;
	/** Product #5, the id as text. */
	id_str?: string;
	/** Product #2, 1–100, higher first; absent = the order of the list. */
	priority?: number;
}

/** Products of one product library (docs/rta/wire-protocol.md DynamicProductInfo). */
export interface ProductListConfig {
	/** DynamicProductInfo #1, uint64 as a decimal string. */
	product_lib: string;
	products: ProductConfig[];
}

/** Changes to a strategy for requests in one experiment group (RtaRequest.exps[].exp_id). */
export interface ExperimentOverride {
	/** RtaRequest.Experiment #1, uint32. */
	exp_id: number;
	/** false: the strategy is not selected for requests in this group. */
	enabled?: boolean;
	/** Merged over the strategy's own bid fields. */
	bid?: BidFields;
	/** Replaces the strategy's aid_whitelist. */
	aid_whitelist?: string[];
	/** Replaces the strategy's products. */
	products?: ProductListConfig[];
}

/** One strategy. */
export interface StrategyConfig {
	/** The out_target_id registered with Tencent. */
	id: string;
	/** Free text for humans. */
	description?: string;
	/** The device must be in at least one of these segments; empty/absent = every looked-up device. */
	include?: string[];
	/** The device must be in none of these segments. */
	exclude?: string[];
	/** Bid fields sent in a TargetInfo; absent = out_target_id only. */
	bid?: BidFields;
	/** Ad group ids (uint64 decimal strings) to recall directly: RtaResponse #13, merged over the selected strategies. */
	aid_whitelist?: string[];
	/** Products recommended with this strategy: TargetInfo #4 (overrides the global list for it). */
	products?: ProductListConfig[];
	/** Overrides by experiment, applied in list order. */
	experiments?: ExperimentOverride[];
}

/** Which ads a second-stage rule applies to; every condition given must hold, each is "any of". */
export interface RuleMatch {
	/** AdInfo #1, uint64 decimal strings. */
	adgroup_id?: string[];
	/** AdInfo #4, uint32. */
	advertiser_id?: number[];
	/** AdInfo #5: the first-stage strategy that recalled the ad. */
	out_target_id?: string[];
	/** CreativeInfo #1, uint64 decimal strings: the rule prices these creatives of the ad. */
	creative_id?: string[];
	/** ProductInfo pairs: the rule prices these products of the ad. */
	products?: { product_lib: string; out_product_id: string }[];
	/** The device must hold at least one of these segments. */
	segments?: string[];
}

/**
 * What a rule does to what it matched (docs/rta/wire-protocol.md RtaResponse.AdResult). Where it
 * lands follows the match: products (`match.products`), creatives (`match.creative_id`, or an
 * `out_raise_factor`), else the ad group.
 */
export interface RuleAction {
	/** CPC in fen (AdResult #3, CreativeResult #2, ProductResult #3). */
	cpc_price?: number;
	/** CPA in fen (AdResult #6, CreativeResult #4). */
	cpa_price?: number;
	/** The ad group's base price (`base_prices`) times this factor, rounded to fen. */
	multiply?: number;
	/** CreativeResult #3, per creative. */
	out_raise_factor?: number;
	/** AdResult #12, the advertiser's subsidy: only more than 1.0 acts. */
	raise_factor_to_tencent?: number;
	/** AdResult #4: hand the ad back to the platform unchanged. */
	ignore?: true;
}

/** One second-stage rule. */
export interface SecondStageRule {
	/** Names the rule in explain output: 1–64 of `A-Z a-z 0-9 _ . : -`. */
	id: string;
	description?: string;
	/** Absent or empty: every ad. */
	match?: RuleMatch;
	action: RuleAction;
}

/** The price an ad group is bought at, for `multiply` rules. */
export interface BasePrice {
	/** uint64 decimal string. */
	adgroup_id: string;
	cpc_price?: number;
	cpa_price?: number;
}

/** Pricing of second-stage (ADLIST) requests (docs/rta/advanced-features.md "Second-stage requests"). */
export interface SecondStageConfig {
	/** Ads no rule prices: left out of ad_results, or answered `ignore: true`. */
	unmatched_ads: "omit" | "ignore";
	/** Devices no strategy selects: refused (code NO_STRATEGY), or code 0 with every ad `ignore: true`. */
	unselected_devices: "refuse" | "ignore_all";
	base_prices?: BasePrice[];
	/** Checked in order; per ad group, creative and product the first rule that applies wins. */
	rules: SecondStageRule[];
}

/** The whole config. */
export interface StrategyConfigDocument {
	/**
	 * Seconds Tencent may cache an answer (RtaResponse #7); clamped to [platform cache time, 7 days].
	 * Absent = the platform cache time.
	 */
	response_cache_time?: number;
	/** Request-level tag of every take (RtaResponse #8), uint64 decimal string; a strategy's own tag wins. */
	dsp_tag?: string;
	/** Request-level tag of every take (RtaResponse #17), ≤ 20 bytes UTF-8. */
	dsp_tag_str?: string;
	/** Products of every take (RtaResponse #9, mDPA); a strategy's own products win for it. */
	products?: ProductListConfig[];
	/** Strategies, in the order they are listed in answers. */
	strategies: StrategyConfig[];
	/** Absent: a second-stage request is answered like a first-stage one, without ad_results. */
	second_stage?: SecondStageConfig;
}

/** The stored form: the config plus its version. */
export interface StoredConfig {
	/** Content hash of `config` (first 16 hex of SHA-256 of its JSON). */
	version: string;
	/** ISO instant of the PUT. */
	updated_at: string;
	config: StrategyConfigDocument;
}

/** One validation problem. */
export interface ConfigIssue {
	/** JSON path, e.g. `$.strategies[2].bid.cpc_factor`. */
	path: string;
	message: string;
}
