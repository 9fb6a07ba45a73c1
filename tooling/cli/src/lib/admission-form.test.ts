import { describe, it } from "vitest";
import { canonicalFieldKey, checkAdmissionForm, FORM_FIELDS } from "./admission-form.ts";

const VALID = {
	rta_full_name: "腾讯科技(深圳)有限公司",
	rta_short_name: "腾讯",
	traffic_scope: "微信、优量汇",
	cache_time: "1小时",
	qps_limit: "20W",
	interaction_mode: "设备号",
	bid_url: "http://qq.com/rta",
	use_case: "拉新",
	daily_spend: "20W",
	expected_revenue_uplift: "10W",
	entity_names: ["腾讯科技(深圳)有限公司", "腾讯科技(北京)有限公司"],
	methodology: "分层出价",
	rules_acknowledgement: "已知晓RTA准入门槛及清退机制，并严格遵守。AMS运营接口人张三，客户代表李四",
};

function errorsOf(form: Record<string, unknown>) {
	return checkAdmissionForm(form).issues.filter((i) => i.severity === "error");
}

describe("checkAdmissionForm", () => {
	it("accepts the admission guide's own example values and normalises them", ({ expect }) => {
		const result = checkAdmissionForm(VALID);
		expect(result.issues.filter((i) => i.severity === "error")).toEqual([]);
		expect(result.ok).toBe(true);
		expect(result.form).toMatchObject({
			integration_type: "direct",
			traffic_scope: ["微信", "优量汇"],
			cache_time_seconds: 3600,
			qps_limit: 200_000,
			interaction_mode: "device_id",
			daily_spend: 200_000,
		});
	});

	it.for(FORM_FIELDS.filter((f) => f.required).map((f) => f.key))("requires %s", (key, { expect }) => {
		const form: Record<string, unknown> = { ...VALID };
		delete form[key];
		const errors = errorsOf(form);
		expect(errors.map((e) => e.field)).toContain(key);
		expect(errors.find((e) => e.field === key)?.message).toMatch(/required/);
	});

	it.for([
		["0.5h", false],
		["1h", true],
		["24小时", true],
		["25h", false],
		["3600s", true],
		[48, false],
	] as const)("cache_time %s ok=%s (1–24 h)", ([value, ok], { expect }) => {
		expect(errorsOf({ ...VALID, cache_time: value }).some((e) => e.field === "cache_time")).toBe(!ok);
	});

	it("refuses choosing both interaction modes", ({ expect }) => {
		const errors = errorsOf({ ...VALID, interaction_mode: "设备号、openid" });
		expect(errors.find((e) => e.field === "interaction_mode")?.message).toMatch(/not both/);
	});

	it("requires a WeChat appid for openid, of the wx+16 hex shape", ({ expect }) => {
		expect(errorsOf({ ...VALID, interaction_mode: "openid" }).map((e) => e.field)).toContain("appid");
		expect(errorsOf({ ...VALID, interaction_mode: "openid", appid: "wx12" }).map((e) => e.field)).toContain(
			"appid",
		);
		const ok = checkAdmissionForm({ ...VALID, interaction_mode: "openid", appid: "wx0102030405060708" });
		expect(ok.ok).toBe(true);
		expect(ok.form.appid).toBe("wx0102030405060708");
	});

	it("refuses openid for a service provider", ({ expect }) => {
		const errors = errorsOf({
			...VALID,
			integration_type: "服务商",
			interaction_mode: "openid",
			appid: "wx0102030405060708",
		});
		expect(errors.find((e) => e.field === "interaction_mode")?.message).toMatch(/service provider/);
	});

	it("maps English traffic scope aliases and refuses unknown ones", ({ expect }) => {
		expect(
			checkAdmissionForm({ ...VALID, traffic_scope: ["wechat", "ylh", "XQ"] }).form.traffic_scope,
		).toEqual(["微信", "优量汇", "XQ"]);
		expect(errorsOf({ ...VALID, traffic_scope: ["微信", "抖音"] })[0]?.message).toMatch(
			/"抖音" is not one of/,
		);
	});

	it.for([
		["ftp://qq.com/rta", /http/],
		["qq.com/rta", /not a URL/],
		["https://user:pw@qq.com/rta", /user name/],
	] as const)("refuses BidURL %s", ([bidUrl, message], { expect }) => {
		expect(errorsOf({ ...VALID, bid_url: bidUrl }).find((e) => e.field === "bid_url")?.message).toMatch(
			message,
		);
	});

	it("warns (does not fail) below 8万/day spend", ({ expect }) => {
		const result = checkAdmissionForm({ ...VALID, daily_spend: "5W" });
		expect(result.ok).toBe(true);
		expect(result.issues.find((i) => i.field === "daily_spend")).toMatchObject({ severity: "warning" });
	});

	it("requires the acknowledgement text with both names filled in", ({ expect }) => {
		expect(errorsOf({ ...VALID, rules_acknowledgement: "同意" })[0]?.message).toMatch(/已知晓RTA准入门槛/);
		const blank = "已知晓RTA准入门槛及清退机制，并严格遵守。AMS运营接口人_____，客户代表_____";
		expect(errorsOf({ ...VALID, rules_acknowledgement: blank })[0]?.message).toMatch(/names filled in/);
	});

	it("accepts the Chinese labels as keys", ({ expect }) => {
		const zh = Object.fromEntries(
			Object.entries(VALID).map(([k, v]) => [FORM_FIELDS.find((f) => f.key === k)?.zh ?? k, v]),
		);
		expect(Object.keys(zh)).toContain("缓存时间");
		const result = checkAdmissionForm(zh);
		expect(result.ok).toBe(true);
		expect(result.form.cache_time_seconds).toBe(3600);
	});

	it("flags the same field given twice and unknown keys, with their lines", ({ expect }) => {
		const lines: Record<string, number> = { 缓存时间: 9, typo_field: 12 };
		const result = checkAdmissionForm({ ...VALID, 缓存时间: "2h", typo_field: 1 }, (k) => lines[k]);
		expect(result.issues.find((i) => i.field === "cache_time")).toMatchObject({ severity: "error", line: 9 });
		expect(result.issues.find((i) => i.field === "typo_field")).toMatchObject({
			severity: "warning",
			line: 12,
		});
	});

	it("maps keys regardless of case and spacing", ({ expect }) => {
		expect(canonicalFieldKey("BidURL")).toBe("bid_url");
		expect(canonicalFieldKey("QPS限制")).toBe("qps_limit");
		expect(canonicalFieldKey("Cache Time")).toBe("cache_time");
		expect(canonicalFieldKey("nope")).toBeUndefined();
	});
});
