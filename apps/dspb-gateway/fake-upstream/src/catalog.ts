/**
 * The fake's ads: one per jump kind of docs/dspb/protocol.md 附录 广告点击交互处理流程, shaped like the
 * guide's response examples (响应示例), each offered only when the request asked for its kind, as
 * the real ad server does (deep_link_version, support_quick_app, support_app_store, opensdk_ver,
 * support_wechat_canvas), plus two install-targeted ads for the install-relation filter.
 * @module
 */
import type { AcceptedRequest } from "./checks.ts";

/** Every macro a click_link may carry (docs/dspb/protocol.md 点击上报-请求数据, and the examples' req size). */
const CLICK_MACROS = [
	"req_width:__REQ_WIDTH__",
	"req_height:__REQ_HEIGHT__",
	"width:__WIDTH__",
	"height:__HEIGHT__",
	"down_x:__DOWN_X__",
	"down_y:__DOWN_Y__",
	"up_x:__UP_X__",
	"up_y:__UP_Y__",
	"sld:__SLD__",
	"x_max_acc:__X_MAX_ACC__",
	"y_max_acc:__Y_MAX_ACC__",
	"z_max_acc:__Z_MAX_ACC__",
	"turn_x:__TURN_X__",
	"turn_y:__TURN_Y__",
	"turn_z:__TURN_Z__",
	"turn_time:__TURN_TIME__",
];

/** docs/dspb/protocol.md 视频播放信息上报-请求数据. */
const VIDEO_MACROS = [
	"vt:__VIDEO_TIME__",
	"bt:__BEGIN_TIME__",
	"et:__END_TIME__",
	"bf:__PLAY_FIRST_FRAME__",
	"ef:__PLAY_LAST_FRAME__",
	"pp:__SCENE__",
	"pa:__TYPE__",
	"pb:__BEHAVIOR__",
	"ps:__STATUS__",
];

/** A URL-encoded JSON object of `name:value` pairs, as the guide's click_link `s` parameter is. */
const jsonParam = (pairs: readonly string[]) =>
	encodeURIComponent(
		JSON.stringify(
			Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf(":")), p.slice(p.indexOf(":") + 1)])),
		),
	);

/** What request flags an ad needs before the server may offer it. */
type Needs = "deeplink" | "quick_app" | "app_store" | "wechat" | "wechat_canvas";

interface Template {
	/** Stable name, used in titles and ids, e.g. "android-deeplink". */
	readonly kind: string;
	readonly os: "android" | "ios";
	readonly interact: 0 | 1;
	readonly needs?: Needs;
	readonly video?: boolean;
	readonly fields: (origin: string, id: string) => Record<string, unknown>;
	/** conversion_event keys beyond the always-present ones of the kind. */
	readonly events?: readonly string[];
}

const landing = (origin: string, id: string) => `${origin}/landing/${id}`;

/** Web ads (interact_type 0) both platforms carry, in the catalogue's order. */
const deeplinkAd = (os: "android" | "ios"): Template => ({
	kind: `${os}-deeplink`,
	os,
	interact: 0,
	needs: "deeplink",
	fields: (o, id) => ({ customized_invoke_url: `fakeapp://item/${id}`, landing_page_url: landing(o, id) }),
	events: ["deeplink_invoke", "deeplink_success"],
});
const miniProgramAd = (os: "android" | "ios"): Template => ({
	kind: `${os}-mini-program`,
	os,
	interact: 0,
	needs: "wechat",
	fields: (o, id) => ({
		wechat_app_username: "gh_fake0000mini",
		wechat_app_path: `pages/item?id=${id}`,
		wechat_app_ext_data: `ext=${id}`,
		landing_page_url: landing(o, id),
	}),
});
const canvasAd = (os: "android" | "ios"): Template => ({
	kind: `${os}-wechat-canvas`,
	os,
	interact: 0,
	needs: "wechat_canvas",
	fields: (o, id) => ({ wechat_canvas: `canvas-ext-info-${id}`, landing_page_url: landing(o, id) }),
});
const landingVideoAd = (os: "android" | "ios"): Template => ({
	kind: `${os}-landing-video`,
	os,
	interact: 0,
	video: true,
	fields: (o, id) => ({ landing_page_url: landing(o, id) }),
});

const TEMPLATES: readonly Template[] = [
	deeplinkAd("android"),
	{
		kind: "android-quick-app",
		os: "android",
		interact: 0,
		needs: "quick_app",
		fields: (o, id) => ({
			quick_app_link: `hap://app/com.fake.quick/item/${id}`,
			landing_page_url: landing(o, id),
		}),
	},
	miniProgramAd("android"),
	canvasAd("android"),
	landingVideoAd("android"),
	{
		kind: "android-vendor-store",
		os: "android",
		interact: 1,
		needs: "app_store",
		fields: (o, id) => ({
			market_url: `market://details?id=com.fake.store${id}`,
			package_url: `${o}/apk/${id}.apk`,
			package_name: `com.fake.store${id}`,
			landing_page_url: landing(o, id),
			...appInfo(o, id),
		}),
		events: ["download_started", "download_finished", "install_finished"],
	},
	{
		kind: "android-download",
		os: "android",
		interact: 1,
		fields: (o, id) => ({
			package_url: `${o}/apk/${id}.apk`,
			// Targets users without the app (relation_target 1, as the guide's string type allows).
			package_name: "com.fake.game",
			relation_target: "1",
			landing_page_url: landing(o, id),
			...appInfo(o, id),
		}),
		events: ["download_started", "download_finished", "install_finished", "app_installed"],
	},
	{
		kind: "android-installed-deeplink",
		os: "android",
		interact: 1,
		needs: "deeplink",
		fields: (o, id) => ({
			customized_invoke_url: `fakeshop://item/${id}`,
			// Targets users who have the app (relation_target 2).
			package_name: "com.fake.shop",
			relation_target: 2,
			package_url: `${o}/apk/${id}.apk`,
			landing_page_url: landing(o, id),
		}),
		events: ["deeplink_invoke", "deeplink_success", "app_not_installed"],
	},
	{
		kind: "ios-universal-link",
		os: "ios",
		interact: 0,
		fields: (o, id) => ({
			universal_link: `https://links.fake.example/item/${id}`,
			landing_page_url: landing(o, id),
		}),
		events: ["deeplink_invoke", "deeplink_success"],
	},
	deeplinkAd("ios"),
	miniProgramAd("ios"),
	{
		kind: "ios-app-store",
		os: "ios",
		interact: 0,
		fields: (o, id) => ({
			app_id: 982906456,
			package_name: "com.fake.iosgame",
			landing_page_url: landing(o, id),
		}),
	},
	canvasAd("ios"),
	landingVideoAd("ios"),
];

function appInfo(origin: string, id: string): Record<string, unknown> {
	return {
		app_name: `Fake App ${id}`,
		advertiser_name: "Fake Advertiser Ltd",
		app_version: "1.2.3",
		package_size_bytes: 52_428_800,
		app_info_url: `${origin}/appinfo/${id}`,
		permissions_url: `${origin}/permissions/${id}`,
		description_url: `${origin}/description/${id}`,
		privacy_agreement: `${origin}/privacy/${id}`,
	};
}

/** Conversion action ids as the guide's 转化上报-请求示例 uses them. */
const ACTION_IDS: Readonly<Record<string, number>> = {
	deeplink_invoke: 245,
	deeplink_success: 246,
	download_started: 5,
	download_finished: 7,
	install_finished: 6,
};

function conversionEvent(origin: string, id: string, events: readonly string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const e of events) {
		out[e] =
			e in ACTION_IDS
				? `${origin}/conv?client=6&action_id=${ACTION_IDS[e]}&click_id=fake${id}`
				: `${origin}/conv/api_data?event=${e}&ad=${id}`;
	}
	return out;
}

function offered(t: Template, req: AcceptedRequest): boolean {
	if (t.os !== req.os) return false;
	const wechat = req.device.opensdk_ver !== undefined;
	switch (t.needs) {
		case undefined:
			return true;
		case "deeplink":
			return req.pos.deep_link_version === 1;
		case "quick_app":
			return req.pos.support_quick_app === true;
		case "app_store":
			return req.supportAppStore;
		case "wechat":
			return wechat;
		case "wechat_canvas":
			return wechat && req.pos.support_wechat_canvas === true;
		default:
			return false;
	}
}

let sequence = 0;

/**
 * The ads to answer for an accepted request, in catalogue order, at most `ad_count`.
 * @param req - the accepted request
 * @param origin - the fake's own origin, for the report and notice URLs
 * @param bidding - whether to attach ecpm and win/loss notice URLs
 * @returns the `list` of the slot, as the guide's list JSON elements
 */
export function adsFor(req: AcceptedRequest, origin: string, bidding: boolean): Record<string, unknown>[] {
	const list: Record<string, unknown>[] = [];
	for (const t of TEMPLATES) {
		if (list.length >= req.adCount) break;
		if (!offered(t, req)) continue;
		sequence = (sequence + 1) % 1_000_000;
		const id = `${880000000 + sequence}`;
		const q = `ad=${id}&pos=${req.posId}&kind=${t.kind}`;
		const ad: Record<string, unknown> = {
			ad_id: id,
			creative_id: `c${id}`,
			impression_link: `${origin}/v/imp?${q}&datatype=json`,
			click_link: `${origin}/c/click?${q}&it=${t.interact}&s=${jsonParam(CLICK_MACROS)}`,
			interact_type: t.interact,
			crt_type: t.video ? 20 : 11,
			title: `[fake] ${t.kind}`,
			description: `A fake ${t.kind} ad from the local 优量汇 stand-in.`,
			img_url: `${origin}/img/${id}.jpg`,
			img2_url: `${origin}/img/${id}-icon.jpg`,
			img_width: 1280,
			img_height: 720,
			...t.fields(origin, id),
		};
		if (t.video) {
			Object.assign(ad, {
				video_url: `${origin}/video/${id}.mp4`,
				video_width: 1280,
				video_height: 720,
				video_duration: 15,
				video_file_size: 2048,
				video_view_link: `${origin}/v/video?${q}&video=${jsonParam(VIDEO_MACROS)}`,
			});
		}
		if (t.events !== undefined) ad.conversion_event = conversionEvent(origin, id, t.events);
		if (bidding) {
			Object.assign(ad, {
				ecpm: 1000 + (sequence % 9) * 100,
				win_notice_url: `${origin}/win?${q}&price=__AUCTION_PRICE__`,
				loss_notice_url: `${origin}/loss?${q}&price=__AUCTION_PRICE__&loss=__AUCTION_LOSS__&seat=__AUCTION_SEAT_ID__`,
			});
		}
		list.push(ad);
	}
	return list;
}

/** Every kind in the catalogue for a platform (for tests and the README). */
export function catalogueKinds(os: "android" | "ios"): string[] {
	return TEMPLATES.filter((t) => t.os === os).map((t) => t.kind);
}
