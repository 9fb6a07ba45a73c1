/**
 * Validation of the strategy config: every problem is reported at once with its JSON path, so a
 * PUT that fails lists all that must be fixed, not just the first. What passes is copied field by
 * field into the document that is stored, so it holds exactly what was checked.
 * @module
 */
import { isSegmentName } from "@txad/audience";
import {
	type BasePrice,
	type BidFields,
	type ConfigIssue,
	type ExperimentOverride,
	MAX_AID_WHITELIST,
	MAX_BASE_PRICES,
	MAX_MATCH_VALUES,
	MAX_PRODUCT_LISTS,
	MAX_PRODUCTS_PER_LIST,
	MAX_RULES,
	MAX_STRATEGIES,
	type ProductConfig,
	type ProductListConfig,
	type RuleAction,
	type RuleMatch,
	type SecondStageConfig,
	type SecondStageRule,
	type StrategyConfig,
	type StrategyConfigDocument,
} from "./types.ts";

/** docs/rta/wire-protocol.md RtaResponse #7: at most 7 days. */
export const MAX_RESPONSE_CACHE_TIME = 7 * 24 * 3600;
/** docs/rta/http-behaviour.md "Weight factors and prices": weight factors' default bounds. */
export const FACTOR_MIN = 0.2;
/** docs/rta/http-behaviour.md "Weight factors and prices": weight factors' default bounds. */
export const FACTOR_MAX = 5;
/** docs/rta/wire-protocol.md RtaResponse.TargetInfo #10 / RtaResponse #17: ≤ 20 bytes. */
export const MAX_DSP_TAG_STR_BYTES = 20;
/** Our bound on second-stage factors (Tencent publishes none): a factor past it is a typo. */
export const MAX_RULE_FACTOR = 10;
/** Longest `id_str` / `out_product_id` accepted, in bytes of UTF-8. */
export const MAX_PRODUCT_ID_BYTES = 256;
const UINT32_MAX = 0xffff_ffff;
const UINT64_MAX = 18_446_744_073_709_551_615n;
// Strategy and rule ids: registered with Tencent's management API (strategies); printable and short.
const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

const PRICE_MESSAGE = "must be a positive integer in fen (uint32)";
const UINT64_MESSAGE =
	'must be a uint64 as a decimal string, e.g. "1001" (JSON numbers lose precision past 2^53)';

/** Result of validation. */
export type ConfigValidation =
	| { ok: true; config: StrategyConfigDocument; warnings: ConfigIssue[] }
	| { ok: false; errors: ConfigIssue[] };

const ROOT_KEYS = new Set([
	"response_cache_time",
	"dsp_tag",
	"dsp_tag_str",
	"products",
	"strategies",
	"second_stage",
]);
const STRATEGY_KEYS = new Set([
	"id",
	"description",
	"include",
	"exclude",
	"bid",
	"aid_whitelist",
	"products",
	"experiments",
]);
const BID_KEYS = new Set([
	"cpc_price",
	"cpa_price",
	"user_weight_factor",
	"cpc_factor",
	"dsp_tag",
	"dsp_tag_str",
	"pcvr",
]);
const EXPERIMENT_KEYS = new Set(["exp_id", "enabled", "bid", "aid_whitelist", "products"]);
const PRODUCT_LIST_KEYS = new Set(["product_lib", "products"]);
const PRODUCT_KEYS = new Set(["id", "id_str", "priority"]);
const SECOND_STAGE_KEYS = new Set(["unmatched_ads", "unselected_devices", "base_prices", "rules"]);
const BASE_PRICE_KEYS = new Set(["adgroup_id", "cpc_price", "cpa_price"]);
const RULE_KEYS = new Set(["id", "description", "match", "action"]);
const MATCH_KEYS = new Set([
	"adgroup_id",
	"advertiser_id",
	"out_target_id",
	"creative_id",
	"products",
	"segments",
]);
const MATCH_PRODUCT_KEYS = new Set(["product_lib", "out_product_id"]);
const ACTION_KEYS = new Set([
	"cpc_price",
	"cpa_price",
	"multiply",
	"out_raise_factor",
	"raise_factor_to_tencent",
	"ignore",
]);

/** Collects errors and warnings, each with its JSON path. */
class Issues {
	readonly errors: ConfigIssue[] = [];
	readonly warnings: ConfigIssue[] = [];
	err(path: string, message: string): void {
		this.errors.push({ path, message });
	}
	warn(path: string, message: string): void {
		this.warnings.push({ path, message });
	}
}

/**
 * Validates a parsed JSON value as a strategy config.
 * @param input - parsed JSON
 * @param platformCacheTime - seconds (admission form), to warn when response_cache_time gets clamped
 * @returns the typed config and warnings, or every error with its path
 * @example validateStrategyConfig({ strategies: [{ id: "st_a", include: ["new_user"] }] }, 3600)
 */
export function validateStrategyConfig(input: unknown, platformCacheTime: number): ConfigValidation {
	const c = new Issues();
	const { errors, warnings } = c;

	if (!isObject(input)) {
		c.err("$", "must be a JSON object with a `strategies` array");
		return { ok: false, errors };
	}
	unknownKeys(input, ROOT_KEYS, "$", c);
	const out: StrategyConfigDocument = { strategies: [] };

	const rct = input.response_cache_time;
	if (rct !== undefined) {
		if (!isInt(rct) || rct < 1)
			c.err("$.response_cache_time", "must be a positive integer number of seconds");
		else {
			out.response_cache_time = rct;
			if (rct < platformCacheTime)
				c.warn(
					"$.response_cache_time",
					`${rct} is below the platform cache time ${platformCacheTime}; ${platformCacheTime} is sent`,
				);
			else if (rct > MAX_RESPONSE_CACHE_TIME)
				c.warn("$.response_cache_time", `${rct} is above 7 days; ${MAX_RESPONSE_CACHE_TIME} is sent`);
		}
	}
	if (input.dsp_tag !== undefined) {
		const tag = uint64(input.dsp_tag, "$.dsp_tag", c);
		if (tag !== undefined) out.dsp_tag = tag;
	}
	if (input.dsp_tag_str !== undefined) {
		const tag = dspTagStr(input.dsp_tag_str, "$.dsp_tag_str", c);
		if (tag !== undefined) out.dsp_tag_str = tag;
	}
	if (input.products !== undefined) {
		const products = productLists(input.products, "$.products", c);
		if (products !== undefined) out.products = products;
	}

	const strategies = input.strategies;
	if (!Array.isArray(strategies)) {
		c.err("$.strategies", "must be an array of strategies");
		return { ok: false, errors };
	}
	if (strategies.length > MAX_STRATEGIES) c.err("$.strategies", `at most ${MAX_STRATEGIES} strategies`);
	if (strategies.length === 0) c.warn("$.strategies", "no strategies: every request is refused");

	const seen = new Map<string, number>();
	strategies.forEach((s: unknown, i) => {
		const strategy = validateStrategy(s, `$.strategies[${i}]`, seen, i, c);
		if (strategy !== undefined) out.strategies.push(strategy);
	});

	if (input.second_stage !== undefined) {
		const stage = validateSecondStage(input.second_stage, "$.second_stage", new Set(seen.keys()), c);
		if (stage !== undefined) out.second_stage = stage;
	}

	if (errors.length > 0) return { ok: false, errors };
	return { ok: true, config: out, warnings };
}

function validateStrategy(
	s: unknown,
	path: string,
	seen: Map<string, number>,
	index: number,
	c: Issues,
): StrategyConfig | undefined {
	if (!isObject(s)) {
		c.err(path, "must be an object");
		return undefined;
	}
	unknownKeys(s, STRATEGY_KEYS, path, c);
	const before = c.errors.length;
	if (typeof s.id !== "string" || !ID_PATTERN.test(s.id)) {
		c.err(
			`${path}.id`,
			"must be 1–64 characters of A-Z a-z 0-9 _ . : - (the out_target_id registered with Tencent)",
		);
	} else {
		const first = seen.get(s.id);
		if (first !== undefined) c.err(`${path}.id`, `duplicate of $.strategies[${first}].id "${s.id}"`);
		else seen.set(s.id, index);
	}
	const out: StrategyConfig = { id: s.id as string };
	if (s.description !== undefined) {
		if (typeof s.description !== "string") c.err(`${path}.description`, "must be a string");
		else out.description = s.description;
	}
	const include = segmentList(s.include, `${path}.include`, c);
	const exclude = segmentList(s.exclude, `${path}.exclude`, c);
	for (const seg of include) {
		if (exclude.includes(seg)) c.err(`${path}.exclude`, `segment "${seg}" is also in include`);
	}
	if (s.include !== undefined) out.include = include;
	if (s.exclude !== undefined) out.exclude = exclude;
	if (s.bid !== undefined) {
		const bid = validateBid(s.bid, `${path}.bid`, c);
		if (bid !== undefined) out.bid = bid;
	}
	if (s.aid_whitelist !== undefined) {
		const list = aidWhitelist(s.aid_whitelist, `${path}.aid_whitelist`, c);
		if (list !== undefined) out.aid_whitelist = list;
	}
	if (s.products !== undefined) {
		const products = productLists(s.products, `${path}.products`, c);
		if (products !== undefined) out.products = products;
	}
	if (s.experiments !== undefined) {
		if (!Array.isArray(s.experiments)) c.err(`${path}.experiments`, "must be an array");
		else {
			const exps = new Map<number, number>();
			out.experiments = [];
			s.experiments.forEach((e: unknown, j) => {
				const o = validateOverride(e, `${path}.experiments[${j}]`, `${path}.experiments`, exps, j, c);
				if (o !== undefined) out.experiments?.push(o);
			});
		}
	}
	return c.errors.length === before ? out : undefined;
}

function validateOverride(
	e: unknown,
	path: string,
	listPath: string,
	exps: Map<number, number>,
	index: number,
	c: Issues,
): ExperimentOverride | undefined {
	if (!isObject(e)) {
		c.err(path, "must be an object");
		return undefined;
	}
	unknownKeys(e, EXPERIMENT_KEYS, path, c);
	const out: ExperimentOverride = { exp_id: e.exp_id as number };
	if (!isInt(e.exp_id) || e.exp_id < 0 || e.exp_id > UINT32_MAX)
		c.err(`${path}.exp_id`, "must be a uint32 (RtaRequest.exps[].exp_id)");
	else {
		const first = exps.get(e.exp_id);
		if (first !== undefined) c.err(`${path}.exp_id`, `duplicate of ${listPath}[${first}]`);
		else exps.set(e.exp_id, index);
	}
	if (e.enabled !== undefined) {
		if (typeof e.enabled !== "boolean") c.err(`${path}.enabled`, "must be true or false");
		else out.enabled = e.enabled;
	}
	if (e.bid !== undefined) {
		const bid = validateBid(e.bid, `${path}.bid`, c);
		if (bid !== undefined) out.bid = bid;
	}
	if (e.aid_whitelist !== undefined) {
		const list = aidWhitelist(e.aid_whitelist, `${path}.aid_whitelist`, c);
		if (list !== undefined) out.aid_whitelist = list;
	}
	if (e.products !== undefined) {
		const products = productLists(e.products, `${path}.products`, c);
		if (products !== undefined) out.products = products;
	}
	if (
		e.enabled === undefined &&
		e.bid === undefined &&
		e.aid_whitelist === undefined &&
		e.products === undefined
	)
		c.err(path, "an override needs `enabled`, `bid`, `aid_whitelist` or `products`");
	return out;
}

function validateBid(bid: unknown, path: string, c: Issues): BidFields | undefined {
	if (!isObject(bid)) {
		c.err(path, "must be an object");
		return undefined;
	}
	unknownKeys(bid, BID_KEYS, path, c);
	const out: BidFields = {};
	const cpc = price(bid.cpc_price, `${path}.cpc_price`, c);
	if (cpc !== undefined) out.cpc_price = cpc;
	const cpa = price(bid.cpa_price, `${path}.cpa_price`, c);
	if (cpa !== undefined) out.cpa_price = cpa;
	for (const key of ["user_weight_factor", "cpc_factor"] as const) {
		const v = bid[key];
		if (v === undefined) continue;
		if (typeof v !== "number" || !(v >= FACTOR_MIN && v <= FACTOR_MAX))
			c.err(`${path}.${key}`, `must be a number between ${FACTOR_MIN} and ${FACTOR_MAX}`);
		else out[key] = v;
	}
	if (bid.dsp_tag !== undefined) {
		const tag = uint64(bid.dsp_tag, `${path}.dsp_tag`, c);
		if (tag !== undefined) out.dsp_tag = tag;
	}
	if (bid.dsp_tag_str !== undefined) {
		const tag = dspTagStr(bid.dsp_tag_str, `${path}.dsp_tag_str`, c);
		if (tag !== undefined) out.dsp_tag_str = tag;
	}
	const pcvr = bid.pcvr;
	if (pcvr !== undefined) {
		if (typeof pcvr !== "number" || !(pcvr > 0 && pcvr <= 1))
			c.err(`${path}.pcvr`, "must be a number more than 0 and at most 1 (a conversion rate)");
		else out.pcvr = pcvr;
	}
	return out;
}

function price(v: unknown, path: string, c: Issues): number | undefined {
	if (v === undefined) return undefined;
	if (!isInt(v) || v < 1 || v > UINT32_MAX) {
		c.err(path, PRICE_MESSAGE);
		return undefined;
	}
	return v;
}

function dspTagStr(tag: unknown, path: string, c: Issues): string | undefined {
	if (typeof tag !== "string" || tag === "") c.err(path, "must be a non-empty string");
	else if (utf8Length(tag) > MAX_DSP_TAG_STR_BYTES)
		c.err(path, `must be at most ${MAX_DSP_TAG_STR_BYTES} bytes of UTF-8`);
	else return tag;
	return undefined;
}

function uint64(v: unknown, path: string, c: Issues): string | undefined {
	if (typeof v !== "string" || !DECIMAL.test(v) || BigInt(v) > UINT64_MAX) {
		c.err(path, UINT64_MESSAGE);
		return undefined;
	}
	return v;
}

/** A list of distinct uint64 decimal strings. */
function uint64List(v: unknown, path: string, max: number, c: Issues): string[] | undefined {
	if (!Array.isArray(v)) {
		c.err(path, `must be an array of uint64 decimal strings (at most ${max})`);
		return undefined;
	}
	if (v.length > max) c.err(path, `at most ${max} ids`);
	const out: string[] = [];
	const first = new Map<string, number>();
	v.forEach((id: unknown, i) => {
		const value = uint64(id, `${path}[${i}]`, c);
		if (value === undefined) return;
		const at = first.get(value);
		if (at !== undefined) c.err(`${path}[${i}]`, `duplicate of ${path}[${at}]`);
		else {
			first.set(value, i);
			out.push(value);
		}
	});
	return out;
}

function aidWhitelist(v: unknown, path: string, c: Issues): string[] | undefined {
	return uint64List(v, path, MAX_AID_WHITELIST, c);
}

function productLists(v: unknown, path: string, c: Issues): ProductListConfig[] | undefined {
	if (!Array.isArray(v)) {
		c.err(path, "must be an array of { product_lib, products }");
		return undefined;
	}
	if (v.length > MAX_PRODUCT_LISTS) c.err(path, `at most ${MAX_PRODUCT_LISTS} product libraries`);
	const out: ProductListConfig[] = [];
	const libs = new Map<string, number>();
	v.forEach((list: unknown, i) => {
		const lpath = `${path}[${i}]`;
		if (!isObject(list)) {
			c.err(lpath, "must be an object");
			return;
		}
		unknownKeys(list, PRODUCT_LIST_KEYS, lpath, c);
		const lib = uint64(list.product_lib, `${lpath}.product_lib`, c);
		if (lib !== undefined) {
			const at = libs.get(lib);
			if (at !== undefined) c.err(`${lpath}.product_lib`, `duplicate of ${path}[${at}].product_lib`);
			else libs.set(lib, i);
		}
		const products = list.products;
		if (!Array.isArray(products) || products.length === 0 || products.length > MAX_PRODUCTS_PER_LIST) {
			c.err(`${lpath}.products`, `must be an array of 1 to ${MAX_PRODUCTS_PER_LIST} products`);
			return;
		}
		const seen = new Map<string, number>();
		const items: ProductConfig[] = [];
		products.forEach((p: unknown, j) => {
			const item = product(p, `${lpath}.products[${j}]`, c);
			if (item === undefined) return;
			const key = item.id !== undefined ? `id:${item.id}` : `id_str:${item.id_str}`;
			const at = seen.get(key);
			if (at !== undefined) c.err(`${lpath}.products[${j}]`, `duplicate of ${lpath}.products[${at}]`);
			else {
				seen.set(key, j);
				items.push(item);
			}
		});
		if (lib !== undefined) out.push({ product_lib: lib, products: items });
	});
	return out;
}

function product(p: unknown, path: string, c: Issues): ProductConfig | undefined {
	if (!isObject(p)) {
		c.err(path, "must be an object");
		return undefined;
	}
	unknownKeys(p, PRODUCT_KEYS, path, c);
	const out: ProductConfig = {};
	let ok = true;
	if ((p.id === undefined) === (p.id_str === undefined)) {
		c.err(path, "needs exactly one of `id` (uint64 decimal string) and `id_str`");
		ok = false;
	} else if (p.id !== undefined) {
		const id = uint64(p.id, `${path}.id`, c);
		if (id === undefined) ok = false;
		else out.id = id;
	} else if (typeof p.id_str !== "string" || p.id_str === "" || utf8Length(p.id_str) > MAX_PRODUCT_ID_BYTES) {
		c.err(`${path}.id_str`, `must be a non-empty string of at most ${MAX_PRODUCT_ID_BYTES} bytes`);
		ok = false;
	} else out.id_str = p.id_str;
	if (p.priority !== undefined) {
		if (!isInt(p.priority) || p.priority < 1 || p.priority > 100) {
			c.err(`${path}.priority`, "must be an integer from 1 to 100 (higher first)");
			ok = false;
		} else out.priority = p.priority;
	}
	return ok ? out : undefined;
}

function validateSecondStage(
	v: unknown,
	path: string,
	strategyIds: ReadonlySet<string>,
	c: Issues,
): SecondStageConfig | undefined {
	if (!isObject(v)) {
		c.err(path, "must be an object with `unmatched_ads`, `unselected_devices` and `rules`");
		return undefined;
	}
	unknownKeys(v, SECOND_STAGE_KEYS, path, c);
	const unmatched = v.unmatched_ads;
	if (unmatched !== "omit" && unmatched !== "ignore")
		c.err(
			`${path}.unmatched_ads`,
			'must be "omit" (leave them out of ad_results) or "ignore" (answer ignore: true)',
		);
	const unselected = v.unselected_devices;
	if (unselected !== "refuse" && unselected !== "ignore_all")
		c.err(
			`${path}.unselected_devices`,
			'must be "refuse" (code NO_STRATEGY) or "ignore_all" (code 0, every ad ignore: true)',
		);
	const bases = basePrices(v.base_prices, `${path}.base_prices`, c);
	const out: SecondStageConfig = {
		unmatched_ads: unmatched as SecondStageConfig["unmatched_ads"],
		unselected_devices: unselected as SecondStageConfig["unselected_devices"],
		rules: [],
	};
	if (v.base_prices !== undefined) out.base_prices = [...bases.values()];
	if (!Array.isArray(v.rules)) {
		c.err(`${path}.rules`, "must be an array of rules");
		return out;
	}
	if (v.rules.length > MAX_RULES) c.err(`${path}.rules`, `at most ${MAX_RULES} rules`);
	const ids = new Map<string, number>();
	v.rules.forEach((r: unknown, i) => {
		const rule = validateRule(r, `${path}.rules[${i}]`, `${path}.rules`, ids, i, bases, strategyIds, c);
		if (rule !== undefined) out.rules.push(rule);
	});
	return out;
}

function basePrices(v: unknown, path: string, c: Issues): Map<string, BasePrice> {
	const out = new Map<string, BasePrice>();
	if (v === undefined) return out;
	if (!Array.isArray(v)) {
		c.err(path, "must be an array of { adgroup_id, cpc_price, cpa_price }");
		return out;
	}
	if (v.length > MAX_BASE_PRICES) c.err(path, `at most ${MAX_BASE_PRICES} base prices`);
	const first = new Map<string, number>();
	v.forEach((b: unknown, i) => {
		const bpath = `${path}[${i}]`;
		if (!isObject(b)) {
			c.err(bpath, "must be an object");
			return;
		}
		unknownKeys(b, BASE_PRICE_KEYS, bpath, c);
		const id = uint64(b.adgroup_id, `${bpath}.adgroup_id`, c);
		const cpc = price(b.cpc_price, `${bpath}.cpc_price`, c);
		const cpa = price(b.cpa_price, `${bpath}.cpa_price`, c);
		if (b.cpc_price === undefined && b.cpa_price === undefined)
			c.err(bpath, "needs `cpc_price` or `cpa_price`");
		if (id === undefined) return;
		const at = first.get(id);
		if (at !== undefined) {
			c.err(`${bpath}.adgroup_id`, `duplicate of ${path}[${at}].adgroup_id`);
			return;
		}
		first.set(id, i);
		const base: BasePrice = { adgroup_id: id };
		if (cpc !== undefined) base.cpc_price = cpc;
		if (cpa !== undefined) base.cpa_price = cpa;
		out.set(id, base);
	});
	return out;
}

function validateRule(
	r: unknown,
	path: string,
	listPath: string,
	ids: Map<string, number>,
	index: number,
	bases: ReadonlyMap<string, BasePrice>,
	strategyIds: ReadonlySet<string>,
	c: Issues,
): SecondStageRule | undefined {
	if (!isObject(r)) {
		c.err(path, "must be an object with `id` and `action`");
		return undefined;
	}
	unknownKeys(r, RULE_KEYS, path, c);
	const before = c.errors.length;
	if (typeof r.id !== "string" || !ID_PATTERN.test(r.id))
		c.err(`${path}.id`, "must be 1–64 characters of A-Z a-z 0-9 _ . : -");
	else {
		const first = ids.get(r.id);
		if (first !== undefined) c.err(`${path}.id`, `duplicate of ${listPath}[${first}].id "${r.id}"`);
		else ids.set(r.id, index);
	}
	const out: SecondStageRule = { id: r.id as string, action: {} };
	if (r.description !== undefined) {
		if (typeof r.description !== "string") c.err(`${path}.description`, "must be a string");
		else out.description = r.description;
	}
	const match = r.match === undefined ? {} : validateMatch(r.match, `${path}.match`, strategyIds, c);
	if (r.match !== undefined && match !== undefined) out.match = match;
	const action = validateAction(r.action, `${path}.action`, match ?? {}, c);
	if (action !== undefined) out.action = action;
	if (action?.multiply !== undefined) {
		if (bases.size === 0) c.err(`${path}.action.multiply`, "needs second_stage.base_prices to multiply");
		else
			for (const id of match?.adgroup_id ?? [])
				if (!bases.has(id))
					c.warn(`${path}.match.adgroup_id`, `ad group ${id} has no base price: this rule never prices it`);
	}
	return c.errors.length === before ? out : undefined;
}

function validateMatch(
	v: unknown,
	path: string,
	strategyIds: ReadonlySet<string>,
	c: Issues,
): RuleMatch | undefined {
	if (!isObject(v)) {
		c.err(path, "must be an object");
		return undefined;
	}
	unknownKeys(v, MATCH_KEYS, path, c);
	const out: RuleMatch = {};
	if (v.adgroup_id !== undefined) {
		const list = nonEmpty(
			uint64List(v.adgroup_id, `${path}.adgroup_id`, MAX_MATCH_VALUES, c),
			v.adgroup_id,
			`${path}.adgroup_id`,
			c,
		);
		if (list !== undefined) out.adgroup_id = list;
	}
	if (v.advertiser_id !== undefined) {
		const list = distinct(
			v.advertiser_id,
			`${path}.advertiser_id`,
			c,
			(x) => isInt(x) && x >= 0 && x <= UINT32_MAX,
			"must be a uint32 (AdInfo.advertiser_id)",
		);
		if (list !== undefined) out.advertiser_id = list as number[];
	}
	if (v.out_target_id !== undefined) {
		const list = distinct(
			v.out_target_id,
			`${path}.out_target_id`,
			c,
			(x) => typeof x === "string" && ID_PATTERN.test(x),
			"must be a strategy id (1–64 characters of A-Z a-z 0-9 _ . : -)",
		);
		if (list !== undefined) {
			out.out_target_id = list as string[];
			for (const id of out.out_target_id)
				if (!strategyIds.has(id)) c.warn(`${path}.out_target_id`, `"${id}" is not a strategy of this config`);
		}
	}
	if (v.creative_id !== undefined) {
		const list = nonEmpty(
			uint64List(v.creative_id, `${path}.creative_id`, MAX_MATCH_VALUES, c),
			v.creative_id,
			`${path}.creative_id`,
			c,
		);
		if (list !== undefined) out.creative_id = list;
	}
	if (v.products !== undefined) {
		const list = matchProducts(v.products, `${path}.products`, c);
		if (list !== undefined) out.products = list;
	}
	if (v.segments !== undefined) {
		const list = segmentList(v.segments, `${path}.segments`, c);
		if (Array.isArray(v.segments) && v.segments.length === 0)
			c.err(`${path}.segments`, "must not be empty (leave it out to match every device)");
		else out.segments = list;
	}
	if (v.creative_id !== undefined && v.products !== undefined)
		c.err(path, "a rule prices creatives or products, not both: use two rules");
	return out;
}

function nonEmpty<T>(list: T[] | undefined, raw: unknown, path: string, c: Issues): T[] | undefined {
	if (list !== undefined && Array.isArray(raw) && raw.length === 0) {
		c.err(path, "must not be empty (leave it out to match any)");
		return undefined;
	}
	return list;
}

function distinct(
	v: unknown,
	path: string,
	c: Issues,
	valid: (x: unknown) => boolean,
	message: string,
): unknown[] | undefined {
	if (!Array.isArray(v) || v.length === 0 || v.length > MAX_MATCH_VALUES) {
		c.err(path, `must be an array of 1 to ${MAX_MATCH_VALUES} values`);
		return undefined;
	}
	const out: unknown[] = [];
	v.forEach((x: unknown, i) => {
		if (!valid(x)) c.err(`${path}[${i}]`, message);
		else if (out.includes(x)) c.err(`${path}[${i}]`, `duplicate of ${path}[${v.indexOf(x)}]`);
		else out.push(x);
	});
	return out;
}

function matchProducts(
	v: unknown,
	path: string,
	c: Issues,
): { product_lib: string; out_product_id: string }[] | undefined {
	if (!Array.isArray(v) || v.length === 0 || v.length > MAX_MATCH_VALUES) {
		c.err(path, `must be an array of 1 to ${MAX_MATCH_VALUES} { product_lib, out_product_id }`);
		return undefined;
	}
	const out: { product_lib: string; out_product_id: string }[] = [];
	const seen = new Map<string, number>();
	v.forEach((p: unknown, i) => {
		const ppath = `${path}[${i}]`;
		if (!isObject(p)) {
			c.err(ppath, "must be an object");
			return;
		}
		unknownKeys(p, MATCH_PRODUCT_KEYS, ppath, c);
		const lib = uint64(p.product_lib, `${ppath}.product_lib`, c);
		const id = p.out_product_id;
		if (typeof id !== "string" || id === "" || utf8Length(id) > MAX_PRODUCT_ID_BYTES) {
			c.err(`${ppath}.out_product_id`, `must be a non-empty string of at most ${MAX_PRODUCT_ID_BYTES} bytes`);
			return;
		}
		if (lib === undefined) return;
		const key = `${lib}\u0000${id}`;
		const at = seen.get(key);
		if (at !== undefined) c.err(ppath, `duplicate of ${path}[${at}]`);
		else {
			seen.set(key, i);
			out.push({ product_lib: lib, out_product_id: id });
		}
	});
	return out;
}

/** Where a rule lands, from its match and action (see RuleAction). */
export type RuleLevel = "adgroup" | "creative" | "product";

/**
 * The level a rule prices at.
 * @param match - the rule's match
 * @param action - its action
 * @returns products when it matches products, creatives when it matches creatives or raises them, else the ad group
 */
export function ruleLevel(match: RuleMatch, action: RuleAction): RuleLevel {
	if (match.products !== undefined) return "product";
	if (match.creative_id !== undefined || action.out_raise_factor !== undefined) return "creative";
	return "adgroup";
}

// What each level of AdResult can carry (docs/rta/wire-protocol.md RtaResponse.AdResult).
const LEVEL_ACTIONS: Readonly<Record<RuleLevel, ReadonlySet<string>>> = {
	adgroup: new Set(["cpc_price", "cpa_price", "multiply", "raise_factor_to_tencent", "ignore"]),
	creative: new Set(["cpc_price", "cpa_price", "multiply", "out_raise_factor"]),
	product: new Set(["cpc_price", "multiply"]),
};

function validateAction(v: unknown, path: string, match: RuleMatch, c: Issues): RuleAction | undefined {
	if (!isObject(v)) {
		c.err(path, `must be an object with one of ${[...ACTION_KEYS].join(", ")}`);
		return undefined;
	}
	unknownKeys(v, ACTION_KEYS, path, c);
	const before = c.errors.length;
	const out: RuleAction = {};
	const cpc = price(v.cpc_price, `${path}.cpc_price`, c);
	if (cpc !== undefined) out.cpc_price = cpc;
	const cpa = price(v.cpa_price, `${path}.cpa_price`, c);
	if (cpa !== undefined) out.cpa_price = cpa;
	const factor = (key: "multiply" | "out_raise_factor", min: number, message: string) => {
		const f = v[key];
		if (f === undefined) return;
		if (typeof f !== "number" || !(f > min && f <= MAX_RULE_FACTOR)) c.err(`${path}.${key}`, message);
		else out[key] = f;
	};
	factor("multiply", 0, `must be a number more than 0 and at most ${MAX_RULE_FACTOR}`);
	factor("out_raise_factor", 0, `must be a number more than 0 and at most ${MAX_RULE_FACTOR}`);
	const raise = v.raise_factor_to_tencent;
	if (raise !== undefined) {
		// docs/rta/advanced-features.md "Precedence on Tencent's side": only more than 1.0 acts.
		if (typeof raise !== "number" || !(raise > 1 && raise <= MAX_RULE_FACTOR))
			c.err(
				`${path}.raise_factor_to_tencent`,
				`must be a number more than 1.0 (Tencent ignores 1.0 and less) and at most ${MAX_RULE_FACTOR}`,
			);
		else out.raise_factor_to_tencent = raise;
	}
	if (v.ignore !== undefined) {
		if (v.ignore !== true) c.err(`${path}.ignore`, "must be true (leave it out otherwise)");
		else out.ignore = true;
	}
	const keys = Object.keys(v).filter((k) => ACTION_KEYS.has(k));
	if (keys.length === 0) c.err(path, `needs one of ${[...ACTION_KEYS].join(", ")}`);
	if (v.ignore !== undefined && keys.length > 1)
		c.err(path, "`ignore` hands the ad back unchanged: it takes no other field");
	if (v.multiply !== undefined && (v.cpc_price !== undefined || v.cpa_price !== undefined))
		c.err(path, "`multiply` sets the prices from the base price: not with `cpc_price` or `cpa_price`");
	const level = ruleLevel(match, v as RuleAction);
	for (const key of keys)
		if (!LEVEL_ACTIONS[level].has(key))
			c.err(`${path}.${key}`, `a rule that prices ${LEVEL_NAME[level]} cannot set ${key}`);
	return c.errors.length === before ? out : undefined;
}

const LEVEL_NAME: Readonly<Record<RuleLevel, string>> = {
	adgroup: "ad groups",
	creative: "creatives (match.creative_id or out_raise_factor)",
	product: "products (match.products)",
};

function segmentList(value: unknown, path: string, c: Issues): string[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) {
		c.err(path, "must be an array of segment names");
		return [];
	}
	const out: string[] = [];
	value.forEach((v: unknown, i) => {
		if (!isSegmentName(v))
			c.err(`${path}[${i}]`, "must be a segment name: 1–64 characters of A-Z a-z 0-9 _ . : -");
		else if (out.includes(v)) c.err(`${path}[${i}]`, `duplicate segment "${v}"`);
		else out.push(v);
	});
	return out;
}

function unknownKeys(
	obj: Record<string, unknown>,
	allowed: ReadonlySet<string>,
	path: string,
	c: Issues,
): void {
	for (const key of Object.keys(obj)) {
		if (!allowed.has(key)) c.err(`${path}.${key}`, `unknown field (allowed: ${[...allowed].join(", ")})`);
	}
}

function utf8Length(text: string): number {
	return new TextEncoder().encode(text).length;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
	return Number.isInteger(v);
}
