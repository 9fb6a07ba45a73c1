/**
 * docs/dspb/protocol.md 附录 "广告点击交互处理流程" as data: which jump fields each kind of ad can carry
 * (不同类型广告返回的URL) and the order they are tried in (点击交互处理逻辑).
 * @module
 */

/** A jump target field; `wechat_app` stands for wechat_app_username / wechat_app_path. */
export type JumpField =
	| "universal_link"
	| "customized_invoke_url"
	| "quick_app_link"
	| "market_url"
	| "wechat_app"
	| "wechat_canvas"
	| "package_url"
	| "app_id"
	| "landing_page_url";

/** The three columns of the guide's table. iOS has only web ads (DSP-B guide: iOS设备上所有广告都是打开网页类广告). */
export type AdCategory = "android_download" | "android_web" | "ios_web";

/** DSP-B guide 不同类型广告返回的URL: √ = true, × = false. */
export const URL_AVAILABILITY: Readonly<Record<JumpField, Readonly<Record<AdCategory, boolean>>>> = {
	universal_link: { android_download: false, android_web: false, ios_web: true },
	customized_invoke_url: { android_download: true, android_web: true, ios_web: true },
	quick_app_link: { android_download: false, android_web: true, ios_web: false },
	market_url: { android_download: true, android_web: false, ios_web: false },
	wechat_app: { android_download: false, android_web: true, ios_web: true },
	wechat_canvas: { android_download: true, android_web: true, ios_web: true },
	package_url: { android_download: true, android_web: false, ios_web: false },
	app_id: { android_download: false, android_web: false, ios_web: true },
	landing_page_url: { android_download: true, android_web: true, ios_web: true },
};

/** DSP-B guide 点击交互处理逻辑, 跳转url优先级 for each kind of ad, highest first. */
export const JUMP_PRIORITY: Readonly<Record<AdCategory, readonly JumpField[]>> = {
	// 1.(2) APP下载类广告: customized_invoke_url > market_url > package_url > wechat_canvas > landing_page_url
	android_download: [
		"customized_invoke_url",
		"market_url",
		"package_url",
		"wechat_canvas",
		"landing_page_url",
	],
	// 1.(3) 打开网页类广告: customized_invoke_url > quick_app_link > wechat_app_username / wechat_app_path > wechat_canvas > landing_page_url
	android_web: ["customized_invoke_url", "quick_app_link", "wechat_app", "wechat_canvas", "landing_page_url"],
	// 2.(2) iOS 打开网页类广告: universal_link > customized_invoke_url > wechat_app_username / wechat_app_path > app_id > wechat_canvas > landing_page_url
	ios_web: [
		"universal_link",
		"customized_invoke_url",
		"wechat_app",
		"app_id",
		"wechat_canvas",
		"landing_page_url",
	],
};

/**
 * DSP-B guide 微信小程序/小游戏广告处理逻辑: "openSDK版本要求 Android端 >= 5.3.1,iOS端 >= 1.8.6". 微信原生页
 * ads have "the same prerequisites", so the same minimums gate them.
 */
export const WECHAT_OPENSDK_MIN_VERSION = { android: "5.3.1", ios: "1.8.6" } as const;

/**
 * Android OpenSDK 5.3.1 as the integer the Android `opensdk_ver` carries (DSP-B guide: Android端为int64,
 * from Build.SDK_INT). The guide states the minimum only as "5.3.1"; the OpenSDK encodes its version
 * as 0x20 + major, minor, patch, 0 in the four bytes of SDK_INT (5.1.0 ships 0x25010000, 5.3.3
 * 0x25030300, 6.8.0 0x26080000), so 5.3.1 is 0x25030100 (docs/dspb/protocol.md, implementation notes).
 */
export const WECHAT_OPENSDK_MIN_SDK_INT = 0x25030100;

/** DSP-B guide 转化上报 deeplink_success: on Android, check 5 s after invoking whether the host is in the background. */
export const ANDROID_DEEPLINK_CHECK_DELAY_MS = 5000;
