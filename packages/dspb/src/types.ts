/**
 * The request objects of docs/dspb/protocol.md 广告请求接口 "请求数据", typed with the wire's snake_case
 * names so each field can be looked up in the DSP-B guide by name.
 * @module
 */

/** A 64-bit id: a safe integer, a bigint, or its decimal digits (pos ids can exceed 2^53). */
export type Int64 = number | bigint | string;

/** `pos` JSON object: the ad slot. */
export interface DspbPos {
	/** 广告位ID (int64). */
	id: Int64;
	/** Ads wanted, 1–10 (DSP-B guide: 请求广告数量不超过10). */
	ad_count: number;
	/** Recently shown ad ids; sent comma-separated so the server filters them out. */
	last_ad_ids?: readonly string[] | string;
	/** 1 asks for 应用直达 (deeplink) ads, returned in `customized_invoke_url`. */
	deep_link_version?: 1;
	/** true asks for 快应用 ads (`quick_app_link`). */
	support_quick_app?: boolean;
	/** true asks for 微信原生页 ads (`wechat_canvas`); also needs the WeChat device fields. */
	support_wechat_canvas?: boolean;
	/** Longest video, seconds. */
	max_duration?: number;
	/** Shortest video, seconds. */
	min_duration?: number;
	/** Only ads for these package names, at most 200; never together with `query`. */
	support_pkg?: readonly string[];
	/** Search words for a search slot; never together with `support_pkg`. */
	query?: string;
}

/** `media` JSON object: the publisher's app as registered with 优量汇. */
export interface DspbMedia {
	/** 应用ID from the 联盟 platform. */
	app_id: string;
	/** Android package name or iOS bundle id, exactly as registered. */
	app_bundle_id: string;
}

/** 0 未知, 1 手机, 2 平板, 3 电视. */
export type DspbDeviceType = 0 | 1 | 2 | 3;

/** Fields any device may carry. */
interface DspbDeviceCommon {
	/** Two- or three-part version, or "unknown". */
	os_version: string;
	/**
	 * Build.MODEL on Android; on iOS the system value (`utsname.machine`, e.g. "iPhone6,1"), which
	 * `buildAdRequest` maps through the DSP-B guide's 附录 ios设备型号取值列表 ("iPhone 5s") before
	 * signing; "unknown" when it cannot be read.
	 */
	model: string;
	/** 设备类型. */
	device_type: DspbDeviceType;
	/** Portrait screen width, physical pixels. */
	screen_width?: number;
	/** Portrait screen height, physical pixels. */
	screen_height?: number;
	/** 0 portrait, 90 landscape; required for rewarded-video slots. */
	orientation?: 0 | 90;
	/** Boot time, whole seconds, as a decimal string ("1600607106"). */
	device_start_sec?: string;
	/** Lower-case hex MD5 of the device name. */
	device_name_md5?: string;
	/** machine value, same as `model` ("iPhone10,3"). */
	hardware_machine?: string;
	/** Physical memory, bytes, decimal string. */
	physical_memory_byte?: string;
	/** Disk size, bytes, decimal string. */
	harddisk_size_byte?: string;
	/** System update time, seconds with 6 decimals ("1595214620.383940"). */
	system_update_sec?: string;
	/** Router MAC address. */
	mac?: string;
	/** Wi-Fi name. */
	wifiname?: string;
	/** Free disk space, bytes, decimal string. */
	sd_free_space?: string;
}

/** `device` JSON object for Android; one of imei / imei_md5 / oaid / android_id / android_id_md5 is required. */
export interface DspbAndroidDevice extends DspbDeviceCommon {
	os: "android";
	/** Build.MANUFACTURER, or "unknown". */
	manufacturer: string;
	/** Raw IMEI. */
	imei?: string;
	/** MD5 of the lower-cased IMEI, 32 lower-case hex. */
	imei_md5?: string;
	/** Raw OAID. */
	oaid?: string;
	/** Raw Android ID, 16 characters. */
	android_id?: string;
	/** MD5 of the Android ID, 32 lower-case hex. */
	android_id_md5?: string;
	/** Google Advertising ID, 36 characters. */
	android_ad_id?: string;
	/** WeChat's supported API version (getWXAppSupportAPI). */
	wx_api_ver?: number;
	/** WeChat OpenSDK version (Android: int64 Build.SDK_INT). */
	opensdk_ver?: number;
}

/**
 * `device` JSON object for iOS; `idfa`, `idfa_md5`, or all ten device fields
 * (`device_start_sec` … `time_zone`) are required.
 */
export interface DspbIosDevice extends DspbDeviceCommon {
	os: "ios";
	/** Not needed on iOS (DSP-B guide: ios设备:无需填写). */
	manufacturer?: string;
	/** Raw IDFA, 36 characters. */
	idfa?: string;
	/** MD5 of the upper-cased IDFA, 32 lower-case hex. */
	idfa_md5?: string;
	/** Device model value ("D22AP"). */
	hardware_model?: string;
	/** Country ("CN"). */
	country?: string;
	/** Language ("zh-Hans-CN"). */
	language?: string;
	/** Time zone offset in seconds ("28800"). */
	time_zone?: string;
	/** Whether WeChat is installed (isWXAppInstalled). */
	wx_installed?: boolean;
	/** WeChat OpenSDK version (iOS: string, [WXApi getApiVersion]). */
	opensdk_ver?: string;
}

/** `device` JSON object. */
export type DspbDevice = DspbAndroidDevice | DspbIosDevice;

/** 0 未知, 1 wifi, 2 2G, 3 3G, 4 4G, 5 4G免流, 6 4G非免流, 7 5G, 8 以太网. */
export type DspbConnectType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** 0 未知, 1 移动, 2 联通, 3 电信. */
export type DspbCarrier = 0 | 1 | 2 | 3;

/** `network` JSON object. */
export interface DspbNetwork {
	/** 联网方式. */
	connect_type: DspbConnectType;
	/** 运营商. */
	carrier: DspbCarrier;
	/** The client's IP (IPv4 preferred), never the server's. */
	ip: string;
	/** The client WebView's User-Agent; must contain "Mozilla" or "Dalvik". */
	ua: string;
}

/** `geo` JSON object. */
export interface DspbGeo {
	/** Latitude × 1,000,000. */
	lat?: number;
	/** Longitude × 1,000,000. */
	lng?: number;
	/** Accuracy radius, metres. */
	location_accuracy?: number;
	/** When the fix was taken, ms (appears in the guide's request examples). */
	coord_time?: number;
}
