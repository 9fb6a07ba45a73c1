/**
 * The hand-written RtaResponse writer against protobuf-es: byte for byte the same as `toBinary` of
 * the same message, for first-stage takes (bid fields, tags, products, whitelists), refusals,
 * pings and second-stage answers; the request id echoed as its exact bytes.
 * @module
 */
import { membershipOf } from "@txad/audience";
import {
	create,
	decodeRtaResponse,
	encodeRtaRequest,
	RequestType,
	RtaRequestSchema,
	type RtaRequestView,
	RtaResponse_AdResult_CreativeResultSchema,
	RtaResponse_AdResult_ProductResultSchema,
	RtaResponse_AdResultSchema,
	RtaResponseSchema,
	readRtaRequest,
	toBinary,
} from "@txad/proto";
import { describe, it } from "vitest";
import { compiledConfig } from "../config/strategies.testdata.ts";
import type { CandidateId } from "../decide/ids.ts";
import { decideFromMemberships, fallbackOutcome, type Outcome, refusal } from "../decide/outcome.ts";
import { encodeAnswer } from "./response.ts";

const config = compiledConfig({
	response_cache_time: 7200,
	dsp_tag: "18446744073709551615",
	dsp_tag_str: "req-tag",
	products: [{ product_lib: "9007199254740993", products: [{ id: "1", priority: 100 }, { id_str: "sku" }] }],
	strategies: [
		{
			id: "st_full",
			include: ["vip"],
			bid: {
				cpc_price: 120,
				cpa_price: 3000,
				user_weight_factor: 1.5,
				cpc_factor: 1.2,
				dsp_tag: "42",
				dsp_tag_str: "标签",
				pcvr: 0.031,
			},
			aid_whitelist: ["1001", "18446744073709551615"],
			products: [{ product_lib: "7", products: [{ id: "900001", priority: 90 }] }],
		},
		{ id: "st_plain", include: ["vip"], aid_whitelist: ["1001", "2002"] },
		{ id: "st_open" },
	],
	second_stage: {
		unmatched_ads: "ignore",
		unselected_devices: "ignore_all",
		base_prices: [{ adgroup_id: "3003", cpc_price: 200, cpa_price: 4000 }],
		rules: [
			{
				id: "r_group",
				match: { adgroup_id: ["1001"] },
				action: { cpc_price: 150, raise_factor_to_tencent: 1.3 },
			},
			{ id: "r_creative", match: { creative_id: ["10011"] }, action: { cpc_price: 160, cpa_price: 3100 } },
			{ id: "r_raise", match: { adgroup_id: ["1001"] }, action: { out_raise_factor: 1.1 } },
			{
				id: "r_product",
				match: { products: [{ product_lib: "7", out_product_id: "p-1" }] },
				action: { cpc_price: 170 },
			},
			{ id: "r_multiply", match: { adgroup_id: ["3003"] }, action: { multiply: 1.25 } },
			{ id: "r_ignore", match: { adgroup_id: ["4004"] }, action: { ignore: true } },
		],
	},
});

const imei: CandidateId = {
	type: "imei_md5",
	value: "b496ec1169770ea274a2b4f42ca4fb71",
	key: "imei_md5:b496ec1169770ea274a2b4f42ca4fb71",
	source: "device.imei_md5sum",
};

const adlist: RtaRequestView = readRtaRequest(
	encodeRtaRequest(
		create(RtaRequestSchema, {
			id: "adlist-1",
			device: { imeiMd5sum: imei.value },
			requestInfo: { requestType: RequestType.ADLIST_REQUEST },
			adInfos: [
				{
					adgroupId: 1001n,
					advertiserId: 7,
					outTargetId: "st_full",
					creativeInfos: [{ creativeId: 10011n }, { creativeId: 10012n }],
					productInfos: [{ productLib: 7n, outProductId: "p-1" }],
				},
				{ adgroupId: 3003n, creativeInfos: [{ creativeId: 30031n }] },
				{ adgroupId: 4004n },
				{ adgroupId: 5005n },
			],
		}),
	),
);

/** The same answer built as a protobuf-es message, the way the responder used to. */
function reference(id: string, outcome: Outcome, ms: number | undefined): Uint8Array {
	const res = create(RtaResponseSchema);
	res.code = outcome.code;
	if (id !== "") res.requestId = id;
	if (ms !== undefined) res.processingTimeMs = ms;
	if (outcome.cacheTime !== undefined) res.responseCacheTime = outcome.cacheTime;
	const extras = outcome.extras;
	if (extras?.dspTag !== undefined) res.dspTag = extras.dspTag;
	res.dynamicProductInfos = [...(extras?.products ?? [])];
	for (const s of outcome.selected) {
		res.outTargetId.push(s.id);
		if (s.variant.targetInfo !== undefined) res.targetInfos.push(s.variant.targetInfo);
	}
	res.aidWhitelist = [...outcome.aidWhitelist];
	for (const ad of outcome.adResults ?? []) {
		const r = create(RtaResponse_AdResultSchema, { adgroupId: ad.adgroupId });
		for (const c of ad.creatives) {
			const cr: { creativeId: bigint; cpcPrice?: number; outRaiseFactor?: number; cpaPrice?: number } = {
				creativeId: c.creativeId,
			};
			if (c.cpc !== undefined) cr.cpcPrice = c.cpc;
			if (c.outRaiseFactor !== undefined) cr.outRaiseFactor = c.outRaiseFactor;
			if (c.cpa !== undefined) cr.cpaPrice = c.cpa;
			r.creativeResults.push(create(RtaResponse_AdResult_CreativeResultSchema, cr));
		}
		if (ad.cpc !== undefined) r.cpcPrice = ad.cpc;
		if (ad.ignore) r.ignore = true;
		for (const p of ad.products)
			r.productResults.push(
				create(RtaResponse_AdResult_ProductResultSchema, {
					productLib: p.productLib,
					outProductId: p.outProductId,
					cpcPrice: p.cpc,
				}),
			);
		if (ad.cpa !== undefined) r.cpaPrice = ad.cpa;
		if (ad.raiseFactor !== undefined) r.raiseFactorToTencent = ad.raiseFactor;
		res.adResults.push(r);
	}
	if (extras?.dspTagStr !== undefined) res.dspTagStr = extras.dspTagStr;
	return toBinary(RtaResponseSchema, res);
}

const utf8 = new TextEncoder();
const take = decideFromMemberships(config, [imei], [membershipOf([["vip", 0]])], [], 0);
const openOnly = decideFromMemberships(config, [imei], [null], [], 0);
const secondStage = decideFromMemberships(
	config,
	[imei],
	[membershipOf([["vip", 0]])],
	[],
	0,
	adlist.adInfos,
);
const ignoreAll = decideFromMemberships(
	compiledConfig({
		strategies: [{ id: "st_vip", include: ["vip"] }],
		second_stage: { unmatched_ads: "omit", unselected_devices: "ignore_all", rules: [] },
	}),
	[imei],
	[null],
	[],
	0,
	adlist.adInfos,
);

describe("encodeAnswer", () => {
	it.for([
		["a take with every first-stage field", take, 3],
		["a take of open strategies only", openOnly, 0],
		["a second-stage answer", secondStage, 12],
		["every ad ignored for an unselected device", ignoreAll, 1],
		["a refusal with a cache time", refusal("NO_STRATEGY", 3600), 1],
		["a refusal", refusal("UNDECODABLE"), 0],
		["a ping answer", refusal("PING"), undefined],
		["a fallback take", fallbackOutcome({ kind: "strategy", id: "st_full" }, config), 30],
	] as const)("writes %s exactly as protobuf-es does", ([, outcome, ms], { expect }) => {
		for (const id of ["", "req-1", "标识-🙂"])
			expect(encodeAnswer(utf8.encode(id), outcome, ms)).toEqual(reference(id, outcome, ms));
	});

	it("carries what the config says, merged without duplicates", ({ expect }) => {
		const res = decodeRtaResponse(encodeAnswer(utf8.encode("r"), take, 0));
		expect(res.outTargetId).toEqual(["st_full", "st_plain", "st_open"]);
		expect(res.aidWhitelist).toEqual([1001n, 18446744073709551615n, 2002n]);
		expect(res.dspTag).toBe(18446744073709551615n);
		expect(res.dspTagStr).toBe("req-tag");
		expect(res.dynamicProductInfos[0]?.productLib).toBe(9007199254740993n);
		const info = res.targetInfos[0];
		expect(info?.dspTag).toBe(42n);
		expect(info?.dspTagStr).toBe("标签");
		expect(info?.pcvr).toBeCloseTo(0.031, 6);
		expect(info?.dynamicProductInfos[0]?.products[0]?.id).toBe(900001n);
	});

	it("echoes request_id byte for byte: invalid UTF-8 and a leading BOM included", ({ expect }) => {
		for (const id of [
			Uint8Array.from([0xff, 0xfe, 0x41]),
			Uint8Array.from([0xef, 0xbb, 0xbf, 0x72, 0x31]),
			Uint8Array.from([0xc3]),
		]) {
			const bytes = encodeAnswer(id, refusal("PING"), undefined);
			expect(bytes).toEqual(Uint8Array.from([0x0a, id.length, ...id, 0x10, 0x08]));
		}
	});

	it("puts code 0 and processing_time_ms 0 on the wire, and clamps the time to an int32", ({ expect }) => {
		expect(encodeAnswer(new Uint8Array(0), { ...refusal("NO_DEVICE"), code: 0 }, 0)).toEqual(
			Uint8Array.from([0x10, 0x00, 0x20, 0x00]),
		);
		const late = decodeRtaResponse(encodeAnswer(new Uint8Array(0), refusal("DEADLINE"), 2 ** 40));
		expect(late.processingTimeMs).toBe(0x7fff_ffff);
		expect(decodeRtaResponse(encodeAnswer(new Uint8Array(0), refusal("DEADLINE"), -5)).processingTimeMs).toBe(
			0,
		);
	});
});
