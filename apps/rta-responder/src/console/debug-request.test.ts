import { CacheDeviceIdType, OperatingSystem, RequestType } from "@txad/proto";
import { describe, it } from "vitest";
import { isResponderError } from "../errors.ts";
import { debugRequest } from "./debug-request.ts";

const NOW = 1_796_000_000_000;

function fieldOf(form: unknown): string | undefined {
	try {
		debugRequest(form, NOW);
	} catch (e) {
		if (isResponderError(e)) return e.field;
		throw e;
	}
	return undefined;
}

describe("debugRequest", () => {
	it("hashes raw ids the way Tencent does and passes hashed ones through as typed", ({ expect }) => {
		const r = debugRequest(
			{
				ids: [
					{ type: "imei", value: " 354649050046412 " },
					{ type: "idfa", value: "1e2dfa89-496a-47fd-9941-df1fc4e6484a" },
					{ type: "oaid_md5", value: "NOT-A-HASH" },
					{ type: "caid_md5", value: "0123456789abcdef0123456789abcdef", caid_version: 20220111 },
				],
				os: "android",
				cached_deviceid_type: "IMEI_MD5",
				openids: [{ appid: "wx1", openid: "o1" }],
				exps: [1001, 1002],
			},
			NOW,
		);
		expect(r.id).toBe(`console-${NOW}`);
		expect(r.isTest).toBe(true);
		expect(r.device).toMatchObject({
			os: OperatingSystem.OS_ANDROID,
			imeiMd5sum: "b496ec1169770ea274a2b4f42ca4fb71",
			oaidMd5sum: "NOT-A-HASH",
			cachedDeviceidType: CacheDeviceIdType.IMEI_MD5,
			qaidInfos: [{ version: 20220111, qaidMd5sum: "0123456789abcdef0123456789abcdef" }],
			wxOpenid: [{ appid: "wx1", openid: "o1" }],
		});
		expect(r.device?.idfaMd5sum).toMatch(/^[0-9a-f]{32}$/);
		expect(r.exps.map((e) => e.expId)).toEqual([1001, 1002]);
		expect(r.requestInfo).toBeUndefined();
	});

	it("builds an ad list with uint64 ids beyond 2^53", ({ expect }) => {
		const r = debugRequest(
			{
				stage: "adlist",
				is_test: false,
				ad_infos: [
					{
						adgroup_id: "18446744073709551615",
						advertiser_id: 7,
						creative_ids: [1, "2"],
						products: [{ product_lib: "9", out_product_id: "sku-1" }],
					},
				],
			},
			NOW,
		);
		expect(r.isTest).toBe(false);
		expect(r.device).toBeUndefined();
		expect(r.requestInfo?.requestType).toBe(RequestType.ADLIST_REQUEST);
		expect(r.adInfos[0]).toMatchObject({
			adgroupId: 18446744073709551615n,
			advertiserId: 7,
			creativeInfos: [{ creativeId: 1n }, { creativeId: 2n }],
			productInfos: [{ productLib: 9n, outProductId: "sku-1" }],
		});
	});

	it("names the field of every problem", ({ expect }) => {
		expect(fieldOf(null)).toBe("body");
		expect(fieldOf({ extra: 1 })).toBe("extra");
		expect(fieldOf({ ids: {} })).toBe("ids");
		expect(fieldOf({ ids: [7] })).toBe("ids[0]");
		expect(fieldOf({ ids: [{ value: "1" }] })).toBe("ids[0].type");
		expect(fieldOf({ ids: [{ type: "imei", value: "" }] })).toBe("ids[0].value");
		expect(fieldOf({ ids: [{ type: "caid", value: "x", caid_version: -1 }] })).toBe("ids[0].caid_version");
		expect(fieldOf({ ids: Array.from({ length: 65 }, () => ({ type: "imei", value: "1" })) })).toBe("ids");
		expect(fieldOf({ openids: [{ appid: "wx" }] })).toBe("openids[0].openid");
		expect(fieldOf({ exps: [1.5] })).toBe("exps[0]");
		expect(fieldOf({ stage: "third" })).toBe("stage");
		expect(fieldOf({ ad_infos: [{ adgroup_id: "1" }] })).toBe("ad_infos");
		expect(fieldOf({ stage: "adlist", ad_infos: [{ adgroup_id: "18446744073709551616" }] })).toBe(
			"ad_infos[0].adgroup_id",
		);
		expect(fieldOf({ stage: "adlist", ad_infos: [{ adgroup_id: 1, bid: 2 }] })).toBe("ad_infos[0].bid");
		expect(fieldOf({ stage: "adlist", ad_infos: [{ adgroup_id: 1, products: [{ product_lib: 1 }] }] })).toBe(
			"ad_infos[0].products[0].out_product_id",
		);
		expect(fieldOf({ is_test: "yes" })).toBe("is_test");
		expect(fieldOf({ request_id: 5 })).toBe("request_id");
	});
});
