/**
 * Second-stage pricing: which rule prices which ad, creative and product; the unmatched-ads and
 * unselected-devices choices; only ads of the request are ever priced; base prices for
 * `multiply`; the deadline answer of a second-stage request.
 * @module
 */
import { membershipOf } from "@txad/audience";
import { create, encodeRtaRequest, RequestType, RtaRequestSchema, readRtaRequest } from "@txad/proto";
import { describe, it } from "vitest";
import { RtaCode } from "../codes.ts";
import { compiledConfig } from "../config/strategies.testdata.ts";
import type { CandidateId } from "./ids.ts";
import { type DecisionTrace, decideFromMemberships, fallbackOutcome } from "./outcome.ts";
import { type AdTrace, cpaOf, cpcOf, ignoreAll, MAX_PRICED_ADS, priceAds } from "./second-stage.ts";

type AdInit = NonNullable<NonNullable<Parameters<typeof create<typeof RtaRequestSchema>>[1]>["adInfos"]>;

/** ad_infos as /rta reads them: written to the wire and read back. */
function ads(adInfos: AdInit) {
	return readRtaRequest(
		encodeRtaRequest(
			create(RtaRequestSchema, { requestInfo: { requestType: RequestType.ADLIST_REQUEST }, adInfos }),
		),
	).adInfos;
}

function stageConfig(secondStage: object, strategies: object[] = [{ id: "st_new", include: ["new_user"] }]) {
	return compiledConfig({ strategies, second_stage: secondStage });
}

function stageOf(secondStage: object) {
	const stage = stageConfig(secondStage).secondStage;
	if (stage === undefined) throw new Error("no second stage");
	return stage;
}

const imei: CandidateId = { type: "imei_md5", value: "b4", key: "imei_md5:b4", source: "device.imei_md5sum" };

describe("priceAds", () => {
	const stage = stageOf({
		unmatched_ads: "omit",
		unselected_devices: "refuse",
		base_prices: [{ adgroup_id: "3003", cpc_price: 200 }],
		rules: [
			{ id: "r_first", match: { adgroup_id: ["1001"] }, action: { cpc_price: 150 } },
			{ id: "r_second", match: { adgroup_id: ["1001", "2002"] }, action: { cpc_price: 999, cpa_price: 888 } },
			{ id: "r_creative", match: { creative_id: ["10012"] }, action: { cpa_price: 3100 } },
			{
				id: "r_product",
				match: { products: [{ product_lib: "7", out_product_id: "p-1" }] },
				action: { cpc_price: 170 },
			},
			{
				id: "r_vip",
				match: { advertiser_id: [42], segments: ["vip"] },
				action: { raise_factor_to_tencent: 1.5 },
			},
			{ id: "r_target", match: { out_target_id: ["st_new"] }, action: { ignore: true } },
			{ id: "r_multiply", match: { adgroup_id: ["3003", "6006"] }, action: { multiply: 1.25 } },
		],
	});

	it("prices each level with the first rule that applies, and only what the request lists", ({ expect }) => {
		const trace: AdTrace[] = [];
		const out = priceAds(
			stage,
			ads([
				{
					adgroupId: 1001n,
					creativeInfos: [{ creativeId: 10011n }, { creativeId: 10012n }],
					productInfos: [
						{ productLib: 7n, outProductId: "p-1" },
						{ productLib: 7n, outProductId: "p-2" },
					],
				},
				{ adgroupId: 2002n },
			]),
			[],
			trace,
		);
		expect(out).toEqual([
			expect.objectContaining({
				adgroupId: 1001n,
				ignore: false,
				cpc: 150,
				cpa: undefined,
				creatives: [{ creativeId: 10012n, cpc: undefined, cpa: 3100, outRaiseFactor: undefined }],
				products: [expect.objectContaining({ productLib: 7n, outProductId: "p-1", cpc: 170 })],
			}),
			expect.objectContaining({ adgroupId: 2002n, cpc: 999, cpa: 888, creatives: [], products: [] }),
		]);
		// Tencent's precedence, as the explanation shows it: CPC product > creative > ad group, CPA creative > ad group.
		expect(trace[0]?.effective).toEqual({
			adgroup: { cpc_price: 150, cpa_price: null },
			creatives: [
				{ creative_id: "10011", cpc_price: 150, cpa_price: null },
				{ creative_id: "10012", cpc_price: 150, cpa_price: 3100 },
			],
			products: [
				{ product_lib: "7", out_product_id: "p-1", cpc_price: 170 },
				{ product_lib: "7", out_product_id: "p-2", cpc_price: null },
			],
		});
		expect(trace.map((t) => [t.adgroup_id, t.result, t.adgroup_rule])).toEqual([
			["1001", "priced", "r_first"],
			["2002", "priced", "r_second"],
		]);
	});

	it("never prices an ad group, creative or product the request does not list", ({ expect }) => {
		expect(priceAds(stage, ads([{ adgroupId: 5005n, creativeInfos: [{ creativeId: 10012n }] }]), [])).toEqual(
			[
				expect.objectContaining({
					adgroupId: 5005n,
					cpc: undefined,
					creatives: [expect.objectContaining({ creativeId: 10012n })],
				}),
			],
		);
		const out = priceAds(stage, ads([{ adgroupId: 9009n }]), []);
		expect(out).toEqual([]);
		expect(priceAds(stage, [], [])).toEqual([]);
	});

	it("checks every condition: advertiser, segments of the device, the recalling strategy", ({ expect }) => {
		const list = ads([
			{ adgroupId: 7007n, advertiserId: 42 },
			{ adgroupId: 8008n, outTargetId: "st_new" },
		]);
		expect(priceAds(stage, list, [])).toEqual([expect.objectContaining({ adgroupId: 8008n, ignore: true })]);
		expect(priceAds(stage, list, ["vip"])).toEqual([
			expect.objectContaining({ adgroupId: 7007n, raiseFactor: 1.5, cpc: undefined }),
			expect.objectContaining({ adgroupId: 8008n, ignore: true, cpc: undefined, creatives: [] }),
		]);
	});

	it("multiplies the base price, and skips the rule for an ad group without one", ({ expect }) => {
		const trace: AdTrace[] = [];
		const out = priceAds(stage, ads([{ adgroupId: 3003n }, { adgroupId: 6006n }]), [], trace);
		expect(out).toEqual([expect.objectContaining({ adgroupId: 3003n, cpc: 250, cpa: undefined })]);
		expect(trace[1]).toEqual(
			expect.objectContaining({
				adgroup_id: "6006",
				result: "unmatched_omitted",
				notes: [expect.stringMatching(/no base price/)],
			}),
		);
		expect(cpcOf({ multiply: 0.0001 }, { cpc: 1, cpa: undefined })).toBe(1);
		expect(cpcOf({ multiply: 10 }, { cpc: 0xffff_ffff, cpa: undefined })).toBe(0xffff_ffff);
		expect(cpaOf({ cpa_price: 7 }, undefined)).toBe(7);
		expect(cpaOf({ multiply: 2 }, undefined)).toBeUndefined();
	});

	it("prices an ad listed twice once, and a creative listed twice once", ({ expect }) => {
		const trace: AdTrace[] = [];
		const out = priceAds(
			stage,
			ads([
				{ adgroupId: 1001n, creativeInfos: [{ creativeId: 10012n }, { creativeId: 10012n }] },
				{ adgroupId: 1001n },
			]),
			[],
			trace,
		);
		expect(out).toHaveLength(1);
		expect(out[0]?.creatives).toHaveLength(1);
		expect(trace.map((t) => t.result)).toEqual(["priced", "duplicate"]);
	});

	it("answers unmatched ads ignore: true when the config says so", ({ expect }) => {
		const ignoring = stageOf({ unmatched_ads: "ignore", unselected_devices: "refuse", rules: [] });
		expect(priceAds(ignoring, ads([{ adgroupId: 1n }, { adgroupId: 2n }]), [])).toEqual([
			expect.objectContaining({ adgroupId: 1n, ignore: true }),
			expect.objectContaining({ adgroupId: 2n, ignore: true }),
		]);
	});

	it(`prices at most ${MAX_PRICED_ADS} ads`, ({ expect }) => {
		const many = ads(Array.from({ length: MAX_PRICED_ADS + 5 }, (_, i) => ({ adgroupId: BigInt(i + 1) })));
		const ignoring = stageOf({ unmatched_ads: "ignore", unselected_devices: "refuse", rules: [] });
		expect(priceAds(ignoring, many, [])).toHaveLength(MAX_PRICED_ADS);
		expect(ignoreAll(many)).toHaveLength(MAX_PRICED_ADS);
	});
});

describe("decideFromMemberships on a second-stage request", () => {
	const config = stageConfig(
		{
			unmatched_ads: "ignore",
			unselected_devices: "refuse",
			rules: [
				{ id: "r_1001", match: { adgroup_id: ["1001"], segments: ["new_user"] }, action: { cpc_price: 150 } },
			],
		},
		[{ id: "st_new", include: ["new_user"], bid: { cpc_price: 120 } }],
	);
	const list = ads([{ adgroupId: 1001n, creativeInfos: [{ creativeId: 10011n }] }, { adgroupId: 1002n }]);

	it("takes the device and prices its ads, without a cache time", ({ expect }) => {
		const trace: DecisionTrace = { used: [], segments: [], selectionEnds: null, strategies: [], ads: [] };
		const out = decideFromMemberships(config, [imei], [membershipOf([["new_user", 0]])], [], 0, list, trace);
		expect(out.code).toBe(RtaCode.TAKE);
		expect(out.cacheTime).toBeUndefined();
		expect(out.selected.map((s) => s.id)).toEqual(["st_new"]);
		expect(out.adResults).toEqual([
			expect.objectContaining({ adgroupId: 1001n, cpc: 150, ignore: false }),
			expect.objectContaining({ adgroupId: 1002n, ignore: true }),
		]);
		expect(trace.ads.map((a) => a.result)).toEqual(["priced", "unmatched_ignored"]);
	});

	it("refuses a device no strategy selects (unselected_devices: refuse), with no cache time", ({
		expect,
	}) => {
		const out = decideFromMemberships(config, [imei], [null], [], 0, list);
		expect([out.code, out.cacheTime, out.adResults]).toEqual([RtaCode.NO_STRATEGY, undefined, undefined]);
	});

	it("answers code 0 with every ad ignored (unselected_devices: ignore_all)", ({ expect }) => {
		const ignoring = stageConfig({ unmatched_ads: "omit", unselected_devices: "ignore_all", rules: [] });
		const out = decideFromMemberships(ignoring, [imei], [null], [], 0, list);
		expect(out.code).toBe(RtaCode.TAKE);
		expect(out.selected).toEqual([]);
		expect(out.adResults?.map((a) => [a.adgroupId, a.ignore])).toEqual([
			[1001n, true],
			[1002n, true],
		]);
	});

	it("without a second_stage in the config: a take like a first-stage one, no ad_results", ({ expect }) => {
		const plain = compiledConfig({ strategies: [{ id: "st_new", include: ["new_user"] }] });
		const out = decideFromMemberships(plain, [imei], [membershipOf([["new_user", 0]])], [], 0, list);
		expect([out.code, out.adResults]).toEqual([RtaCode.TAKE, undefined]);
	});

	it("at the deadline: the FALLBACK strategy, every ad treated as unmatched (the segments are unknown)", ({
		expect,
	}) => {
		const out = fallbackOutcome({ kind: "strategy", id: "st_new" }, config, list);
		expect(out.code).toBe(RtaCode.TAKE);
		expect(out.cacheTime).toBeUndefined();
		expect(out.adResults?.map((a) => a.ignore)).toEqual([true, true]);
		const omitting = stageConfig({ unmatched_ads: "omit", unselected_devices: "refuse", rules: [] });
		expect(fallbackOutcome({ kind: "strategy", id: "st_new" }, omitting, list).adResults).toEqual([]);
		expect(fallbackOutcome({ kind: "refuse" }, config, list).code).toBe(RtaCode.DEADLINE);
	});
});
