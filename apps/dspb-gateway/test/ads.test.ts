/**
 * POST /v1/ads through SELF against the fake 优量汇: every jump kind on both platforms, the
 * install-relation filter, the report URLs, the retry-once rule, the timeout, sign failures and
 * ret codes, and what reached the upstream (X-Forwarded-For, the mapped iOS model, WeChat fields).
 * @module
 */
import { describe, it } from "vitest";
import {
	ANDROID_CAPS,
	ANDROID_NETWORK,
	ANDROID_WECHAT,
	androidDevice,
	CLIENT_IP,
	DEMO_KEYS,
	DEMO_PLACEMENTS,
	fakeRequests,
	firstSteps,
	IOS_CAPS,
	IOS_NETWORK,
	IOS_WECHAT,
	iosDevice,
	post,
	requestAds,
} from "./helpers.ts";

const androidCall = (patch: Record<string, unknown> = {}) => ({
	placement: { id: DEMO_PLACEMENTS.android, ad_count: 10 },
	device: androidDevice(ANDROID_WECHAT),
	network: ANDROID_NETWORK,
	capabilities: ANDROID_CAPS,
	...patch,
});
const iosCall = (patch: Record<string, unknown> = {}) => ({
	placement: { id: DEMO_PLACEMENTS.ios, ad_count: 10 },
	device: iosDevice(IOS_WECHAT),
	network: IOS_NETWORK,
	capabilities: IOS_CAPS,
	...patch,
});

describe("every jump kind (docs/dspb/protocol.md 附录 点击交互处理逻辑)", () => {
	it("Android: deeplink, quick app, mini program, native page, landing page, vendor store, download", async ({
		expect,
	}) => {
		const answer = await requestAds(androidCall({ installed_packages: ["com.fake.shop"] }));
		expect(answer.no_fill).toBeNull();
		expect(answer.wechat_ads).toBe("requested");
		expect(firstSteps(answer)).toEqual({
			"android-deeplink": "deeplink",
			"android-quick-app": "quick_app",
			"android-mini-program": "wechat_mini_program",
			"android-wechat-canvas": "wechat_canvas",
			"android-landing-video": "landing_page",
			"android-vendor-store": "vendor_store",
			"android-download": "download",
			"android-installed-deeplink": "deeplink",
		});
		// Every non-landing action falls back to the landing page.
		for (const ad of answer.ads) {
			const kinds = ad.click.steps.map((s) => s.action.kind);
			expect(kinds.at(-1)).toBe("landing_page");
			expect(kinds.length).toBe(kinds[0] === "landing_page" ? 1 : 2);
		}
	});

	it("iOS: universal link, deeplink, mini program, App Store, native page, landing page", async ({
		expect,
	}) => {
		const answer = await requestAds(iosCall(), DEMO_KEYS.ios);
		expect(firstSteps(answer)).toEqual({
			"ios-universal-link": "universal_link",
			"ios-deeplink": "deeplink",
			"ios-mini-program": "wechat_mini_program",
			"ios-app-store": "app_store",
			"ios-wechat-canvas": "wechat_canvas",
			"ios-landing-video": "landing_page",
		});
	});

	it("actions carry what the app needs to run them, in snake_case", async ({ expect }) => {
		const answer = await requestAds(androidCall());
		const byKind = Object.fromEntries(answer.ads.map((ad) => [ad.title.replace("[fake] ", ""), ad]));
		const deeplink = byKind["android-deeplink"]?.click.steps[0];
		expect(deeplink).toMatchObject({
			field: "customized_invoke_url",
			action: { kind: "deeplink", url: expect.stringMatching(/^fakeapp:\/\/item\//) },
			success_rule: { kind: "host_in_background_after", delay_ms: 5000 },
		});
		expect(deeplink?.conversions.map((c) => (c as { event: string }).event)).toEqual([
			"deeplink_invoke",
			"deeplink_success",
		]);
		expect(byKind["android-mini-program"]?.click.steps[0]?.action).toMatchObject({
			kind: "wechat_mini_program",
			username: "gh_fake0000mini",
			mini_program_type: 0,
			ext_data: expect.stringMatching(/^ext=/),
		});
		expect(byKind["android-wechat-canvas"]?.click.steps[0]?.action).toMatchObject({
			kind: "wechat_canvas",
			business_type: "nativeOpenAdCanvas",
		});
		expect(byKind["android-download"]?.click.steps[0]?.action).toMatchObject({
			kind: "download",
			confirm: { app_name: expect.any(String), app_version: "1.2.3", package_size_bytes: 52428800 },
		});
	});

	it("without capabilities nothing special is asked for, and taps fall back to the landing page", async ({
		expect,
	}) => {
		const answer = await requestAds({
			placement: { id: DEMO_PLACEMENTS.android, ad_count: 10 },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		expect(firstSteps(answer)).toEqual({
			"android-landing-video": "landing_page",
			"android-download": "landing_page",
		});
		const download = answer.ads.find((ad) => ad.title.endsWith("android-download"));
		expect(download?.click.skipped).toEqual([{ field: "package_url", reason: "unsupported_by_host" }]);
		expect(answer.wechat_ads).toBe("unsupported_by_host");
	});
});

describe("WeChat prerequisites are checked before such ads are asked for", () => {
	it("Android OpenSDK 5.1.0 (Build.SDK_INT 620822528) is too old: no WeChat fields go upstream", async ({
		expect,
	}) => {
		const device = androidDevice({ opensdk_ver: 620822528, wx_api_ver: 671090490 });
		const answer = await requestAds(androidCall({ device }));
		expect(answer.wechat_ads).toBe("wechat_opensdk_too_old");
		expect(Object.keys(firstSteps(answer))).not.toContain("android-mini-program");
		expect(Object.keys(firstSteps(answer))).not.toContain("android-wechat-canvas");
	});

	it("iOS without WeChat installed gets no WeChat ads", async ({ expect }) => {
		const answer = await requestAds(
			iosCall({ device: iosDevice({ opensdk_ver: "1.9.2", wx_installed: false }) }),
			DEMO_KEYS.ios,
		);
		expect(answer.wechat_ads).toBe("wechat_not_installed");
		expect(Object.keys(firstSteps(answer))).not.toContain("ios-mini-program");
	});

	it("iOS OpenSDK 1.8.6 is enough", async ({ expect }) => {
		const answer = await requestAds(
			iosCall({ device: iosDevice({ opensdk_ver: "1.8.6", wx_installed: true }) }),
			DEMO_KEYS.ios,
		);
		expect(answer.wechat_ads).toBe("requested");
		expect(firstSteps(answer)["ios-mini-program"]).toBe("wechat_mini_program");
	});
});

describe("install-relation filter (docs/dspb/protocol.md 转化上报-应用安装上报与过滤策略应用)", () => {
	it("drops mismatches and hands the app the URL to report", async ({ expect }) => {
		const answer = await requestAds(androidCall({ installed_packages: ["com.fake.game", "com.other"] }));
		const kinds = Object.keys(firstSteps(answer));
		expect(kinds).not.toContain("android-download");
		expect(kinds).not.toContain("android-installed-deeplink");
		expect(answer.filtered.map((f) => [f.reason, f.report?.event])).toEqual([
			["installed", "app_installed"],
			["not_installed", "app_not_installed"],
		]);
		for (const f of answer.filtered)
			expect(f.report?.url).toMatch(/^https:\/\/mi\.gdt\.qq\.com\/conv\/api_data\?event=app_/);
	});

	it("shows everything when the app does not say what is installed", async ({ expect }) => {
		const answer = await requestAds(androidCall());
		expect(answer.filtered).toEqual([]);
		expect(Object.keys(firstSteps(answer))).toContain("android-installed-deeplink");
	});
});

describe("report URLs the app sends itself", () => {
	it("impression as is; click and video with what the gateway knows filled and the rest listed", async ({
		expect,
	}) => {
		const answer = await requestAds(
			androidCall({ placement: { id: DEMO_PLACEMENTS.android, ad_count: 10, width: 360, height: 200 } }),
		);
		for (const ad of answer.ads) {
			expect(ad.reports.impression.macros).toEqual([]);
			const click = ad.reports.click;
			expect(click.url).toContain(encodeURIComponent('"req_width":"360"'));
			expect(click.macros).not.toContain("__REQ_WIDTH__");
			expect(click.macros).toEqual(
				expect.arrayContaining(["__WIDTH__", "__DOWN_X__", "__UP_Y__", "__SLD__"]),
			);
			// DSP-B guide 点击上报-响应处理流程: web ads answer 302, download ads 200.
			expect(click.expected_status).toBe(ad.interact_type === 0 ? 302 : 200);
		}
		const video = answer.ads.find((ad) => ad.reports.video_view !== undefined)?.reports.video_view;
		expect(video?.url).toContain(encodeURIComponent('"vt":"15"'));
		expect(video?.macros).toEqual([
			"__BEGIN_TIME__",
			"__END_TIME__",
			"__PLAY_FIRST_FRAME__",
			"__PLAY_LAST_FRAME__",
			"__SCENE__",
			"__TYPE__",
			"__BEHAVIOR__",
			"__STATUS__",
		]);
		const download = answer.ads.find((ad) => ad.title.endsWith("android-download"));
		expect(Object.keys(download?.reports.conversions ?? {})).toEqual([
			"app_installed",
			"download_started",
			"download_finished",
			"install_finished",
		]);
	});

	it("bidding placements carry ecpm and a notice token, never the raw notice URLs", async ({ expect }) => {
		const answer = await requestAds(androidCall());
		for (const ad of answer.ads) {
			expect(ad.ecpm).toBeGreaterThan(0);
			expect(ad.notice_token).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-f]{64}$/);
			expect(JSON.stringify(ad)).not.toContain("__AUCTION_PRICE__");
		}
	});
});

describe("what reaches 优量汇", () => {
	it("X-Forwarded-For is the caller's CF-Connecting-IP and User-Agent the WebView's", async ({ expect }) => {
		const answer = await requestAds({
			placement: { id: DEMO_PLACEMENTS.noFill },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		expect(answer.no_fill?.ret).toBe(102006);
		const seen = (await fakeRequests(DEMO_PLACEMENTS.noFill)).at(-1);
		expect(seen?.x_forwarded_for).toBe(CLIENT_IP);
		expect(seen?.user_agent).toBe(ANDROID_NETWORK.ua);
	});

	it("a backend key names the user's IP in network.ip", async ({ expect }) => {
		const res = await post(
			"/v1/ads",
			{
				placement: { id: DEMO_PLACEMENTS.noFill },
				device: androidDevice(),
				network: { ...ANDROID_NETWORK, ip: "203.0.113.7" },
			},
			{ key: DEMO_KEYS.backend, headers: { "cf-connecting-ip": "198.51.100.1" } },
		);
		expect(res.status).toBe(200);
		expect((await fakeRequests(DEMO_PLACEMENTS.noFill)).at(-1)?.x_forwarded_for).toBe("203.0.113.7");
	});

	it("an iOS iPhone6,1 goes out as iPhone 5s (the fake refuses raw appendix values with 107016)", async ({
		expect,
	}) => {
		const answer = await requestAds(iosCall({ device: iosDevice({ model: "iPhone6,1" }) }), DEMO_KEYS.ios);
		expect(answer.ads.length).toBeGreaterThan(0);
		expect((await fakeRequests(DEMO_PLACEMENTS.ios)).at(-1)?.device_model).toBe("iPhone 5s");
	});
});

describe("retry once on non-200, never otherwise (docs/dspb/protocol.md 响应处理流程)", () => {
	it("503 then 200: ads, after exactly two attempts of the same signed request", async ({ expect }) => {
		const before = (await fakeRequests(DEMO_PLACEMENTS.flaky503)).length;
		const answer = await requestAds({
			placement: { id: DEMO_PLACEMENTS.flaky503, ad_count: 3 },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		expect(answer.upstream.attempts).toBe(2);
		expect(answer.ads.length).toBeGreaterThan(0);
		const seen = (await fakeRequests(DEMO_PLACEMENTS.flaky503)).slice(before);
		expect(seen.map((r) => [r.attempt, r.status])).toEqual([
			[1, 503],
			[2, 200],
		]);
		expect(seen[0]?.sign).toBe(seen[1]?.sign);
	});

	it("503 twice: 502 UPSTREAM_HTTP after two attempts, not retryable", async ({ expect }) => {
		const before = (await fakeRequests(DEMO_PLACEMENTS.http503)).length;
		const res = await post("/v1/ads", {
			placement: { id: DEMO_PLACEMENTS.http503 },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		expect(res.status).toBe(502);
		expect(await res.json()).toEqual({
			error: {
				code: "UPSTREAM_HTTP",
				field: null,
				message: "优量汇 answered HTTP 503 after 2 attempts",
				status: 503,
				attempts: 2,
				retryable: false,
			},
		});
		expect((await fakeRequests(DEMO_PLACEMENTS.http503)).length - before).toBe(2);
	});

	it("no answer within 1 s: 504 UPSTREAM_TIMEOUT after one attempt", async ({ expect }) => {
		const before = (await fakeRequests(DEMO_PLACEMENTS.slow)).length;
		const started = Date.now();
		const res = await post("/v1/ads", {
			placement: { id: DEMO_PLACEMENTS.slow },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		const elapsed = Date.now() - started;
		expect(res.status).toBe(504);
		expect(await res.json()).toMatchObject({
			error: { code: "UPSTREAM_TIMEOUT", timeout_ms: 1000, attempts: 1, retryable: false },
		});
		expect(elapsed).toBeGreaterThanOrEqual(1000);
		expect((await fakeRequests(DEMO_PLACEMENTS.slow)).length - before).toBe(1);
	});
});

describe("ret codes (docs/dspb/protocol.md 附录 广告请求返回码列表)", () => {
	it("102006 is an empty answer, not an error", async ({ expect }) => {
		const answer = await requestAds({
			placement: { id: DEMO_PLACEMENTS.noFill },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		expect(answer).toMatchObject({
			placement_id: DEMO_PLACEMENTS.noFill,
			ads: [],
			no_fill: { ret: 102006, meaning: "没有匹配到合适的广告" },
		});
	});

	it.for([
		[DEMO_PLACEMENTS.ret107030, 107030, "请求中app包名与广告位在联盟平台的设置不匹配", DEMO_KEYS.android],
		[DEMO_PLACEMENTS.badSign, 107073, "请求签名校验不通过", DEMO_KEYS.signcheck],
		[DEMO_PLACEMENTS.unknownApp, 107075, "请求媒体未查询到app secret", DEMO_KEYS.nosecret],
	] as const)(
		"placement %s: 502 UPSTREAM_RET with ret %i (%s)",
		async ([posId, ret, meaning, key], { expect }) => {
			const res = await post(
				"/v1/ads",
				{ placement: { id: posId }, device: androidDevice(), network: ANDROID_NETWORK },
				{ key },
			);
			expect(res.status).toBe(502);
			expect(await res.json()).toMatchObject({
				error: { code: "UPSTREAM_RET", field: "ret", ret, ret_meaning: meaning, retryable: false },
			});
			// ret ≠ 0 is never retried.
			expect((await fakeRequests(posId)).at(-1)?.attempt).toBe(1);
		},
	);
});
