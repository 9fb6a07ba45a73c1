import { describe, it } from "vitest";
import { decideJump } from "./decide.ts";
import { isJumpError } from "./errors.ts";
import { adWith } from "./jump.testdata.ts";
import { WECHAT_OPENSDK_MIN_SDK_INT, WECHAT_OPENSDK_MIN_VERSION } from "./tables.ts";
import { checkWechatPrerequisites, compareVersions } from "./wechat.ts";

const caught = (fn: () => unknown): unknown => {
	try {
		fn();
	} catch (e) {
		return e;
	}
	return undefined;
};

describe("compareVersions: numeric parts, missing parts are 0", () => {
	it.for([
		["5.3", "5.3.1", -1],
		["5.3.1", "5.3", 1],
		["5.3", "5.3.0", 0],
		["5.3.0.0", "5.3", 0],
		["5.3.1", "5.3.1", 0],
		["5.10", "5.9.9", 1],
		["5.9.9", "5.10", -1],
		["10.0", "9.9.9", 1],
		["05.3.1", "5.3.1", 0],
		["1.8.5", "1.8.6", -1],
		["2", "1.8.6", 1],
	] as const)("%s vs %s → %i", ([a, b, sign], { expect }) => {
		expect(Math.sign(compareVersions(a, b))).toBe(sign);
	});

	it.for(["v6", "6.", "", "6..1", ".6", "6.a", " 6.1"])("rejects %j naming the field", (v, { expect }) => {
		const e = caught(() => compareVersions(v, "1.0"));
		expect(isJumpError(e) && e.code).toBe("INVALID_FIELD");
		expect(isJumpError(e) && e.field).toBe("wechat.openSdkVersion");
		expect(isJumpError(e) && e.message).toContain(JSON.stringify(v));
	});

	it("rejects a non-string", ({ expect }) => {
		expect(isJumpError(caught(() => compareVersions(531 as unknown as string, "5.3.1")))).toBe(true);
	});
});

describe("checkWechatPrerequisites: DSP-B guide 微信小程序/小游戏广告处理逻辑 (Android ≥ 5.3.1, iOS ≥ 1.8.6)", () => {
	it("uses the guide's minimums", ({ expect }) => {
		expect(WECHAT_OPENSDK_MIN_VERSION).toEqual({ android: "5.3.1", ios: "1.8.6" });
		// OpenSDK 5.3.1 as Build.SDK_INT: 0x20 + major, minor, patch, 0 (docs/dspb/protocol.md, implementation notes).
		expect(WECHAT_OPENSDK_MIN_SDK_INT).toBe(0x25030100);
	});

	// Build.SDK_INT values the Android OpenSDK releases ship with, next to their version names.
	it.for([
		["5.0.8", 620757000, "wechat_opensdk_too_old"],
		["5.1.0", 620822528, "wechat_opensdk_too_old"],
		["5.3.1 − 1", 620953855, "wechat_opensdk_too_old"],
		["5.3.1", 620953856, undefined],
		["5.3.3", 620954368, undefined],
		["6.6.4", 637928448, undefined],
		["6.8.0", 638058496, undefined],
	] as const)("Android OpenSDK %s (Build.SDK_INT %i) → %s", ([, sdkInt, reason], { expect }) => {
		expect(checkWechatPrerequisites("android", { installed: true, openSdkVersion: sdkInt })).toBe(reason);
	});

	it.for([
		["android", "5.3", "wechat_opensdk_too_old"],
		["android", "5.3.0", "wechat_opensdk_too_old"],
		["android", "5.3.1", undefined],
		["android", "5.10", undefined],
		["ios", "1.8", "wechat_opensdk_too_old"],
		["ios", "1.8.5", "wechat_opensdk_too_old"],
		["ios", "1.8.6", undefined],
		["ios", "1.10.0", undefined],
	] as const)("%s OpenSDK %j → %s", ([platform, openSdkVersion, reason], { expect }) => {
		expect(checkWechatPrerequisites(platform, { installed: true, openSdkVersion })).toBe(reason);
	});

	it("reads Build.SDK_INT 0 as too old, and a digit-only iOS version as a version", ({ expect }) => {
		expect(checkWechatPrerequisites("android", { installed: true, openSdkVersion: 0 })).toBe(
			"wechat_opensdk_too_old",
		);
		expect(checkWechatPrerequisites("ios", { installed: true, openSdkVersion: "2" })).toBeUndefined();
		expect(checkWechatPrerequisites("ios", { installed: true, openSdkVersion: "1" })).toBe(
			"wechat_opensdk_too_old",
		);
	});

	it("needs WeChat installed and an OpenSDK in the host", ({ expect }) => {
		expect(checkWechatPrerequisites("ios", undefined)).toBe("unsupported_by_host");
		expect(checkWechatPrerequisites("android", { installed: false, openSdkVersion: 638058496 })).toBe(
			"wechat_not_installed",
		);
		expect(checkWechatPrerequisites("ios", { installed: false, openSdkVersion: "1.9.2" })).toBe(
			"wechat_not_installed",
		);
	});

	it.for([
		["ios", 186, "iOS reports a dotted version string"],
		["android", "620953856", "pass Build.SDK_INT as a number"],
		["android", 5.31, "not a non-negative integer"],
		["android", -1, "not a non-negative integer"],
		["android", Number.NaN, "not a non-negative integer"],
		["android", "v5", "not a dotted numeric version"],
	] as const)("%s: rejects %j (%s)", ([platform, openSdkVersion, why], { expect }) => {
		for (const installed of [true, false]) {
			const e = caught(() => checkWechatPrerequisites(platform, { installed, openSdkVersion }));
			expect(isJumpError(e) && e.field).toBe("wechat.openSdkVersion");
			expect(isJumpError(e) && e.message).toContain(why);
		}
	});

	it("reports a missing WeChat before an old OpenSDK", ({ expect }) => {
		expect(checkWechatPrerequisites("android", { installed: false, openSdkVersion: 620822528 })).toBe(
			"wechat_not_installed",
		);
	});
});

describe("decideJump with an Android Build.SDK_INT", () => {
	it("opens the mini program with OpenSDK 6.6.4 (637928448)", ({ expect }) => {
		const plan = decideJump(adWith(0, ["wechat_app", "landing_page_url"]), {
			platform: "android",
			wechat: { installed: true, openSdkVersion: 637928448 },
		});
		expect(plan.kind === "jump" && plan.steps.map((s) => s.action.kind)).toEqual([
			"wechat_mini_program",
			"landing_page",
		]);
	});

	it("falls back to the landing page with OpenSDK 5.1.0 (620822528)", ({ expect }) => {
		const plan = decideJump(adWith(0, ["wechat_app", "wechat_canvas", "landing_page_url"]), {
			platform: "android",
			wechat: { installed: true, openSdkVersion: 620822528 },
		});
		expect(plan.kind === "jump" && plan.steps.map((s) => s.action.kind)).toEqual(["landing_page"]);
		expect(plan.skipped).toEqual([
			{ field: "customized_invoke_url", reason: "absent" },
			{ field: "quick_app_link", reason: "absent" },
			{ field: "wechat_app", reason: "wechat_opensdk_too_old" },
			{ field: "wechat_canvas", reason: "wechat_opensdk_too_old" },
		]);
	});
});
