/**
 * Strategy config validation: every rule with its JSON path and message, boundaries on both
 * sides, every problem reported at once, warnings, and the normalised document that is stored.
 * @module
 */
import { describe, it } from "vitest";
import { MAX_STRATEGIES } from "./types.ts";
import { MAX_RESPONSE_CACHE_TIME, validateStrategyConfig } from "./validate.ts";

const PLATFORM = 3600;
const SEGMENT_MESSAGE = "must be a segment name: 1–64 characters of A-Z a-z 0-9 _ . : -";
const ID_MESSAGE =
	"must be 1–64 characters of A-Z a-z 0-9 _ . : - (the out_target_id registered with Tencent)";
const PRICE_MESSAGE = "must be a positive integer in fen (uint32)";
const FACTOR_MESSAGE = "must be a number between 0.2 and 5";

function errorsOf(input: unknown): { path: string; message: string }[] {
	const v = validateStrategyConfig(input, PLATFORM);
	if (v.ok) throw new Error(`expected errors, got a valid config: ${JSON.stringify(input)}`);
	return v.errors;
}

function warningsOf(input: unknown, platform = PLATFORM): { path: string; message: string }[] {
	const v = validateStrategyConfig(input, platform);
	if (!v.ok) throw new Error(`expected a valid config, got ${JSON.stringify(v.errors)}`);
	return v.warnings;
}

/** Errors of a config with one strategy `{ id: "s", ...fields }`. */
function strategyErrors(fields: Record<string, unknown>): { path: string; message: string }[] {
	return errorsOf({ strategies: [{ id: "s", ...fields }] });
}

describe("the document", () => {
	it.for([null, [], "config", 7, true])("rejects %j: not an object", (input, { expect }) => {
		expect(errorsOf(input)).toEqual([
			{ path: "$", message: "must be a JSON object with a `strategies` array" },
		]);
	});

	it("needs a strategies array, and reports the other root errors with it", ({ expect }) => {
		expect(errorsOf({})).toEqual([{ path: "$.strategies", message: "must be an array of strategies" }]);
		expect(errorsOf({ strategies: { id: "s" }, response_cache_time: 0, extra: 1 })).toEqual([
			{
				path: "$.extra",
				message:
					"unknown field (allowed: response_cache_time, dsp_tag, dsp_tag_str, products, strategies, second_stage)",
			},
			{ path: "$.response_cache_time", message: "must be a positive integer number of seconds" },
			{ path: "$.strategies", message: "must be an array of strategies" },
		]);
	});

	it("accepts no strategies, with a warning", ({ expect }) => {
		expect(warningsOf({ strategies: [] })).toEqual([
			{ path: "$.strategies", message: "no strategies: every request is refused" },
		]);
	});

	it(`accepts ${MAX_STRATEGIES} strategies and rejects one more`, ({ expect }) => {
		const many = (n: number) => ({ strategies: Array.from({ length: n }, (_, i) => ({ id: `s${i}` })) });
		expect(MAX_STRATEGIES).toBe(500);
		expect(warningsOf(many(MAX_STRATEGIES))).toEqual([]);
		expect(errorsOf(many(MAX_STRATEGIES + 1))).toEqual([
			{ path: "$.strategies", message: "at most 500 strategies" },
		]);
	});

	it("reports every problem of every strategy at once, in order", ({ expect }) => {
		expect(
			errorsOf({
				strategies: [
					{ id: "a", bid: { cpc_factor: 9 } },
					"b",
					{ id: "c", exlude: ["x"] },
					{ id: "a", include: [""] },
				],
			}),
		).toEqual([
			{ path: "$.strategies[0].bid.cpc_factor", message: FACTOR_MESSAGE },
			{ path: "$.strategies[1]", message: "must be an object" },
			{
				path: "$.strategies[2].exlude",
				message:
					"unknown field (allowed: id, description, include, exclude, bid, aid_whitelist, products, experiments)",
			},
			{ path: "$.strategies[3].id", message: 'duplicate of $.strategies[0].id "a"' },
			{ path: "$.strategies[3].include[0]", message: SEGMENT_MESSAGE },
		]);
	});
});

describe("response_cache_time", () => {
	it.for(["3600", 0, -1, 1.5, null, true])("rejects %j", (value, { expect }) => {
		expect(errorsOf({ response_cache_time: value, strategies: [] })).toEqual([
			{ path: "$.response_cache_time", message: "must be a positive integer number of seconds" },
		]);
	});

	it("accepts the platform cache time and 7 days without a warning", ({ expect }) => {
		expect(MAX_RESPONSE_CACHE_TIME).toBe(604_800);
		expect(warningsOf({ response_cache_time: 3600, strategies: [{ id: "s" }] })).toEqual([]);
		expect(warningsOf({ response_cache_time: 604_800, strategies: [{ id: "s" }] })).toEqual([]);
		expect(warningsOf({ strategies: [{ id: "s" }] })).toEqual([]);
	});

	it("warns when it will be clamped to the platform cache time or to 7 days", ({ expect }) => {
		expect(warningsOf({ response_cache_time: 1, strategies: [{ id: "s" }] })).toEqual([
			{ path: "$.response_cache_time", message: "1 is below the platform cache time 3600; 3600 is sent" },
		]);
		expect(warningsOf({ response_cache_time: 7199, strategies: [{ id: "s" }] }, 7200)).toEqual([
			{ path: "$.response_cache_time", message: "7199 is below the platform cache time 7200; 7200 is sent" },
		]);
		expect(warningsOf({ response_cache_time: 604_801, strategies: [{ id: "s" }] })).toEqual([
			{ path: "$.response_cache_time", message: "604801 is above 7 days; 604800 is sent" },
		]);
	});
});

describe("strategy fields", () => {
	it.for([
		["missing", undefined],
		["not a string", 7],
		["empty", ""],
		["65 characters", "x".repeat(65)],
		["with a space", "st new"],
		["with a slash", "st/new"],
	] as const)("rejects an id that is %s", ([, id], { expect }) => {
		expect(errorsOf({ strategies: [{ id }] })).toEqual([{ path: "$.strategies[0].id", message: ID_MESSAGE }]);
	});

	it("accepts ids of 1 and 64 characters of the whole alphabet", ({ expect }) => {
		expect(warningsOf({ strategies: [{ id: "a" }, { id: `Az09_.:-${"x".repeat(56)}` }] })).toEqual([]);
	});

	it("names the first strategy with the same id", ({ expect }) => {
		expect(errorsOf({ strategies: [{ id: "a" }, { id: "b" }, { id: "b" }, { id: "a" }] })).toEqual([
			{ path: "$.strategies[2].id", message: 'duplicate of $.strategies[1].id "b"' },
			{ path: "$.strategies[3].id", message: 'duplicate of $.strategies[0].id "a"' },
		]);
	});

	it("checks the other fields of a strategy whose id is bad", ({ expect }) => {
		expect(errorsOf({ strategies: [{ include: "vip" }] })).toEqual([
			{ path: "$.strategies[0].id", message: ID_MESSAGE },
			{ path: "$.strategies[0].include", message: "must be an array of segment names" },
		]);
	});

	it("takes a description string only", ({ expect }) => {
		expect(warningsOf({ strategies: [{ id: "s", description: "" }] })).toEqual([]);
		expect(strategyErrors({ description: 5 })).toEqual([
			{ path: "$.strategies[0].description", message: "must be a string" },
		]);
	});

	it("checks include and exclude lists element by element", ({ expect }) => {
		expect(
			strategyErrors({ include: ["vip", "bad name", "vip", 3], exclude: { vip: true }, extra: null }),
		).toEqual([
			{
				path: "$.strategies[0].extra",
				message:
					"unknown field (allowed: id, description, include, exclude, bid, aid_whitelist, products, experiments)",
			},
			{ path: "$.strategies[0].include[1]", message: SEGMENT_MESSAGE },
			{ path: "$.strategies[0].include[2]", message: 'duplicate segment "vip"' },
			{ path: "$.strategies[0].include[3]", message: SEGMENT_MESSAGE },
			{ path: "$.strategies[0].exclude", message: "must be an array of segment names" },
		]);
	});

	it("reports a non-array include and exclude once each", ({ expect }) => {
		expect(strategyErrors({ include: "vip", exclude: "vip" })).toEqual([
			{ path: "$.strategies[0].include", message: "must be an array of segment names" },
			{ path: "$.strategies[0].exclude", message: "must be an array of segment names" },
		]);
	});

	it("rejects a segment in both include and exclude", ({ expect }) => {
		expect(strategyErrors({ include: ["a", "b", "c"], exclude: ["c", "a"] })).toEqual([
			{ path: "$.strategies[0].exclude", message: 'segment "a" is also in include' },
			{ path: "$.strategies[0].exclude", message: 'segment "c" is also in include' },
		]);
	});

	it("accepts empty lists", ({ expect }) => {
		expect(warningsOf({ strategies: [{ id: "s", include: [], exclude: [], experiments: [] }] })).toEqual([]);
	});
});

describe("bid fields", () => {
	it("accepts every field at its bounds", ({ expect }) => {
		const low = { cpc_price: 1, cpa_price: 1, user_weight_factor: 0.2, cpc_factor: 0.2, dsp_tag_str: "a" };
		const high = {
			cpc_price: 4_294_967_295,
			cpa_price: 4_294_967_295,
			user_weight_factor: 5,
			cpc_factor: 5,
			dsp_tag_str: "标签标签标签12", // 20 bytes of UTF-8
		};
		expect(
			warningsOf({
				strategies: [
					{ id: "a", bid: low },
					{ id: "b", bid: high },
				],
			}),
		).toEqual([]);
	});

	it.for([
		["cpc_price", 0],
		["cpc_price", 4_294_967_296],
		["cpc_price", 10.5],
		["cpc_price", "120"],
		["cpa_price", 0],
		["cpa_price", 4_294_967_296],
		["cpa_price", 1.5],
		["cpa_price", null],
	] as const)("rejects %s %j", ([field, value], { expect }) => {
		expect(strategyErrors({ bid: { [field]: value } })).toEqual([
			{ path: `$.strategies[0].bid.${field}`, message: PRICE_MESSAGE },
		]);
	});

	it.for([
		["user_weight_factor", 0.19],
		["user_weight_factor", 5.01],
		["user_weight_factor", "1"],
		["user_weight_factor", Number.NaN],
		["cpc_factor", 0.19],
		["cpc_factor", 5.01],
		["cpc_factor", Number.POSITIVE_INFINITY],
		["cpc_factor", null],
	] as const)("rejects %s %j", ([field, value], { expect }) => {
		expect(strategyErrors({ bid: { [field]: value } })).toEqual([
			{ path: `$.strategies[0].bid.${field}`, message: FACTOR_MESSAGE },
		]);
	});

	it("rejects an empty, non-string or over-long dsp_tag_str", ({ expect }) => {
		expect(strategyErrors({ bid: { dsp_tag_str: "" } })).toEqual([
			{ path: "$.strategies[0].bid.dsp_tag_str", message: "must be a non-empty string" },
		]);
		expect(strategyErrors({ bid: { dsp_tag_str: 7 } })).toEqual([
			{ path: "$.strategies[0].bid.dsp_tag_str", message: "must be a non-empty string" },
		]);
		expect(strategyErrors({ bid: { dsp_tag_str: "标签标签标签标" } })).toEqual([
			{ path: "$.strategies[0].bid.dsp_tag_str", message: "must be at most 20 bytes of UTF-8" },
		]);
		expect(strategyErrors({ bid: { dsp_tag_str: "x".repeat(21) } })).toHaveLength(1);
	});

	it("rejects a bid that is not an object, and unknown bid fields", ({ expect }) => {
		for (const bid of [null, [], 120])
			expect(strategyErrors({ bid })).toEqual([
				{ path: "$.strategies[0].bid", message: "must be an object" },
			]);
		expect(strategyErrors({ bid: { cpc: 1, cpc_price: 0 } })).toEqual([
			{
				path: "$.strategies[0].bid.cpc",
				message:
					"unknown field (allowed: cpc_price, cpa_price, user_weight_factor, cpc_factor, dsp_tag, dsp_tag_str, pcvr)",
			},
			{ path: "$.strategies[0].bid.cpc_price", message: PRICE_MESSAGE },
		]);
	});

	it("accepts an empty bid", ({ expect }) => {
		expect(warningsOf({ strategies: [{ id: "s", bid: {} }] })).toEqual([]);
	});
});

describe("experiment overrides", () => {
	it("accepts exp_id 0 and the largest uint32, with enabled or bid", ({ expect }) => {
		const experiments = [
			{ exp_id: 0, enabled: false },
			{ exp_id: 4_294_967_295, bid: { cpc_factor: 2 } },
			{ exp_id: 7, enabled: true, bid: {} },
		];
		expect(warningsOf({ strategies: [{ id: "s", experiments }] })).toEqual([]);
	});

	it.for([-1, 4_294_967_296, 1.5, "1001", undefined])("rejects exp_id %j", (exp_id, { expect }) => {
		expect(strategyErrors({ experiments: [{ exp_id, enabled: false }] })).toEqual([
			{
				path: "$.strategies[0].experiments[0].exp_id",
				message: "must be a uint32 (RtaRequest.exps[].exp_id)",
			},
		]);
	});

	it("rejects a duplicate exp_id, naming the first", ({ expect }) => {
		expect(
			strategyErrors({
				experiments: [
					{ exp_id: 1, enabled: false },
					{ exp_id: 2, enabled: false },
					{ exp_id: 2, enabled: true },
				],
			}),
		).toEqual([
			{
				path: "$.strategies[0].experiments[2].exp_id",
				message: "duplicate of $.strategies[0].experiments[1]",
			},
		]);
	});

	it("rejects a non-array list, a non-object entry, unknown fields, a non-boolean enabled", ({ expect }) => {
		expect(strategyErrors({ experiments: { exp_id: 1 } })).toEqual([
			{ path: "$.strategies[0].experiments", message: "must be an array" },
		]);
		expect(strategyErrors({ experiments: [1, null] })).toEqual([
			{ path: "$.strategies[0].experiments[0]", message: "must be an object" },
			{ path: "$.strategies[0].experiments[1]", message: "must be an object" },
		]);
		expect(strategyErrors({ experiments: [{ exp_id: 1, enabled: "no", on: 1 }] })).toEqual([
			{
				path: "$.strategies[0].experiments[0].on",
				message: "unknown field (allowed: exp_id, enabled, bid, aid_whitelist, products)",
			},
			{ path: "$.strategies[0].experiments[0].enabled", message: "must be true or false" },
		]);
	});

	it("checks an override's bid like a strategy's", ({ expect }) => {
		expect(
			strategyErrors({ experiments: [{ exp_id: 1, bid: { cpc_factor: 0.1, dsp_tag_str: "" } }] }),
		).toEqual([
			{ path: "$.strategies[0].experiments[0].bid.cpc_factor", message: FACTOR_MESSAGE },
			{ path: "$.strategies[0].experiments[0].bid.dsp_tag_str", message: "must be a non-empty string" },
		]);
	});

	it("rejects an override that changes nothing", ({ expect }) => {
		expect(strategyErrors({ experiments: [{ exp_id: 1 }] })).toEqual([
			{
				path: "$.strategies[0].experiments[0]",
				message: "an override needs `enabled`, `bid`, `aid_whitelist` or `products`",
			},
		]);
	});
});

describe("the stored document", () => {
	it("is exactly the validated fields, absent ones left absent", ({ expect }) => {
		const input = {
			response_cache_time: 7200,
			strategies: [
				{
					id: "full",
					description: "every field",
					include: ["a"],
					exclude: ["b"],
					bid: { cpc_price: 1, cpa_price: 2, user_weight_factor: 1.5, cpc_factor: 2, dsp_tag_str: "t" },
					experiments: [
						{ exp_id: 1, enabled: false },
						{ exp_id: 2, bid: { cpc_price: 3 } },
						{ exp_id: 3, enabled: true, bid: {} },
					],
				},
				{ id: "bare" },
				{ id: "bid_only", bid: { cpa_price: 9 } },
			],
		};
		const v = validateStrategyConfig(structuredClone(input), PLATFORM);
		expect(v).toStrictEqual({ ok: true, config: input, warnings: [] });
		const bare = validateStrategyConfig({ strategies: [] }, PLATFORM);
		expect(bare.ok && bare.config).toStrictEqual({ strategies: [] });
	});

	it("is a copy: changing the input afterwards changes nothing", ({ expect }) => {
		const input = {
			strategies: [{ id: "s", include: ["a"], exclude: ["b"], bid: { cpc_price: 1 }, experiments: [] }],
		};
		const v = validateStrategyConfig(input, PLATFORM);
		input.strategies[0]?.include.push("c");
		input.strategies[0]?.exclude.push("d");
		if (input.strategies[0]) input.strategies[0].bid.cpc_price = 99;
		expect(v.ok && v.config.strategies[0]).toStrictEqual({
			id: "s",
			include: ["a"],
			exclude: ["b"],
			bid: { cpc_price: 1 },
			experiments: [],
		});
	});
});

describe("whitelists, tags, products and the second stage", () => {
	const UINT64 = 'must be a uint64 as a decimal string, e.g. "1001" (JSON numbers lose precision past 2^53)';

	it("reports every problem with its path", ({ expect }) => {
		expect(
			errorsOf({
				// A JSON number: what a config file with the tag unquoted holds (it would read 18446744073709552000).
				dsp_tag: JSON.parse("18446744073709551615"),
				dsp_tag_str: "这是一个超过二十字节的标签",
				products: [
					{
						product_lib: "1",
						products: [
							{ id: "1", id_str: "x" },
							{ priority: 101, id: "2" },
						],
					},
					{ product_lib: "-1", products: [] },
				],
				strategies: [
					{
						id: "s",
						aid_whitelist: ["1001", "1001", "18446744073709551616", 5],
						bid: { dsp_tag: "x", pcvr: 1.5 },
						experiments: [{ exp_id: 1, aid_whitelist: [], products: "no" }],
					},
				],
				second_stage: {
					unmatched_ads: "drop",
					unselected_devices: "x",
					base_prices: [{ adgroup_id: "1" }],
					rules: [
						{ id: "r", match: { adgroup_id: [], segments: ["bad name"] }, action: {} },
						{ id: "r", action: { ignore: true, cpc_price: 1 } },
						{
							id: "r3",
							match: { products: [{ product_lib: "1", out_product_id: "p" }] },
							action: { cpa_price: 5, raise_factor_to_tencent: 1.0 },
						},
						{ id: "r4", action: { multiply: 2, cpc_price: 3 } },
					],
				},
			}),
		).toEqual([
			{ path: "$.dsp_tag", message: UINT64 },
			{ path: "$.dsp_tag_str", message: "must be at most 20 bytes of UTF-8" },
			{
				path: "$.products[0].products[0]",
				message: "needs exactly one of `id` (uint64 decimal string) and `id_str`",
			},
			{
				path: "$.products[0].products[1].priority",
				message: "must be an integer from 1 to 100 (higher first)",
			},
			{ path: "$.products[1].product_lib", message: UINT64 },
			{ path: "$.products[1].products", message: "must be an array of 1 to 100 products" },
			{ path: "$.strategies[0].bid.dsp_tag", message: UINT64 },
			{
				path: "$.strategies[0].bid.pcvr",
				message: "must be a number more than 0 and at most 1 (a conversion rate)",
			},
			{ path: "$.strategies[0].aid_whitelist[1]", message: "duplicate of $.strategies[0].aid_whitelist[0]" },
			{ path: "$.strategies[0].aid_whitelist[2]", message: UINT64 },
			{ path: "$.strategies[0].aid_whitelist[3]", message: UINT64 },
			{
				path: "$.strategies[0].experiments[0].products",
				message: "must be an array of { product_lib, products }",
			},
			{
				path: "$.second_stage.unmatched_ads",
				message: 'must be "omit" (leave them out of ad_results) or "ignore" (answer ignore: true)',
			},
			{
				path: "$.second_stage.unselected_devices",
				message: 'must be "refuse" (code NO_STRATEGY) or "ignore_all" (code 0, every ad ignore: true)',
			},
			{ path: "$.second_stage.base_prices[0]", message: "needs `cpc_price` or `cpa_price`" },
			{
				path: "$.second_stage.rules[0].match.adgroup_id",
				message: "must not be empty (leave it out to match any)",
			},
			{ path: "$.second_stage.rules[0].match.segments[0]", message: SEGMENT_MESSAGE },
			{
				path: "$.second_stage.rules[0].action",
				message:
					"needs one of cpc_price, cpa_price, multiply, out_raise_factor, raise_factor_to_tencent, ignore",
			},
			{ path: "$.second_stage.rules[1].id", message: 'duplicate of $.second_stage.rules[0].id "r"' },
			{
				path: "$.second_stage.rules[1].action",
				message: "`ignore` hands the ad back unchanged: it takes no other field",
			},
			{
				path: "$.second_stage.rules[2].action.raise_factor_to_tencent",
				message: "must be a number more than 1.0 (Tencent ignores 1.0 and less) and at most 10",
			},
			{
				path: "$.second_stage.rules[2].action.cpa_price",
				message: "a rule that prices products (match.products) cannot set cpa_price",
			},
			{
				path: "$.second_stage.rules[2].action.raise_factor_to_tencent",
				message: "a rule that prices products (match.products) cannot set raise_factor_to_tencent",
			},
			{
				path: "$.second_stage.rules[3].action",
				message: "`multiply` sets the prices from the base price: not with `cpc_price` or `cpa_price`",
			},
		]);
	});

	it("needs base prices for multiply", ({ expect }) => {
		expect(
			errorsOf({
				strategies: [{ id: "s" }],
				second_stage: {
					unmatched_ads: "omit",
					unselected_devices: "refuse",
					rules: [{ id: "r", action: { multiply: 2 } }],
				},
			}),
		).toEqual([
			{
				path: "$.second_stage.rules[0].action.multiply",
				message: "needs second_stage.base_prices to multiply",
			},
		]);
	});

	it("keeps uint64 values past 2^53 exactly, as decimal strings", ({ expect }) => {
		const v = validateStrategyConfig(
			{
				dsp_tag: "18446744073709551615",
				strategies: [
					{ id: "s", aid_whitelist: ["9007199254740993"], bid: { dsp_tag: "1", dsp_tag_str: "标签" } },
				],
			},
			PLATFORM,
		);
		expect(v.ok && v.config.dsp_tag).toBe("18446744073709551615");
		expect(v.ok && v.config.strategies[0]?.aid_whitelist).toEqual(["9007199254740993"]);
	});

	it("accepts the demo config that npm start seeds", async ({ expect }) => {
		const seed = (await import("../../seed/config.json", { with: { type: "json" } })).default;
		expect(warningsOf(seed)).toEqual([]);
	});
});
