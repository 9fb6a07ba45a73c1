import { describe, it } from "vitest";
import type { DspbErrorCode } from "./errors.ts";
import { seedAndroid, seedIos } from "./request.testdata.ts";
import type { DspbAdRequestInput } from "./request.ts";
import { validateAdRequest } from "./validate.ts";

// Plain-JS callers can send anything; the cases below bypass the types on purpose.
type Loose = Record<string, unknown>;
const android = seedAndroid as unknown as Loose & { device: Loose; pos: Loose; network: Loose };
const ios = seedIos as unknown as Loose & { device: Loose };

const with_ = (base: Loose, patch: Loose): DspbAdRequestInput =>
	({ ...base, ...patch }) as unknown as DspbAdRequestInput;
const dev = (base: Loose & { device: Loose }, patch: Loose, drop: string[] = []): DspbAdRequestInput => {
	const device: Loose = { ...base.device, ...patch };
	for (const k of drop) delete device[k];
	return with_(base, { device });
};
const ANDROID_IDS = ["imei", "android_id", "android_ad_id"];
const iosTen = {
	device_start_sec: "1600607106",
	device_name_md5: "e910dddb2748c36b47fcde5dd720eec1",
	hardware_machine: "iPhone10,3",
	physical_memory_byte: "4047224832",
	harddisk_size_byte: "127938088960",
	system_update_sec: "1595214620.383940",
	hardware_model: "D22AP",
	country: "CN",
	language: "zh-Hans-CN",
	time_zone: "28800",
};

describe("validateAdRequest: valid requests", () => {
	const valid: Array<[string, DspbAdRequestInput]> = [
		["seed android example", seedAndroid],
		["seed iOS example", seedIos],
		["android with oaid only", dev(android, { oaid: "f6f7d3a8-0000" }, ANDROID_IDS)],
		[
			"android with imei_md5 only",
			dev(android, { imei_md5: "b496ec1169770ea274a2b4f42ca4fb71" }, ANDROID_IDS),
		],
		["android with android_id_md5 only", dev(android, { android_id_md5: "0".repeat(32) }, ANDROID_IDS)],
		["iOS with idfa_md5 only", dev(ios, { idfa_md5: "a".repeat(32) }, ["idfa"])],
		["iOS with the ten device fields only", dev(ios, iosTen, ["idfa"])],
		["iOS WeChat fields", dev(ios, { wx_installed: true, opensdk_ver: "1.9.2" })],
		["android WeChat fields", dev(android, { wx_api_ver: 637927424, opensdk_ver: 637928960 })],
		["iOS wx_installed alone", dev(ios, { wx_installed: false })],
		[
			"android native-page request with its WeChat fields",
			with_(android, {
				pos: { id: 1, ad_count: 1, support_wechat_canvas: true },
				device: { ...android.device, wx_api_ver: 637927424, opensdk_ver: 637928960 },
			}),
		],
		[
			"support_wechat_canvas false needs nothing",
			with_(ios, { pos: { id: 1, ad_count: 1, support_wechat_canvas: false } }),
		],
		[
			"IPv6 client",
			with_(android, { network: { ...android.network, ip: "2001:db8:85a3:8d3:1319:8a2e:370:7348" } }),
		],
		[
			"support_pkg of 200",
			with_(android, {
				pos: { id: 1, ad_count: 1, support_pkg: Array.from({ length: 200 }, (_, i) => `com.p${i}`) },
			}),
		],
		["query alone", with_(android, { pos: { id: 1, ad_count: 1, query: "租房" } })],
		["tmax 1", with_(android, { tmax: 1 })],
		["two-part os_version", dev(android, { os_version: "13.0" })],
		["three-part os_version", dev(ios, { os_version: "17.4.1" })],
		["os_version unknown", dev(android, { os_version: "unknown" })],
	];
	it.for(valid)("%s", ([, input], { expect }) => {
		expect(validateAdRequest(input)).toEqual([]);
	});
});

describe("validateAdRequest: bad inputs name the field", () => {
	const cases: Array<[string, DspbAdRequestInput, DspbErrorCode, string]> = [
		["no pos", with_(android, { pos: undefined }), "MISSING_FIELD", "pos"],
		["pos not an object", with_(android, { pos: "1" }), "INVALID_FIELD", "pos"],
		["no pos.id", with_(android, { pos: { ad_count: 1 } }), "MISSING_FIELD", "pos.id"],
		["pos.id zero", with_(android, { pos: { id: 0, ad_count: 1 } }), "INVALID_FIELD", "pos.id"],
		[
			"pos.id unsafe double",
			with_(android, { pos: { id: 2 ** 60, ad_count: 1 } }),
			"INVALID_FIELD",
			"pos.id",
		],
		[
			"pos.id beyond int64",
			with_(android, { pos: { id: "9223372036854775808", ad_count: 1 } }),
			"INVALID_FIELD",
			"pos.id",
		],
		["ad_count 11", with_(android, { pos: { id: 1, ad_count: 11 } }), "INVALID_FIELD", "pos.ad_count"],
		["ad_count 0", with_(android, { pos: { id: 1, ad_count: 0 } }), "INVALID_FIELD", "pos.ad_count"],
		["ad_count 1.5", with_(android, { pos: { id: 1, ad_count: 1.5 } }), "INVALID_FIELD", "pos.ad_count"],
		[
			"deep_link_version 2",
			with_(android, { pos: { id: 1, ad_count: 1, deep_link_version: 2 } }),
			"INVALID_FIELD",
			"pos.deep_link_version",
		],
		[
			"support_quick_app 1",
			with_(android, { pos: { id: 1, ad_count: 1, support_quick_app: 1 } }),
			"INVALID_FIELD",
			"pos.support_quick_app",
		],
		[
			"support_pkg 201",
			with_(android, {
				pos: { id: 1, ad_count: 1, support_pkg: Array.from({ length: 201 }, (_, i) => `p${i}`) },
			}),
			"INVALID_FIELD",
			"pos.support_pkg",
		],
		[
			"support_pkg as a string",
			with_(android, { pos: { id: 1, ad_count: 1, support_pkg: '["com.a"]' } }),
			"INVALID_FIELD",
			"pos.support_pkg",
		],
		[
			"support_pkg with query",
			with_(android, { pos: { id: 1, ad_count: 1, support_pkg: ["com.a"], query: "q" } }),
			"CONFLICTING_FIELDS",
			"pos.support_pkg",
		],
		[
			"min_duration > max_duration",
			with_(android, { pos: { id: 1, ad_count: 1, min_duration: 30, max_duration: 15 } }),
			"INVALID_FIELD",
			"pos.min_duration",
		],
		[
			"last_ad_ids with a comma inside",
			with_(android, { pos: { id: 1, ad_count: 1, last_ad_ids: ["1,2"] } }),
			"INVALID_FIELD",
			"pos.last_ad_ids",
		],
		[
			"unknown pos field",
			with_(android, { pos: { id: 1, ad_count: 1, adcount: 2 } }),
			"UNKNOWN_FIELD",
			"pos.adcount",
		],
		["no media.app_id", with_(android, { media: { app_bundle_id: "x" } }), "MISSING_FIELD", "media.app_id"],
		[
			"empty app_bundle_id",
			with_(android, { media: { app_id: "1", app_bundle_id: "" } }),
			"INVALID_FIELD",
			"media.app_bundle_id",
		],
		["os Android (case)", dev(android, { os: "Android" }), "INVALID_FIELD", "device.os"],
		["no os_version", dev(android, {}, ["os_version"]), "MISSING_FIELD", "device.os_version"],
		// DSP-B guide device.os_version: 三段式或两段式版本号。如果获取不到,填写unknown(小写).
		["one-part os_version", dev(android, { os_version: "13" }), "INVALID_FIELD", "device.os_version"],
		["four-part os_version", dev(ios, { os_version: "16.4.1.2" }), "INVALID_FIELD", "device.os_version"],
		["os_version with a letter", dev(ios, { os_version: "17.0b" }), "INVALID_FIELD", "device.os_version"],
		["os_version UNKNOWN", dev(android, { os_version: "UNKNOWN" }), "INVALID_FIELD", "device.os_version"],
		["os_version trailing dot", dev(android, { os_version: "13." }), "INVALID_FIELD", "device.os_version"],
		["no model", dev(android, {}, ["model"]), "MISSING_FIELD", "device.model"],
		[
			"android without manufacturer",
			dev(android, {}, ["manufacturer"]),
			"MISSING_FIELD",
			"device.manufacturer",
		],
		["device_type 4", dev(android, { device_type: 4 }), "INVALID_FIELD", "device.device_type"],
		["orientation 180", dev(android, { orientation: 180 }), "INVALID_FIELD", "device.orientation"],
		["screen_width 0", dev(android, { screen_width: 0 }), "INVALID_FIELD", "device.screen_width"],
		["android without any id", dev(android, {}, ANDROID_IDS), "MISSING_DEVICE_ID", "device"],
		[
			"android with only android_ad_id",
			dev(android, { android_ad_id: "d725f723-86ea-466a-883d-5be2ca568241" }, ["imei", "android_id"]),
			"MISSING_DEVICE_ID",
			"device",
		],
		[
			"imei_md5 upper-case",
			dev(android, { imei_md5: "B496EC1169770EA274A2B4F42CA4FB71" }),
			"INVALID_FIELD",
			"device.imei_md5",
		],
		[
			"imei_md5 31 chars",
			dev(android, { imei_md5: "b496ec1169770ea274a2b4f42ca4fb7" }),
			"INVALID_FIELD",
			"device.imei_md5",
		],
		[
			"android_id_md5 not hex",
			dev(android, { android_id_md5: "z".repeat(32) }),
			"INVALID_FIELD",
			"device.android_id_md5",
		],
		[
			"android_id 15 chars",
			dev(android, { android_id: "9774d56d682e549" }),
			"INVALID_FIELD",
			"device.android_id",
		],
		[
			"android_ad_id 35 chars",
			dev(android, { android_ad_id: "d725f723-86ea-466a-883d-5be2ca56824" }),
			"INVALID_FIELD",
			"device.android_ad_id",
		],
		[
			"idfa on android",
			dev(android, { idfa: "008A39D4-CF91-40F8-ADF0-E119F206AE6E" }),
			"UNKNOWN_FIELD",
			"device.idfa",
		],
		["wx_installed on android", dev(android, { wx_installed: true }), "UNKNOWN_FIELD", "device.wx_installed"],
		[
			"android opensdk_ver as string",
			dev(android, { opensdk_ver: "5.3.1" }),
			"INVALID_FIELD",
			"device.opensdk_ver",
		],
		["imei on iOS", dev(ios, { imei: "123456789009876" }), "UNKNOWN_FIELD", "device.imei"],
		["iOS opensdk_ver as number", dev(ios, { opensdk_ver: 186 }), "INVALID_FIELD", "device.opensdk_ver"],
		["iOS opensdk_ver not dotted", dev(ios, { opensdk_ver: "v1.9" }), "INVALID_FIELD", "device.opensdk_ver"],
		// DSP-B guide 微信小程序/小游戏广告处理逻辑 请求参数: wx_api_ver + opensdk_ver (Android), wx_installed +
		// opensdk_ver (iOS) are required together; 微信原生页 adds pos.support_wechat_canvas to them.
		[
			"android opensdk_ver without wx_api_ver",
			dev(android, { opensdk_ver: 637928960 }),
			"MISSING_FIELD",
			"device.wx_api_ver",
		],
		[
			"iOS opensdk_ver without wx_installed",
			dev(ios, { opensdk_ver: "1.9.2" }),
			"MISSING_FIELD",
			"device.wx_installed",
		],
		[
			"android support_wechat_canvas without WeChat fields",
			with_(android, { pos: { id: 1, ad_count: 1, support_wechat_canvas: true } }),
			"MISSING_FIELD",
			"device.opensdk_ver",
		],
		[
			"iOS support_wechat_canvas without opensdk_ver",
			with_(ios, {
				pos: { id: 1, ad_count: 1, support_wechat_canvas: true },
				device: { ...ios.device, wx_installed: true },
			}),
			"MISSING_FIELD",
			"device.opensdk_ver",
		],
		["iOS without any id", dev(ios, {}, ["idfa"]), "MISSING_DEVICE_ID", "device"],
		[
			"iOS with nine of ten fields",
			dev(ios, { ...iosTen, time_zone: undefined }, ["idfa"]),
			"MISSING_DEVICE_ID",
			"device.time_zone",
		],
		["idfa 32 chars", dev(ios, { idfa: "008A39D4CF9140F8ADF0E119F206AE6E" }), "INVALID_FIELD", "device.idfa"],
		["idfa_md5 upper-case", dev(ios, { idfa_md5: "A".repeat(32) }), "INVALID_FIELD", "device.idfa_md5"],
		["device_name_md5 bad", dev(ios, { device_name_md5: "e910" }), "INVALID_FIELD", "device.device_name_md5"],
		[
			"device_start_sec not digits",
			dev(ios, { device_start_sec: "16006071.06" }),
			"INVALID_FIELD",
			"device.device_start_sec",
		],
		[
			"system_update_sec 7 decimals",
			dev(ios, { system_update_sec: "1595214620.3839401" }),
			"INVALID_FIELD",
			"device.system_update_sec",
		],
		["time_zone text", dev(ios, { time_zone: "Asia/Shanghai" }), "INVALID_FIELD", "device.time_zone"],
		[
			"rewarded video without orientation",
			dev(ios, {}, ["orientation"]),
			"MISSING_FIELD",
			"device.orientation",
		],
		["unknown device field", dev(android, { imie: "1" }), "UNKNOWN_FIELD", "device.imie"],
		[
			"connect_type 9",
			with_(android, { network: { ...android.network, connect_type: 9 } }),
			"INVALID_FIELD",
			"network.connect_type",
		],
		[
			"carrier 4",
			with_(android, { network: { ...android.network, carrier: 4 } }),
			"INVALID_FIELD",
			"network.carrier",
		],
		[
			"no ip",
			with_(android, { network: { connect_type: 1, carrier: 1, ua: "Mozilla/5.0" } }),
			"MISSING_FIELD",
			"network.ip",
		],
		[
			"ip 256.1.1.1",
			with_(android, { network: { ...android.network, ip: "256.1.1.1" } }),
			"INVALID_FIELD",
			"network.ip",
		],
		[
			"ip hostname",
			with_(android, { network: { ...android.network, ip: "mi.gdt.qq.com" } }),
			"INVALID_FIELD",
			"network.ip",
		],
		[
			"ip bad IPv6",
			with_(android, { network: { ...android.network, ip: "2001:db8::85a3::1" } }),
			"INVALID_FIELD",
			"network.ip",
		],
		[
			"ua without Mozilla/Dalvik",
			with_(android, { network: { ...android.network, ua: "okhttp/4.9" } }),
			"INVALID_FIELD",
			"network.ua",
		],
		["lat out of range", with_(android, { geo: { lat: 91_000_000 } }), "INVALID_FIELD", "geo.lat"],
		["lng as float degrees", with_(android, { geo: { lng: 116.333285 } }), "INVALID_FIELD", "geo.lng"],
		[
			"negative accuracy",
			with_(android, { geo: { location_accuracy: -1 } }),
			"INVALID_FIELD",
			"geo.location_accuracy",
		],
		["tmax 0", with_(android, { tmax: 0 }), "INVALID_FIELD", "tmax"],
		["tmax negative", with_(android, { tmax: -5 }), "INVALID_FIELD", "tmax"],
		["tmax 1.5", with_(android, { tmax: 1.5 }), "INVALID_FIELD", "tmax"],
		[
			"time_stamp in seconds as string",
			with_(android, { timeStamp: "1662452225" }),
			"INVALID_FIELD",
			"time_stamp",
		],
		["supportAppStore 1", with_(android, { supportAppStore: 1 }), "INVALID_FIELD", "support_app_store"],
		[
			"X-Forwarded-For not an IP",
			with_(android, { xForwardedFor: "client" }),
			"INVALID_FIELD",
			"X-Forwarded-For",
		],
	];
	it.for(cases)("%s", ([, input, code, field], { expect }) => {
		const issues = validateAdRequest(input);
		expect(issues[0]).toMatchObject({ code, field });
		expect(issues[0]?.message).toContain(field === "device" ? "device" : field.split(".").pop());
	});

	it("a non-object request is one issue", ({ expect }) => {
		expect(validateAdRequest(null as unknown as DspbAdRequestInput)).toEqual([
			{ code: "INVALID_FIELD", field: "request", message: "the request must be an object" },
		]);
	});
});
