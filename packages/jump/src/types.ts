/**
 * The inputs of the click decision: the ad's jump fields (named as in the response of
 * docs/dspb/protocol.md, so a `DspbAd` from `@txad/dspb` fits) and what the host app can do.
 * @module
 */

/** DSP-B guide 转化上报 conversion_event keys. */
export type ConversionEventKey =
	| "app_installed"
	| "app_not_installed"
	| "deeplink_invoke"
	| "deeplink_success"
	| "download_started"
	| "download_finished"
	| "install_finished";

/** The fields of an ad that decide where a tap goes (DSP-B guide list JSON数组元素). */
export interface JumpAd {
	/** 0 打开网页, 1 app下载 (every iOS ad is a web ad). */
	interact_type: number;
	customized_invoke_url?: string | undefined;
	universal_link?: string | undefined;
	quick_app_link?: string | undefined;
	market_url?: string | undefined;
	wechat_app_username?: string | undefined;
	wechat_app_path?: string | undefined;
	wechat_app_ext_data?: string | undefined;
	wechat_canvas?: string | undefined;
	package_url?: string | undefined;
	/** iOS App Store id. */
	app_id?: string | number | undefined;
	landing_page_url?: string | undefined;
	/** Android package / iOS bundle id, for the install-relation check. */
	package_name?: string | undefined;
	/** 0 不限, 1 定向未安装, 2 定向已安装 (the guide types it string). */
	relation_target?: 0 | 1 | 2 | "0" | "1" | "2" | undefined;
	conversion_event?: Partial<Record<ConversionEventKey, string>> | undefined;
	/** Shown before a direct APK download (DSP-B guide: 配合使用app_info_url等字段…提示用户是否确认进行下载). */
	app_info_url?: string | undefined;
	app_name?: string | undefined;
	advertiser_name?: string | undefined;
	app_version?: string | undefined;
	package_size_bytes?: number | undefined;
	permissions_url?: string | undefined;
	description_url?: string | undefined;
	privacy_agreement?: string | undefined;
}

/** What the host app supports. Every capability defaults to false; the landing page always works. */
export interface HostCapabilities {
	/** The device's OS. */
	platform: "android" | "ios";
	/** Can open `customized_invoke_url` (and requested deep_link_version=1). */
	deeplink?: boolean;
	/** iOS: can open `universal_link`. */
	universalLink?: boolean;
	/** Android: can open `quick_app_link` (and requested support_quick_app=true). */
	quickApp?: boolean;
	/** Android: can open the vendor store's `market_url` (and requested support_app_store=1). */
	vendorStore?: boolean;
	/** Android: can download and install `package_url` itself. */
	directDownload?: boolean;
	/** iOS: can open the App Store page for `app_id`. */
	appStore?: boolean;
	/** The WeChat OpenSDK embedded in the host, when there is one. */
	wechat?: {
		/** iOS: isWXAppInstalled() (`wx_installed`); Android: getWXAppSupportAPI() > 0 (`wx_api_ver`). */
		installed: boolean;
		/**
		 * The OpenSDK's version, compared with the DSP-B guide's minimums (Android 5.3.1, iOS 1.8.6):
		 * a dotted version ("6.8.0", "1.9.2") compared by numeric parts, or on Android the integer
		 * Build.SDK_INT that `device.opensdk_ver` carries (638058496 for 6.8.0), compared numerically.
		 */
		openSdkVersion: string | number;
	};
}
