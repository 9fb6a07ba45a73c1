import { describe, it } from "vitest";
import { type DspbErrorCode, isDspbError } from "./errors.ts";
import { parseAdResponse } from "./response.ts";
import { DSPB_RET_CODES, describeRet } from "./ret-codes.ts";
import { SEED_CONVERSION_EVENT, SEED_NATIVE_RESPONSE, SEED_THREE_IMAGE_RESPONSE } from "./seed.testdata.ts";

function caught(fn: () => unknown): unknown {
	try {
		fn();
	} catch (e) {
		return e;
	}
	return undefined;
}

describe("parseAdResponse: the response examples of docs/dspb/protocol.md", () => {
	it("原生图文广告: one web ad and one download ad", ({ expect }) => {
		const ads = parseAdResponse(SEED_NATIVE_RESPONSE, "8050018672826551");
		expect(ads).toHaveLength(2);
		expect(ads.map((a) => a.interact_type)).toEqual([0, 1]);
		expect(ads[0]?.title).toBe("链家717,租房换新季!");
		expect(ads[0]?.crt_type).toBe(11);
		expect(ads[0]?.click_link).toContain("__DOWN_X__");
		expect(ads[0]?.impression_link.startsWith("http://v.gdt.qq.com/gdt_stats.fcg?")).toBe(true);
		expect(ads[1]?.title).toBe("沙城传说");
		// conversion_link is a field the guide does not document; it stays in raw only.
		expect(ads[1]).not.toHaveProperty("conversion_link");
		expect(ads[1]?.raw.conversion_link).toContain("t.gdt.qq.com/conv");
	});

	it("三小图网页类广告: ad_id, img_list and an integer app_id", ({ expect }) => {
		const ads = parseAdResponse(JSON.parse(SEED_THREE_IMAGE_RESPONSE), 7010946296282620);
		expect(ads).toHaveLength(1);
		expect(ads[0]?.ad_id).toBe("78064987");
		expect(ads[0]?.img_list).toHaveLength(3);
		expect(ads[0]?.app_id).toBe("982906456");
		expect(ads[0]?.crt_type).toBe(7);
	});

	it("the wrong pos id is reported with its path", ({ expect }) => {
		const e = caught(() => parseAdResponse(SEED_NATIVE_RESPONSE, "1"));
		expect(isDspbError(e) && e.code).toBe("INVALID_RESPONSE");
		expect(isDspbError(e) && e.field).toBe("data.1");
	});
});

describe("parseAdResponse: normalization", () => {
	const body = (ad: Record<string, unknown>) =>
		JSON.stringify({
			ret: 0,
			msg: "",
			data: { "42": { list: [{ impression_link: "i", click_link: "c", interact_type: 1, ...ad }] } },
		});

	it("types conversion_event, relation_target and drops empty strings", ({ expect }) => {
		const [ad] = parseAdResponse(
			body({
				relation_target: "2",
				conversion_event: { ...SEED_CONVERSION_EVENT, deeplink_invoke: "", unknown_event: "x" },
				customized_invoke_url: "",
				package_name: "com.example",
				ecpm: "120",
				package_size_bytes: 12345678,
			}),
			42,
		);
		expect(ad?.relation_target).toBe(2);
		expect(ad?.customized_invoke_url).toBeUndefined();
		expect(ad && "customized_invoke_url" in ad).toBe(false);
		expect(ad?.ecpm).toBe(120);
		expect(ad?.package_size_bytes).toBe(12345678);
		expect(ad?.conversion_event).toEqual({
			app_installed: SEED_CONVERSION_EVENT.app_installed,
			app_not_installed: SEED_CONVERSION_EVENT.app_not_installed,
			deeplink_success: SEED_CONVERSION_EVENT.deeplink_success,
			download_started: SEED_CONVERSION_EVENT.download_started,
			download_finished: SEED_CONVERSION_EVENT.download_finished,
			install_finished: SEED_CONVERSION_EVENT.install_finished,
		});
	});

	it("an empty list is no ads, not an error", ({ expect }) => {
		expect(parseAdResponse('{"ret":0,"msg":"","data":{"42":{"list":[]}}}', "42")).toEqual([]);
	});

	const malformed: Array<[string, string, string]> = [
		["not JSON", "<html>", "body"],
		["JSON array", "[]", "body"],
		["ret missing", '{"msg":""}', "ret"],
		["data missing", '{"ret":0,"msg":""}', "data"],
		["list not an array", '{"ret":0,"data":{"42":{"list":{}}}}', "data.42.list"],
		["ad not an object", '{"ret":0,"data":{"42":{"list":[1]}}}', "data.42.list[0]"],
		["no click_link", body({ click_link: undefined }), "data.42.list[0].click_link"],
		["no impression_link", body({ impression_link: "" }), "data.42.list[0].impression_link"],
		["interact_type 2", body({ interact_type: 2 }), "data.42.list[0].interact_type"],
		["img_url a number", body({ img_url: 5 }), "data.42.list[0].img_url"],
		["img_list of numbers", body({ img_list: [1] }), "data.42.list[0].img_list"],
		["relation_target 3", body({ relation_target: "3" }), "data.42.list[0].relation_target"],
		["conversion_event a string", body({ conversion_event: "x" }), "data.42.list[0].conversion_event"],
		[
			"conversion URL a number",
			body({ conversion_event: { download_started: 5 } }),
			"data.42.list[0].conversion_event.download_started",
		],
	];
	it.for(malformed)("%s → INVALID_RESPONSE at %s", ([, text, field], { expect }) => {
		const e = caught(() => parseAdResponse(text, "42"));
		expect(isDspbError(e) && e.code).toBe<DspbErrorCode>("INVALID_RESPONSE");
		expect(isDspbError(e) && e.field).toBe(field);
	});
});

describe("parseAdResponse: ret ≠ 0 carries the guide's meaning", () => {
	const rows = Object.entries(DSPB_RET_CODES).map(([ret, meaning]) => [Number(ret), meaning] as const);
	it("the table has every row of DSP-B guide 广告请求返回码列表", ({ expect }) => {
		expect(rows).toHaveLength(79);
		expect(describeRet(107073)).toBe("请求签名校验不通过");
		expect(describeRet(0)).toBe("成功");
		expect(describeRet(999999)).toBeUndefined();
	});
	it.for(rows)("ret %i", ([ret, meaning], { expect }) => {
		const e = caught(() => parseAdResponse({ ret, msg: "from server" }, "1"));
		expect(isDspbError(e) && e.code).toBe("API_ERROR");
		expect(isDspbError(e) && e.ret).toBe(ret);
		expect(isDspbError(e) && e.retMeaning).toBe(meaning);
		expect(isDspbError(e) && e.msg).toBe("from server");
		expect(isDspbError(e) && e.message).toContain(meaning);
	});
	it("an unlisted code still fails, with no meaning", ({ expect }) => {
		const e = caught(() => parseAdResponse('{"ret":"123","msg":"?"}', "1"));
		expect(isDspbError(e) && e.ret).toBe(123);
		expect(isDspbError(e) && e.retMeaning).toBeUndefined();
	});
});
