/**
 * Parses an ad response (docs/dspb/protocol.md 广告请求接口 "响应数据"): `ret` first, then
 * `data[pos.id].list` into typed ads.
 * @module
 */
import { DspbError } from "./errors.ts";
import { describeRet } from "./ret-codes.ts";

/** The conversion_event keys of DSP-B guide "转化上报-请求地址". */
export const CONVERSION_EVENT_KEYS = [
	"app_installed",
	"app_not_installed",
	"deeplink_invoke",
	"deeplink_success",
	"download_started",
	"download_finished",
	"install_finished",
] as const;

/** One conversion event name. */
export type ConversionEventKey = (typeof CONVERSION_EVENT_KEYS)[number];

/** Report URLs by event; a response may carry only some of them. */
export type DspbConversionEvent = Partial<Record<ConversionEventKey, string>>;

/**
 * One ad (DSP-B guide "list JSON数组元素(广告)"). Optional strings that arrive empty are absent,
 * so `if (ad.customized_invoke_url)` and `ad.customized_invoke_url !== undefined` agree;
 * `app_id` and `ad_id` are strings whatever JSON type they came in; `relation_target` is a number.
 */
export interface DspbAd {
	ad_id?: string;
	creative_id?: string;
	/** 1 千人千面广告. */
	ad_examine_type?: number;
	/** Send as is, once, when the ad is shown (≥50% visible for ≥1 s). */
	impression_link: string;
	/** Video ads only; fill with {@link fillVideoViewLink}. */
	video_view_link?: string;
	/** Fill with {@link fillClickLink}. */
	click_link: string;
	/** 0 打开网页, 1 app下载. */
	interact_type: 0 | 1;
	conversion_event?: DspbConversionEvent;
	/** 11 图片, 20 视频, 24 三小图 (others occur, e.g. 7 in the guide's example). */
	crt_type?: number;
	img_url?: string;
	img2_url?: string;
	img_list?: string[];
	img_width?: number;
	img_height?: number;
	title?: string;
	description?: string;
	video_url?: string;
	video_width?: number;
	video_height?: number;
	/** Android package name or iOS bundle id. */
	package_name?: string;
	/** iOS App Store id. */
	app_id?: string;
	video_duration?: number;
	/** KB. */
	video_file_size?: number;
	/** 0 不限, 1 定向未安装, 2 定向已安装. */
	relation_target?: 0 | 1 | 2;
	customized_invoke_url?: string;
	universal_link?: string;
	quick_app_link?: string;
	market_url?: string;
	wechat_app_username?: string;
	wechat_app_path?: string;
	wechat_app_ext_data?: string;
	wechat_canvas?: string;
	package_url?: string;
	landing_page_url?: string;
	app_info_url?: string;
	app_name?: string;
	advertiser_name?: string;
	app_version?: string;
	package_size_bytes?: number;
	permissions_url?: string;
	description_url?: string;
	privacy_agreement?: string;
	/** Bid price in 分 (real-time bidding slots). */
	ecpm?: number;
	/** Fill with {@link fillWinNoticeUrl}. */
	win_notice_url?: string;
	/** Fill with {@link fillLossNoticeUrl}. */
	loss_notice_url?: string;
	/** The ad object as received, for fields this package does not type. */
	raw: Readonly<Record<string, unknown>>;
}

type Kind = "string" | "number" | "id" | "string[]";

/** DSP-B guide list element fields and how each is read. */
const AD_FIELDS: Readonly<Record<string, Kind>> = {
	ad_id: "id",
	creative_id: "id",
	ad_examine_type: "number",
	video_view_link: "string",
	crt_type: "number",
	img_url: "string",
	img2_url: "string",
	img_list: "string[]",
	img_width: "number",
	img_height: "number",
	title: "string",
	description: "string",
	video_url: "string",
	video_width: "number",
	video_height: "number",
	package_name: "string",
	app_id: "id",
	video_duration: "number",
	video_file_size: "number",
	customized_invoke_url: "string",
	universal_link: "string",
	quick_app_link: "string",
	market_url: "string",
	wechat_app_username: "string",
	wechat_app_path: "string",
	wechat_app_ext_data: "string",
	wechat_canvas: "string",
	package_url: "string",
	landing_page_url: "string",
	app_info_url: "string",
	app_name: "string",
	advertiser_name: "string",
	app_version: "string",
	package_size_bytes: "number",
	permissions_url: "string",
	description_url: "string",
	privacy_agreement: "string",
	ecpm: "number",
	win_notice_url: "string",
	loss_notice_url: "string",
};

function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === "object" && !Array.isArray(v);
}

function bad(path: string, expected: string): DspbError {
	return new DspbError("INVALID_RESPONSE", `${path} must be ${expected}`, { field: path });
}

function readField(kind: Kind, v: unknown, path: string): unknown {
	switch (kind) {
		case "string":
			if (typeof v !== "string") throw bad(path, "a string");
			return v === "" ? undefined : v;
		case "number":
			if (typeof v === "number" && Number.isFinite(v)) return v;
			if (typeof v === "string" && /^-?[0-9]+(\.[0-9]+)?$/.test(v)) return Number(v);
			throw bad(path, "a number");
		case "id":
			if (typeof v === "string") return v === "" ? undefined : v;
			if (typeof v === "number" && Number.isInteger(v)) return String(v);
			throw bad(path, "an id (string or integer)");
		case "string[]":
			if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw bad(path, "an array of strings");
			return v;
	}
}

function parseAd(raw: unknown, path: string): DspbAd {
	if (!isRecord(raw)) throw bad(path, "an object");
	const impression = raw.impression_link;
	const click = raw.click_link;
	if (typeof impression !== "string" || impression === "") throw bad(`${path}.impression_link`, "a URL");
	if (typeof click !== "string" || click === "") throw bad(`${path}.click_link`, "a URL");
	const interact = Number(raw.interact_type);
	if (interact !== 0 && interact !== 1) throw bad(`${path}.interact_type`, "0 or 1");

	const ad: Record<string, unknown> = {
		impression_link: impression,
		click_link: click,
		interact_type: interact,
	};
	for (const [key, kind] of Object.entries(AD_FIELDS)) {
		const v = raw[key];
		if (v === undefined || v === null) continue;
		const read = readField(kind, v, `${path}.${key}`);
		if (read !== undefined) ad[key] = read;
	}
	if (raw.relation_target !== undefined && raw.relation_target !== null && raw.relation_target !== "") {
		const t = Number(raw.relation_target);
		if (t !== 0 && t !== 1 && t !== 2) throw bad(`${path}.relation_target`, "0, 1 or 2");
		ad.relation_target = t;
	}
	if (raw.conversion_event !== undefined && raw.conversion_event !== null) {
		if (!isRecord(raw.conversion_event)) throw bad(`${path}.conversion_event`, "an object");
		const events: DspbConversionEvent = {};
		for (const key of CONVERSION_EVENT_KEYS) {
			const url = raw.conversion_event[key];
			if (url === undefined || url === null || url === "") continue;
			if (typeof url !== "string") throw bad(`${path}.conversion_event.${key}`, "a URL string");
			events[key] = url;
		}
		ad.conversion_event = events;
	}
	ad.raw = raw;
	return ad as unknown as DspbAd;
}

/**
 * Reads an ad response body. `ret` is checked first, as the guide requires, and only then `data`.
 * @param body - the response text, or an already parsed JSON value
 * @param posId - the requested `pos.id` (the key of the slot in `data`)
 * @returns the slot's ads, in the server's order (possibly none)
 * @throws DspbError `API_ERROR` for ret ≠ 0 (with `ret`, `msg`, `retMeaning` from the guide's
 *   返回码列表), `INVALID_RESPONSE` naming the path of anything malformed
 * @example
 * const ads = parseAdResponse(await res.text(), request.posId);
 */
export function parseAdResponse(body: unknown, posId: string | number | bigint): DspbAd[] {
	let json = body;
	if (typeof body === "string") {
		try {
			json = JSON.parse(body);
		} catch (cause) {
			throw new DspbError("INVALID_RESPONSE", "the response body is not JSON", { field: "body", cause });
		}
	}
	if (!isRecord(json)) throw bad("body", "a JSON object");
	const ret = typeof json.ret === "string" && /^-?[0-9]+$/.test(json.ret) ? Number(json.ret) : json.ret;
	if (typeof ret !== "number" || !Number.isInteger(ret)) throw bad("ret", "an integer");
	const msg = typeof json.msg === "string" ? json.msg : "";
	if (ret !== 0) {
		const meaning = describeRet(ret);
		throw new DspbError(
			"API_ERROR",
			`ad request failed: ret ${ret}${meaning ? ` (${meaning})` : ""}${msg ? `: ${msg}` : ""}`,
			{ field: "ret", ret, msg },
		);
	}
	const key = String(posId);
	if (!isRecord(json.data)) throw bad("data", "an object");
	const slot = json.data[key];
	if (!isRecord(slot)) throw bad(`data.${key}`, "an object (the requested pos.id)");
	if (!Array.isArray(slot.list)) throw bad(`data.${key}.list`, "an array");
	return slot.list.map((ad, i) => parseAd(ad, `data.${key}.list[${i}]`));
}
