/**
 * Tables copied from docs/dspb/protocol.md 附录 "广告点击交互处理流程" for table-driven tests: the URL
 * availability table (不同类型广告返回的URL), one row per priority position and host
 * capability (点击交互处理逻辑), and the install-relation rules (转化上报-应用安装上报与过滤策略应用).
 * @module
 */
import type { HostCapabilities, JumpAd } from "./types.ts";

/** DSP-B guide 转化上报-请求示例 conversion_event. */
export const CONVERSION_EVENT = {
	app_installed: "https://sdk.e.qq.com/open/v1.1/report/api_data?data=installed",
	app_not_installed: "https://sdk.e.qq.com/open/v1.1/report/api_data?data=not_installed",
	deeplink_invoke:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=245&click_id=gzva6zjxuuzoy01",
	deeplink_success:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=246&click_id=gzva6zjxuuzoy01",
	download_started:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=5&click_id=gzva6zjxuuzoy01",
	download_finished:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=7&click_id=gzva6zjxuuzoy01",
	install_finished:
		"https://t.gdt.qq.com/conv/alliance/api/conv?client=6&action_id=6&click_id=gzva6zjxuuzoy01",
} as const;

/** Every jump field with a value, keyed as in the ad. */
export const FIELD_VALUES = {
	universal_link: "https://app.example.com/ul/item/1",
	customized_invoke_url: "exampleapp://item/1",
	quick_app_link: "hap://app/com.example.quick/item/1",
	market_url: "market://details?id=com.example",
	wechat_app_username: "gh_d43f693ca31f",
	wechat_app_path: "pages/item?id=1",
	wechat_app_ext_data: "ext=1",
	wechat_canvas: "canvas-ext-info",
	package_url: "https://dl.example.com/example.apk",
	app_id: "982906456",
	landing_page_url: "https://www.example.com/landing",
} as const;

/** Builds an ad carrying the listed fields (`wechat_app` adds username, path and ext data). */
export function adWith(interactType: 0 | 1, fields: readonly string[], extra: Partial<JumpAd> = {}): JumpAd {
	const ad: Record<string, unknown> = {
		interact_type: interactType,
		conversion_event: CONVERSION_EVENT,
		...extra,
	};
	for (const f of fields) {
		if (f === "wechat_app") {
			ad.wechat_app_username = FIELD_VALUES.wechat_app_username;
			ad.wechat_app_path = FIELD_VALUES.wechat_app_path;
			ad.wechat_app_ext_data = FIELD_VALUES.wechat_app_ext_data;
		} else {
			ad[f] = FIELD_VALUES[f as keyof typeof FIELD_VALUES];
		}
	}
	return ad as unknown as JumpAd;
}

/** A host that supports everything the guide describes for its platform. */
export const FULL_HOST: Readonly<Record<"android" | "ios", HostCapabilities>> = {
	android: {
		platform: "android",
		deeplink: true,
		quickApp: true,
		vendorStore: true,
		directDownload: true,
		wechat: { installed: true, openSdkVersion: "6.8.0" },
	},
	ios: {
		platform: "ios",
		deeplink: true,
		universalLink: true,
		appStore: true,
		wechat: { installed: true, openSdkVersion: "1.9.2" },
	},
};

/** DSP-B guide 不同类型广告返回的URL, verbatim: field, Android APP下载类, Android 打开网页类, iOS 打开网页类. */
export const SEED_URL_TABLE: ReadonlyArray<readonly [string, "√" | "×", "√" | "×", "√" | "×"]> = [
	["universal_link", "×", "×", "√"],
	["customized_invoke_url", "√", "√", "√"],
	["quick_app_link", "×", "√", "×"],
	["market_url", "√", "×", "×"],
	["wechat_app", "×", "√", "√"],
	["wechat_canvas", "√", "√", "√"],
	["package_url", "√", "×", "×"],
	["app_id", "×", "×", "√"],
	["landing_page_url", "√", "√", "√"],
];

/** One decision case. */
export interface PriorityRow {
	readonly name: string;
	readonly platform: "android" | "ios";
	readonly interactType: 0 | 1;
	/** Fields the ad carries. */
	readonly fields: readonly string[];
	/** Capabilities taken away from or changed on the full host. */
	readonly host?: { readonly [K in keyof HostCapabilities]?: HostCapabilities[K] | undefined };
	/** Expected action kinds, in step order. */
	readonly steps: readonly string[];
	/** Expected skipped fields as `field:reason`, in order. */
	readonly skipped?: readonly string[];
}

const ALL_ANDROID_DOWNLOAD = [
	"customized_invoke_url",
	"market_url",
	"package_url",
	"wechat_canvas",
	"landing_page_url",
];
const ALL_ANDROID_WEB = [
	"customized_invoke_url",
	"quick_app_link",
	"wechat_app",
	"wechat_canvas",
	"landing_page_url",
];
const ALL_IOS = [
	"universal_link",
	"customized_invoke_url",
	"wechat_app",
	"app_id",
	"wechat_canvas",
	"landing_page_url",
];

/**
 * DSP-B guide 点击交互处理逻辑: each priority position reached with every lower-priority field
 * present, plus each bullet's host condition.
 */
export const PRIORITY_ROWS: readonly PriorityRow[] = [
	// 1.(2) Android APP下载类: customized_invoke_url > market_url > package_url > wechat_canvas > landing_page_url
	{
		name: "android download: customized_invoke_url first, landing page as fallback",
		platform: "android",
		interactType: 1,
		fields: ALL_ANDROID_DOWNLOAD,
		steps: ["deeplink", "landing_page"],
	},
	{
		name: "android download: market_url when no deeplink",
		platform: "android",
		interactType: 1,
		fields: ALL_ANDROID_DOWNLOAD.slice(1),
		steps: ["vendor_store", "landing_page"],
		skipped: ["customized_invoke_url:absent"],
	},
	{
		name: "android download: package_url when no market_url",
		platform: "android",
		interactType: 1,
		fields: ALL_ANDROID_DOWNLOAD.slice(2),
		steps: ["download", "landing_page"],
		skipped: ["customized_invoke_url:absent", "market_url:absent"],
	},
	{
		name: "android download: wechat_canvas when no package_url",
		platform: "android",
		interactType: 1,
		fields: ALL_ANDROID_DOWNLOAD.slice(3),
		steps: ["wechat_canvas", "landing_page"],
		skipped: ["customized_invoke_url:absent", "market_url:absent", "package_url:absent"],
	},
	{
		name: "android download: landing_page_url last",
		platform: "android",
		interactType: 1,
		fields: ["landing_page_url"],
		steps: ["landing_page"],
		skipped: [
			"customized_invoke_url:absent",
			"market_url:absent",
			"package_url:absent",
			"wechat_canvas:absent",
		],
	},
	{
		name: "android download: host without deeplink → market_url",
		platform: "android",
		interactType: 1,
		fields: ALL_ANDROID_DOWNLOAD,
		host: { deeplink: false },
		steps: ["vendor_store", "landing_page"],
		skipped: ["customized_invoke_url:unsupported_by_host"],
	},
	{
		name: "android download: no vendor store → package_url",
		platform: "android",
		interactType: 1,
		fields: ALL_ANDROID_DOWNLOAD.slice(1),
		host: { vendorStore: false },
		steps: ["download", "landing_page"],
		skipped: ["customized_invoke_url:absent", "market_url:unsupported_by_host"],
	},
	{
		name: "android download: no direct download → wechat_canvas",
		platform: "android",
		interactType: 1,
		fields: ALL_ANDROID_DOWNLOAD.slice(2),
		host: { directDownload: false },
		steps: ["wechat_canvas", "landing_page"],
		skipped: ["customized_invoke_url:absent", "market_url:absent", "package_url:unsupported_by_host"],
	},
	{
		name: "android download: no direct download, no canvas → landing page",
		platform: "android",
		interactType: 1,
		fields: ["package_url", "landing_page_url"],
		host: { directDownload: false },
		steps: ["landing_page"],
		skipped: [
			"customized_invoke_url:absent",
			"market_url:absent",
			"package_url:unsupported_by_host",
			"wechat_canvas:absent",
		],
	},
	// 1.(3) Android 打开网页类: customized_invoke_url > quick_app_link > wechat_app > wechat_canvas > landing_page_url
	{
		name: "android web: customized_invoke_url first",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB,
		steps: ["deeplink", "landing_page"],
	},
	{
		name: "android web: quick_app_link when no deeplink",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(1),
		steps: ["quick_app", "landing_page"],
		skipped: ["customized_invoke_url:absent"],
	},
	{
		name: "android web: wechat mini program when no quick app",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(2),
		steps: ["wechat_mini_program", "landing_page"],
		skipped: ["customized_invoke_url:absent", "quick_app_link:absent"],
	},
	{
		name: "android web: wechat_canvas when no mini program",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(3),
		steps: ["wechat_canvas", "landing_page"],
		skipped: ["customized_invoke_url:absent", "quick_app_link:absent", "wechat_app:absent"],
	},
	{
		name: "android web: landing_page_url last",
		platform: "android",
		interactType: 0,
		fields: ["landing_page_url"],
		steps: ["landing_page"],
		skipped: [
			"customized_invoke_url:absent",
			"quick_app_link:absent",
			"wechat_app:absent",
			"wechat_canvas:absent",
		],
	},
	{
		name: "android web: host without quick app → mini program",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(1),
		host: { quickApp: false },
		steps: ["wechat_mini_program", "landing_page"],
		skipped: ["customized_invoke_url:absent", "quick_app_link:unsupported_by_host"],
	},
	{
		name: "android web: OpenSDK 5.3.0 < 5.3.1 → landing page",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(2),
		host: { wechat: { installed: true, openSdkVersion: "5.3.0" } },
		steps: ["landing_page"],
		skipped: [
			"customized_invoke_url:absent",
			"quick_app_link:absent",
			"wechat_app:wechat_opensdk_too_old",
			"wechat_canvas:wechat_opensdk_too_old",
		],
	},
	{
		name: "android web: OpenSDK exactly 5.3.1 is enough",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(2),
		host: { wechat: { installed: true, openSdkVersion: "5.3.1" } },
		steps: ["wechat_mini_program", "landing_page"],
		skipped: ["customized_invoke_url:absent", "quick_app_link:absent"],
	},
	{
		name: "android web: OpenSDK 5.10 > 5.3.1 (numeric, not lexical)",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(2),
		host: { wechat: { installed: true, openSdkVersion: "5.10" } },
		steps: ["wechat_mini_program", "landing_page"],
		skipped: ["customized_invoke_url:absent", "quick_app_link:absent"],
	},
	{
		name: "android web: WeChat not installed → landing page",
		platform: "android",
		interactType: 0,
		fields: ALL_ANDROID_WEB.slice(2),
		host: { wechat: { installed: false, openSdkVersion: "6.8.0" } },
		steps: ["landing_page"],
		skipped: [
			"customized_invoke_url:absent",
			"quick_app_link:absent",
			"wechat_app:wechat_not_installed",
			"wechat_canvas:wechat_not_installed",
		],
	},
	// 2.(2) iOS 打开网页类: universal_link > customized_invoke_url > wechat_app > app_id > wechat_canvas > landing_page_url
	{
		name: "ios: universal_link first",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS,
		steps: ["universal_link", "landing_page"],
	},
	{
		name: "ios: customized_invoke_url when no universal_link",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS.slice(1),
		steps: ["deeplink", "landing_page"],
		skipped: ["universal_link:absent"],
	},
	{
		name: "ios: wechat mini program when no deeplink",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS.slice(2),
		steps: ["wechat_mini_program", "landing_page"],
		skipped: ["universal_link:absent", "customized_invoke_url:absent"],
	},
	{
		name: "ios: app_id (App Store) when no mini program",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS.slice(3),
		steps: ["app_store", "landing_page"],
		skipped: ["universal_link:absent", "customized_invoke_url:absent", "wechat_app:absent"],
	},
	{
		name: "ios: wechat_canvas when no app_id",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS.slice(4),
		steps: ["wechat_canvas", "landing_page"],
		skipped: ["universal_link:absent", "customized_invoke_url:absent", "wechat_app:absent", "app_id:absent"],
	},
	{
		name: "ios: landing_page_url last",
		platform: "ios",
		interactType: 0,
		fields: ["landing_page_url"],
		steps: ["landing_page"],
		skipped: [
			"universal_link:absent",
			"customized_invoke_url:absent",
			"wechat_app:absent",
			"app_id:absent",
			"wechat_canvas:absent",
		],
	},
	{
		name: "ios: host without universal links → customized_invoke_url",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS,
		host: { universalLink: false },
		steps: ["deeplink", "landing_page"],
		skipped: ["universal_link:unsupported_by_host"],
	},
	{
		name: "ios: OpenSDK 1.8.5 < 1.8.6 → app_id",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS.slice(2),
		host: { wechat: { installed: true, openSdkVersion: "1.8.5" } },
		steps: ["app_store", "landing_page"],
		skipped: ["universal_link:absent", "customized_invoke_url:absent", "wechat_app:wechat_opensdk_too_old"],
	},
	{
		name: "ios: OpenSDK exactly 1.8.6 is enough",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS.slice(2),
		host: { wechat: { installed: true, openSdkVersion: "1.8.6" } },
		steps: ["wechat_mini_program", "landing_page"],
		skipped: ["universal_link:absent", "customized_invoke_url:absent"],
	},
	{
		name: "ios: no WeChat SDK in the host → app_id",
		platform: "ios",
		interactType: 0,
		fields: ALL_IOS.slice(2),
		host: { wechat: undefined },
		steps: ["app_store", "landing_page"],
		skipped: ["universal_link:absent", "customized_invoke_url:absent", "wechat_app:unsupported_by_host"],
	},
	{
		name: "ios: interact_type 1 is still a web ad",
		platform: "ios",
		interactType: 1,
		fields: ALL_IOS.slice(3),
		steps: ["app_store", "landing_page"],
		skipped: ["universal_link:absent", "customized_invoke_url:absent", "wechat_app:absent"],
	},
	// No landing page at all (the guide says every ad has one; a broken ad must not crash the host).
	{
		name: "android web: deeplink without a landing page has no fallback",
		platform: "android",
		interactType: 0,
		fields: ["customized_invoke_url"],
		steps: ["deeplink"],
	},
	{
		name: "ios: nothing usable → no_target",
		platform: "ios",
		interactType: 0,
		fields: ["app_id"],
		host: { appStore: false },
		steps: [],
		skipped: [
			"universal_link:absent",
			"customized_invoke_url:absent",
			"wechat_app:absent",
			"app_id:unsupported_by_host",
			"wechat_canvas:absent",
		],
	},
];

/** One install-relation case: relation_target, installed, the expected decision and report. */
export interface InstallRow {
	readonly name: string;
	readonly ad: Partial<JumpAd>;
	readonly installed: boolean | undefined;
	readonly kind: "show" | "drop";
	readonly reason: string;
	readonly reportEvent?: "app_installed" | "app_not_installed";
}

/** DSP-B guide 转化上报-应用安装上报与过滤策略应用, 示例 1–3, plus unknowns. */
export const INSTALL_ROWS: readonly InstallRow[] = [
	{
		name: "target 0, installed: no processing",
		ad: { relation_target: 0 },
		installed: true,
		kind: "show",
		reason: "no_targeting",
	},
	{
		name: "target 0, not installed: no processing",
		ad: { relation_target: 0 },
		installed: false,
		kind: "show",
		reason: "no_targeting",
	},
	{ name: "no target field", ad: {}, installed: true, kind: "show", reason: "no_targeting" },
	{
		name: "target 1 (未安装), not installed: show",
		ad: { relation_target: 1 },
		installed: false,
		kind: "show",
		reason: "matches",
	},
	{
		name: "target 1 (未安装), installed: drop, report app_installed",
		ad: { relation_target: 1 },
		installed: true,
		kind: "drop",
		reason: "installed",
		reportEvent: "app_installed",
	},
	{
		name: "target 2 (已安装), installed: show",
		ad: { relation_target: 2 },
		installed: true,
		kind: "show",
		reason: "matches",
	},
	{
		name: "target 2 (已安装), not installed: drop, report app_not_installed",
		ad: { relation_target: 2 },
		installed: false,
		kind: "drop",
		reason: "not_installed",
		reportEvent: "app_not_installed",
	},
	{
		name: 'target "1" as the guide types it (string)',
		ad: { relation_target: "1" },
		installed: true,
		kind: "drop",
		reason: "installed",
		reportEvent: "app_installed",
	},
	{
		name: 'target "2" as a string',
		ad: { relation_target: "2" },
		installed: false,
		kind: "drop",
		reason: "not_installed",
		reportEvent: "app_not_installed",
	},
	{
		name: "target 1, host cannot tell: show",
		ad: { relation_target: 1 },
		installed: undefined,
		kind: "show",
		reason: "unknown",
	},
	{
		name: "target 2, no package_name: show",
		ad: { relation_target: 2, package_name: undefined },
		installed: false,
		kind: "show",
		reason: "unknown",
	},
	{
		name: "target 1, installed, no conversion URL: drop without report",
		ad: { relation_target: 1, conversion_event: {} },
		installed: true,
		kind: "drop",
		reason: "installed",
	},
];
