/**
 * The full vocabulary through POST /rta, against real KV: second-stage (ADLIST) requests priced
 * from the config's rules, the unmatched-ads and unselected-devices choices, aid_whitelist, tags
 * and products on first-stage takes, the strict reader on hand-written wire bytes (wrong wire
 * types skipped, fields past their sub-message refused, request_id echoed byte for byte), and
 * over-long openids never looked up.
 * @module
 */
import { toJson } from "@bufbuild/protobuf";
import {
	CacheDeviceIdType,
	decodeRtaResponse,
	encodeBase64,
	RequestType,
	RtaResponse_AdResultSchema,
} from "@txad/proto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { RtaCode } from "../src/codes.ts";
import {
	admin,
	askRta,
	freshImei,
	imeiRequest,
	postRta,
	putAudience,
	putConfig,
	type RequestInit,
	rtaBytes,
	TEST_CONFIG,
} from "./helpers.ts";

const CONFIG = {
	response_cache_time: 7200,
	dsp_tag_str: "txad",
	strategies: [
		{ id: "st_new_user", include: ["new_user"], bid: { cpc_price: 120 } },
		{
			id: "st_vip",
			include: ["vip"],
			bid: { cpa_price: 5000, dsp_tag_str: "vip", dsp_tag: "18446744073709551615", pcvr: 0.05 },
			aid_whitelist: ["1001", "9007199254740993"],
			products: [{ product_lib: "7001", products: [{ id: "900001", priority: 90 }, { id_str: "sku-42" }] }],
		},
	],
	second_stage: {
		unmatched_ads: "ignore",
		unselected_devices: "refuse",
		base_prices: [{ adgroup_id: "3003", cpc_price: 200 }],
		rules: [
			{ id: "r_1001", match: { adgroup_id: ["1001"], segments: ["new_user"] }, action: { cpc_price: 150 } },
			{
				id: "r_creative",
				match: { creative_id: ["20021"] },
				action: { cpa_price: 3100, out_raise_factor: 1.5 },
			},
			{ id: "r_multiply", match: { adgroup_id: ["3003"] }, action: { multiply: 1.5 } },
		],
	},
};

beforeAll(() => putConfig(CONFIG));
afterAll(() => putConfig(TEST_CONFIG));

async function decoded(res: Response) {
	expect200(res);
	return decodeRtaResponse(new Uint8Array(await res.arrayBuffer()));
}

function expect200(res: Response): void {
	if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
}

function adlist(
	hash: string,
	ads: { adgroupId: bigint; creativeInfos?: { creativeId: bigint }[] }[],
): RequestInit {
	return {
		id: `adlist-${crypto.randomUUID()}`,
		device: { os: 2, imeiMd5sum: hash, cachedDeviceidType: CacheDeviceIdType.IMEI_MD5 },
		requestInfo: { requestType: RequestType.ADLIST_REQUEST },
		adInfos: ads.map((a) => ({ advertiserId: 20001, outTargetId: "st_new_user", ...a })),
	};
}

describe("second-stage requests", () => {
	it("prices the ads the rules match, answers the others ignore: true, and nothing else", async ({
		expect,
	}) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["new_user"] }]);
		const answer = await askRta(
			adlist(hash, [
				{ adgroupId: 1001n, creativeInfos: [{ creativeId: 10011n }] },
				{ adgroupId: 1002n },
				{ adgroupId: 2002n, creativeInfos: [{ creativeId: 20021n }, { creativeId: 20022n }] },
				{ adgroupId: 3003n },
			]),
		);
		expect(answer.code).toBe(RtaCode.TAKE);
		expect(answer.outTargetId).toEqual(["st_new_user"]);
		expect(answer.responseCacheTime).toBe(0);
		expect(
			answer.adResults.map((r) => ({
				adgroup: r.adgroupId,
				cpc: r.cpcPrice,
				ignore: r.ignore,
				creatives: r.creativeResults.map((c) => [c.creativeId, c.cpaPrice, c.outRaiseFactor]),
			})),
		).toEqual([
			{ adgroup: 1001n, cpc: 150, ignore: false, creatives: [] },
			{ adgroup: 1002n, cpc: 0, ignore: true, creatives: [] },
			{ adgroup: 2002n, cpc: 0, ignore: false, creatives: [[20021n, 3100, 1.5]] },
			{ adgroup: 3003n, cpc: 300, ignore: false, creatives: [] },
		]);
	});

	it("checks a rule's segments against the device: a vip device gets 1001 ignored", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["vip"] }]);
		const answer = await askRta(adlist(hash, [{ adgroupId: 1001n }]));
		expect(answer.outTargetId).toEqual(["st_vip"]);
		expect(answer.adResults.map((r) => [r.adgroupId, r.ignore])).toEqual([[1001n, true]]);
	});

	it("refuses a device no strategy selects (unselected_devices: refuse)", async ({ expect }) => {
		const { hash } = freshImei();
		const answer = await askRta(adlist(hash, [{ adgroupId: 1001n }]));
		expect(answer.code).toBe(RtaCode.NO_STRATEGY);
		expect(answer.adResults).toEqual([]);
	});
});

describe("POST /admin/explain on a second-stage request", () => {
	it("explains each ad's rule and effective prices, and shows the exact answer /rta sends", async ({
		expect,
	}) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["new_user"] }]);
		const request = adlist(hash, [
			{ adgroupId: 1001n, creativeInfos: [{ creativeId: 10011n }] },
			{ adgroupId: 2002n, creativeInfos: [{ creativeId: 20021n }] },
			{ adgroupId: 4004n },
		]);
		const res = await admin("POST", "/admin/explain", { request_base64: encodeBase64(rtaBytes(request)) });
		expect(res.status).toBe(200);
		const out = (await res.json()) as {
			second_stage: boolean;
			ads: {
				adgroup_id: string;
				result: string;
				adgroup_rule: string | null;
				creative_rules: unknown[];
				effective: unknown;
			}[];
			response: { ad_results: unknown[] };
		};
		expect(out.second_stage).toBe(true);
		expect(out.ads.map((a) => [a.adgroup_id, a.result, a.adgroup_rule])).toEqual([
			["1001", "priced", "r_1001"],
			["2002", "priced", null],
			["4004", "unmatched_ignored", null],
		]);
		expect(out.ads[1]?.effective).toEqual({
			adgroup: { cpc_price: null, cpa_price: null },
			creatives: [{ creative_id: "20021", cpc_price: null, cpa_price: 3100 }],
			products: [],
		});
		const answer = await askRta(request);
		expect(out.response.ad_results).toEqual(
			answer.adResults.map((r) =>
				JSON.parse(JSON.stringify(toJson(RtaResponse_AdResultSchema, r, { useProtoFieldName: true }))),
			),
		);
	});
});

describe("first-stage takes: whitelist, tags, products", () => {
	it("sends the strategy's aid_whitelist, tags, pcvr and products, and the request-level tag", async ({
		expect,
	}) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["vip"] }]);
		const answer = await askRta(imeiRequest(hash));
		expect(answer.code).toBe(RtaCode.TAKE);
		expect(answer.aidWhitelist).toEqual([1001n, 9007199254740993n]);
		expect(answer.dspTagStr).toBe("txad");
		const info = answer.targetInfos[0];
		expect(info?.outTargetId).toBe("st_vip");
		expect([info?.dspTag, info?.dspTagStr, info?.cpaPrice]).toEqual([18446744073709551615n, "vip", 5000]);
		expect(info?.pcvr).toBeCloseTo(0.05, 6);
		expect(
			info?.dynamicProductInfos.map((d) => [
				d.productLib,
				d.products.map((p) => [p.id, p.idStr, p.priority]),
			]),
		).toEqual([
			[
				7001n,
				[
					[900001n, "", 90],
					[0n, "sku-42", 0],
				],
			],
		]);
	});
});

describe("the strict reader on hand-written bytes", () => {
	const { raw, hash } = freshImei();
	const hashBytes = [...new TextEncoder().encode(hash)];
	/** device { imei_md5sum: <hash> } */
	const device = [0x2a, 34, 0x1a, 32, ...hashBytes];
	beforeAll(() => putAudience([{ type: "imei", id: raw, segments: ["vip"] }]));

	it("unified_request_id (#12) as a varint is skipped: the request is decided", async ({ expect }) => {
		const answer = await decoded(
			await postRta(Uint8Array.from([0x0a, 0x02, 0x72, 0x31, 0x60, 0x96, 0x01, ...device])),
		);
		expect([answer.requestId, answer.code, answer.outTargetId]).toEqual(["r1", RtaCode.TAKE, ["st_vip"]]);
	});

	it("exps (#9) as a varint does not swallow the device", async ({ expect }) => {
		const answer = await decoded(await postRta(Uint8Array.from([0x48, 0x05, ...device])));
		expect(answer.code).toBe(RtaCode.TAKE);
	});

	it("siteset_id (#6) as fixed32 then is_ping = 1 is a ping", async ({ expect }) => {
		const answer = await decoded(await postRta(Uint8Array.from([0x35, 1, 2, 3, 4, 0x10, 0x01, ...device])));
		expect(answer.code).toBe(RtaCode.PING);
	});

	it("a device of 3 bytes whose imei_md5sum claims 32 is undecodable", async ({ expect }) => {
		const answer = await decoded(await postRta(Uint8Array.from([0x2a, 0x03, 0x1a, 0x20, ...hashBytes])));
		expect(answer.code).toBe(RtaCode.UNDECODABLE);
	});

	it.for([
		["invalid UTF-8", [0xff, 0xfe, 0x41]],
		["a leading BOM", [0xef, 0xbb, 0xbf, 0x72, 0x31]],
	] as const)("echoes a request id with %s byte for byte", async ([, id], { expect }) => {
		const res = await postRta(Uint8Array.from([0x0a, id.length, ...id, 0x10, 0x01]));
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect([...bytes]).toEqual([0x0a, id.length, ...id, 0x10, RtaCode.PING]);
	});
});
