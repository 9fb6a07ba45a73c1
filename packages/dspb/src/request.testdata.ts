/**
 * Valid ad requests built from the request examples of docs/dspb/protocol.md (广告请求接口, 请求示例), with
 * the network ip and ua that the v3.16+ network table requires and the examples predate.
 * @module
 */
import type { DspbAdRequestInput } from "./request.ts";
import { SEED_X_FORWARDED_FOR } from "./seed.testdata.ts";

export const SECRET = "LUqGS3BaEbe1O";
export const ANDROID_UA =
	"Mozilla/5.0 (Linux; U; Android 4.4.4; zh-cn; MI 4LTE Build/KTU84P) AppleWebKit/537.36";
export const IOS_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 8_3 like Mac OS X) AppleWebKit/600.1.4";

/** Guide example 1 as typed objects, plus the ip and ua the v3.16+ network table requires. */
export const seedAndroid: DspbAdRequestInput = {
	pos: { id: 8050018672826551, ad_count: 2 },
	media: { app_id: "1104241296", app_bundle_id: "com.test.android" },
	device: {
		os: "android",
		os_version: "6.0.1",
		model: "MI 4LTE",
		manufacturer: "Xiaomi",
		device_type: 1,
		screen_width: 360,
		screen_height: 640,
		orientation: 0,
		imei: "123456789009876",
		android_id: "9774d56d682e549c",
		android_ad_id: "d725f723-86ea-466a-883d-5be2ca568241",
	},
	network: { connect_type: 1, carrier: 3, ip: SEED_X_FORWARDED_FOR, ua: ANDROID_UA },
	geo: { lat: 39925625, lng: 116333285, coord_time: 1473416991123 },
	timeStamp: 1662452225866,
};

/** Guide example 2 (iOS rewarded video, landscape). */
export const seedIos: DspbAdRequestInput = {
	pos: { id: 7010037942894023, ad_count: 1 },
	media: { app_id: "1104238667", app_bundle_id: "com.test.ios" },
	device: {
		os: "ios",
		os_version: "10.1.1",
		model: "iPhone 5s",
		device_type: 1,
		orientation: 90,
		idfa: "008A39D4-CF91-40F8-ADF0-E119F206AE6E",
	},
	network: { connect_type: 1, carrier: 3, ip: SEED_X_FORWARDED_FOR, ua: IOS_UA },
	geo: { lat: 39925625, lng: 116333285, coord_time: 1473416991123 },
	rewardedVideo: true,
	timeStamp: 1662452225866,
};
