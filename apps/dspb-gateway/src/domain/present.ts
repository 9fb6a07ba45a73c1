/**
 * The compact JSON of one ad for the caller: its creative fields, the click plan of `@txad/jump`
 * for the caller's platform, the report URLs the app must call itself (the DSP-B guide forbids
 * reporting impressions, clicks, video and conversions from a server) with what the gateway knows
 * already filled in, the bid price, and the notice token. Keys are snake_case throughout.
 * @module
 */
import { type DspbAd, expectedStatus, findUnfilledMacros } from "@txad/dspb";
import type { JumpPlan } from "@txad/jump";

/** The ad fields passed through as they are (DSP-B guide list JSON数组元素, minus URLs handled below). */
export const CREATIVE_FIELDS = [
	"ad_id",
	"creative_id",
	"ad_examine_type",
	"interact_type",
	"crt_type",
	"title",
	"description",
	"img_url",
	"img2_url",
	"img_list",
	"img_width",
	"img_height",
	"video_url",
	"video_width",
	"video_height",
	"video_duration",
	"video_file_size",
	"package_name",
	"relation_target",
	"app_name",
	"advertiser_name",
	"app_version",
	"package_size_bytes",
	"app_info_url",
	"permissions_url",
	"description_url",
	"privacy_agreement",
] as const satisfies readonly (keyof DspbAd)[];

/** A report URL and the macros the app still has to fill. */
export interface ReportUrl {
	readonly url: string;
	readonly macros: readonly string[];
}

/** What the gateway knows about the slot the app asked for. */
export interface SlotSize {
	readonly width?: number;
	readonly height?: number;
}

function snakeKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(snakeKeys);
	if (value === null || typeof value !== "object") return value;
	return Object.fromEntries(
		Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)]),
	);
}

function report(url: string): ReportUrl {
	return { url, macros: findUnfilledMacros(url) };
}

/**
 * The click report URL with the slot size filled: __REQ_WIDTH__ / __REQ_HEIGHT__ appear in the
 * guide's click_link examples and are the size the app asked for (docs/dspb/protocol.md,
 * implementation notes); the measured macros stay for the app.
 */
function clickReport(ad: DspbAd, size: SlotSize): ReportUrl & { expected_status: number | undefined } {
	let url = ad.click_link;
	if (size.width !== undefined) url = url.split("__REQ_WIDTH__").join(String(size.width));
	if (size.height !== undefined) url = url.split("__REQ_HEIGHT__").join(String(size.height));
	return { ...report(url), expected_status: expectedStatus("click", ad.interact_type) };
}

/** __VIDEO_TIME__ is the creative's length, video_duration in seconds (implementation notes). */
function videoReport(ad: DspbAd): ReportUrl | undefined {
	if (ad.video_view_link === undefined) return undefined;
	const url =
		ad.video_duration === undefined
			? ad.video_view_link
			: ad.video_view_link.split("__VIDEO_TIME__").join(String(ad.video_duration));
	return report(url);
}

/**
 * The JSON for one ad that passed the install-relation filter.
 * @param ad - the parsed ad
 * @param plan - `decideJump`'s plan for the caller's platform
 * @param size - the slot size the app asked for
 * @param noticeToken - the signed token for /v1/notice/*, when the ad carries notice URLs
 * @returns the ad as the caller receives it
 */
export function presentAd(
	ad: DspbAd,
	plan: JumpPlan,
	size: SlotSize,
	noticeToken: string | undefined,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const key of CREATIVE_FIELDS) if (ad[key] !== undefined) out[key] = ad[key];
	out.click = {
		steps: plan.kind === "jump" ? snakeKeys(plan.steps) : [],
		// "absent" says nothing the app could act on; the other reasons explain a fallback.
		skipped: plan.skipped.filter((s) => s.reason !== "absent"),
	};
	const video = videoReport(ad);
	out.reports = {
		// DSP-B guide 曝光上报: impression_link is sent unchanged, once.
		impression: report(ad.impression_link),
		click: clickReport(ad, size),
		...(video === undefined ? {} : { video_view: video }),
		conversions: ad.conversion_event ?? {},
	};
	if (ad.ecpm !== undefined) out.ecpm = ad.ecpm;
	if (noticeToken !== undefined) out.notice_token = noticeToken;
	return out;
}
