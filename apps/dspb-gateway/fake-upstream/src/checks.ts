/**
 * The fake's request checks, in the order an ad server can make them: signature, then each JSON
 * object and the fields the DSP-B guide requires per platform, answering the guide's return code
 * for the first problem (docs/dspb/protocol.md 附录 广告请求返回码列表). The checks are written here
 * from the guide's tables, not taken from `@txad/dspb`, so a mistake in the gateway's request
 * building shows up as a ret code instead of being shared.
 * @module
 */
import { IOS_DEVICE_MODELS } from "@txad/dspb";
import { verifyDspbSign } from "@txad/signing";
import { type FakeApp, type FakePlacement, faultOf, findApp, findPlacement } from "./accounts.ts";

/** A request that passed every check. */
export interface AcceptedRequest {
	readonly app: FakeApp;
	/** Undefined for a fault placement, which any app may use. */
	readonly placement: FakePlacement | undefined;
	readonly posId: string;
	readonly adCount: number;
	readonly os: "android" | "ios";
	readonly pos: Record<string, unknown>;
	readonly device: Record<string, unknown>;
	readonly supportAppStore: boolean;
}

/** The outcome of checking a request. */
export type CheckResult =
	| { readonly ok: true; readonly request: AcceptedRequest }
	| { readonly ok: false; readonly ret: number; readonly msg: string };

const reject = (ret: number, msg: string): CheckResult => ({ ok: false, ret, msg });

function parseObject(text: string | null): Record<string, unknown> | undefined {
	if (text === null) return undefined;
	try {
		const v: unknown = JSON.parse(text);
		return v !== null && typeof v === "object" && !Array.isArray(v)
			? (v as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

const isInt = (v: unknown, min: number, max: number) =>
	typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isText = (v: unknown) => typeof v === "string" && v.length > 0;
const IPV4 =
	/^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;
const isIp = (v: unknown) =>
	typeof v === "string" && (IPV4.test(v) || (/^[0-9a-fA-F:.]+$/.test(v) && v.includes(":")));
const ANDROID_IDS = ["imei", "imei_md5", "android_id", "android_id_md5", "oaid"];
const IOS_INFO = [
	"device_start_sec",
	"device_name_md5",
	"hardware_machine",
	"physical_memory_byte",
	"harddisk_size_byte",
	"system_update_sec",
	"hardware_model",
	"country",
	"language",
	"time_zone",
];

/**
 * Checks one ad request as the fake's ad server.
 * @param query - the request's query parameters
 * @returns the accepted request, or the ret code and message to answer
 */
export async function checkAdRequest(query: URLSearchParams): Promise<CheckResult> {
	const apiVersion = query.get("api_version");
	if (apiVersion === null || !/^[3-9]\.[0-9]+/.test(apiVersion))
		return reject(107071, "api_version must be 3.0 or later");
	const sign = query.get("sign");
	if (sign === null || sign === "") return reject(107074, "请求没有携带签名信息");
	const posText = query.get("pos");
	const mediaText = query.get("media");
	const deviceText = query.get("device");
	const networkText = query.get("network");
	const timeStamp = query.get("time_stamp");
	if (timeStamp === null || !/^[1-9][0-9]{12}$/.test(timeStamp))
		return reject(107071, "time_stamp must be Unix milliseconds");
	const media = parseObject(mediaText);
	if (media === undefined || !isText(media.app_id) || !isText(media.app_bundle_id))
		return reject(107028, "解析请求中media字段失败");
	const app = findApp(String(media.app_id));
	if (app === undefined) return reject(107075, "请求媒体未查询到app secret");
	if (posText === null || mediaText === null || deviceText === null || networkText === null)
		return reject(107071, "请求中缺少部分参数");
	const parts = {
		device: deviceText,
		media: mediaText,
		network: networkText,
		pos: posText,
		time_stamp: timeStamp,
	};
	if (!(await verifyDspbSign(app.signSecret, parts, sign))) return reject(107073, "请求签名校验不通过");

	const pos = parseObject(posText);
	// pos.id is an int64: read its digits from the text so no double rounds it.
	const posId = /"id"\s*:\s*"?([0-9]+)"?/.exec(posText)?.[1];
	if (pos === undefined || posId === undefined) return reject(107027, "解析请求中pos字段失败");
	if (!isInt(pos.ad_count, 1, 10)) return reject(107004, "请求中广告位数量不合法");
	const fault = faultOf(posId);
	const placement = findPlacement(posId);
	if (fault === undefined) {
		if (placement === undefined) return reject(100133, "请求中包含无效的广告位");
		if (placement.appId !== app.appId) return reject(107005, "请求中app_id不匹配");
	}
	if (media.app_bundle_id !== app.bundleId)
		return reject(107030, "请求中app包名与广告位在联盟平台的设置不匹配");

	const device = parseObject(deviceText);
	if (device === undefined) return reject(107012, "解析请求中device字段失败");
	if (device.os !== "android" && device.os !== "ios") return reject(107002, "请求中操作系统类型不合法");
	const os = device.os;
	if (os !== app.os) return reject(107011, "请求中的操作系统类型与广告位在联盟平台的设置不匹配");
	if (
		typeof device.os_version !== "string" ||
		!/^([0-9]+\.[0-9]+(\.[0-9]+)?|unknown)$/.test(device.os_version)
	)
		return reject(107024, "解析请求中操作系统os_version字段失败");
	// iOS raw machine values the guide's appendix lists must arrive mapped (iPhone6,1 → iPhone 5s).
	if (!isText(device.model) || (os === "ios" && Object.hasOwn(IOS_DEVICE_MODELS, String(device.model))))
		return reject(107016, "解析请求中设备品牌和型号model字段失败");
	if (os === "android" && !isText(device.manufacturer))
		return reject(107031, "解析请求中设备制造商manufacturer字段失败");
	if (!isInt(device.device_type, 0, 3)) return reject(107032, "解析请求中设备类型device_type字段失败");
	const hasId =
		os === "android"
			? ANDROID_IDS.some((k) => isText(device[k]))
			: isText(device.idfa) || isText(device.idfa_md5) || IOS_INFO.every((k) => isText(device[k]));
	if (!hasId) return reject(107007, "缺少有效的设备标识字段");
	if (device.opensdk_ver !== undefined) {
		const ok =
			os === "android" ? isInt(device.opensdk_ver, 0, Number.MAX_SAFE_INTEGER) : isText(device.opensdk_ver);
		if (!ok) return reject(107070, "解析请求中opensdk_ver字段失败");
	}
	if (device.wx_api_ver !== undefined && !isInt(device.wx_api_ver, 0, Number.MAX_SAFE_INTEGER))
		return reject(107068, "解析请求中wx_api_ver字段失败");
	if (device.wx_installed !== undefined && typeof device.wx_installed !== "boolean")
		return reject(107069, "解析请求中wx_installed字段失败");

	const network = parseObject(networkText);
	if (network === undefined) return reject(107014, "解析请求中network字段失败");
	if (!isInt(network.connect_type, 0, 8)) return reject(107018, "解析请求中网络连接类型connect_type字段失败");
	if (!isInt(network.carrier, 0, 3)) return reject(107019, "解析请求中运营商信息carrier字段失败");
	if (!isIp(network.ip)) return reject(107061, "解析请求network中客户端IP字段失败");
	if (typeof network.ua !== "string" || !/Mozilla|Dalvik/.test(network.ua))
		return reject(107062, "解析请求network中客户端UserAgent字段失败");

	const geoText = query.get("geo");
	if (geoText !== null) {
		const geo = parseObject(geoText);
		if (geo === undefined) return reject(107015, "解析请求中geo字段失败");
		if (geo.lat !== undefined && !isInt(geo.lat, -90_000_000, 90_000_000))
			return reject(107020, "解析请求中纬度信息lat字段失败");
		if (geo.lng !== undefined && !isInt(geo.lng, -180_000_000, 180_000_000))
			return reject(107021, "解析请求中经度信息lng字段失败");
	}
	return {
		ok: true,
		request: {
			app,
			placement,
			posId,
			adCount: pos.ad_count as number,
			os,
			pos,
			device,
			supportAppStore: query.get("support_app_store") === "1",
		},
	};
}
