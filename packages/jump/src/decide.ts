/**
 * The click decision of docs/dspb/protocol.md 附录 "点击交互处理逻辑": given an ad and what the host app can
 * do, the ordered actions to try (each with its fallback) and the conversion_event URLs to
 * report at each moment.
 * @module
 */
import { JumpError } from "./errors.ts";
import {
	type AdCategory,
	ANDROID_DEEPLINK_CHECK_DELAY_MS,
	JUMP_PRIORITY,
	type JumpField,
	URL_AVAILABILITY,
} from "./tables.ts";
import type { ConversionEventKey, HostCapabilities, JumpAd } from "./types.ts";
import { checkWechatPrerequisites } from "./wechat.ts";

/** App details to show before a direct download (DSP-B guide: 通过弹窗等形式向用户展示应用名称、版本等). */
export interface DownloadConfirmation {
	app_name?: string;
	app_version?: string;
	advertiser_name?: string;
	package_size_bytes?: number;
	app_info_url?: string;
	permissions_url?: string;
	description_url?: string;
	privacy_agreement?: string;
}

/** What the host does for one step. */
export type JumpAction =
	/** Open `customized_invoke_url` (应用直达). */
	| { kind: "deeplink"; url: string }
	/** iOS: open `universal_link`. */
	| { kind: "universal_link"; url: string }
	/** Android: open `quick_app_link` (hap://app/…). */
	| { kind: "quick_app"; url: string }
	/** Android: open the vendor store's `market_url`. */
	| { kind: "vendor_store"; url: string }
	/** Android: ask the user with `confirm`, then download and install `package_url`. */
	| { kind: "download"; url: string; confirm: DownloadConfirmation }
	/** WXLaunchMiniProgram.Req with userName, path, extData; miniProgramType 0 (正式版). */
	| { kind: "wechat_mini_program"; username: string; path: string; extData: string; miniProgramType: 0 }
	/** WXOpenBusinessView.Req with businessType "nativeOpenAdCanvas" and extInfo = wechat_canvas. */
	| { kind: "wechat_canvas"; businessType: "nativeOpenAdCanvas"; extInfo: string }
	/** iOS: open the App Store page of `app_id`. */
	| { kind: "app_store"; appId: string }
	/** Open `landing_page_url` in a WebView. */
	| { kind: "landing_page"; url: string };

/** When a conversion URL is reported (DSP-B guide 转化上报 上报时机). */
export type ConversionMoment =
	/** As the step is attempted (deeplink_invoke). */
	| "invoke"
	/** When `successRule` says the app opened (deeplink_success). */
	| "invoke_success"
	/** When the download starts (download_started). */
	| "download_start"
	/** When the download completes (download_finished). */
	| "download_finish"
	/** When installation is carried out (install_finished). */
	| "install";

/** One conversion report: which event, when, and the URL from `conversion_event`. */
export interface ConversionReport {
	readonly when: ConversionMoment;
	readonly event: ConversionEventKey;
	readonly url: string;
}

/**
 * How to tell that a deeplink opened the target app (DSP-B guide 转化上报 deeplink_success): on
 * Android, the host app is in the background 5 s after invoking; on iOS, the system call's
 * result shows it was not cancelled by the system dialog.
 */
export type DeeplinkSuccessRule =
	| { kind: "host_in_background_after"; delayMs: typeof ANDROID_DEEPLINK_CHECK_DELAY_MS }
	| { kind: "not_cancelled_by_system" };

/** One step: try `action`; if it fails, go on to the next step of the plan. */
export interface JumpStep {
	readonly action: JumpAction;
	/** The ad field the action comes from. */
	readonly field: JumpField;
	/** The conversion URLs to report, by moment; only events the ad has a URL for. */
	readonly conversions: readonly ConversionReport[];
	/** For deeplink and universal link steps: when `invoke_success` has happened. */
	readonly successRule?: DeeplinkSuccessRule;
}

/** Why a higher-priority field was not used. */
export type SkipReason =
	/** The ad does not carry it. */
	| "absent"
	/** The guide's URL table says this kind of ad never carries it, so it is ignored. */
	| "not_for_this_ad_type"
	/** The host cannot open it. */
	| "unsupported_by_host"
	/** WeChat is not installed. */
	| "wechat_not_installed"
	/** The host's WeChat OpenSDK is older than the guide's minimum. */
	| "wechat_opensdk_too_old";

/** A field passed over, and why. */
export interface SkippedField {
	readonly field: JumpField;
	readonly reason: SkipReason;
}

/** The decision. */
export type JumpPlan =
	| {
			readonly kind: "jump";
			readonly category: AdCategory;
			/** Try `steps[0]`; on failure the next; the last is the landing page when the ad has one. */
			readonly steps: readonly [JumpStep, ...JumpStep[]];
			readonly skipped: readonly SkippedField[];
	  }
	| {
			/** Nothing the host can open (not even a landing page): do nothing beyond the click report. */
			readonly kind: "no_target";
			readonly category: AdCategory;
			readonly skipped: readonly SkippedField[];
	  };

/** Fields whose failure falls back to the landing page (DSP-B guide: 调起失败调用landing_page_url进行兜底). */
const DEEPLINK_FIELDS: ReadonlySet<JumpField> = new Set(["customized_invoke_url", "universal_link"]);

/**
 * The guide's ad category for a platform and interact_type.
 * @param platform - the device OS
 * @param interactType - the ad's interact_type
 * @returns the column of the guide's URL table
 * @throws JumpError `INVALID_FIELD` for an interact_type other than 0 or 1
 */
export function adCategory(platform: "android" | "ios", interactType: number): AdCategory {
	if (interactType !== 0 && interactType !== 1) {
		throw new JumpError("INVALID_FIELD", "interact_type must be 0 (web) or 1 (download)", {
			field: "interact_type",
		});
	}
	if (platform === "ios") return "ios_web";
	if (platform === "android") return interactType === 1 ? "android_download" : "android_web";
	throw new JumpError("INVALID_FIELD", 'platform must be "android" or "ios"', { field: "platform" });
}

const present = (v: unknown): boolean => (typeof v === "string" ? v.length > 0 : typeof v === "number");

function hasField(ad: JumpAd, field: JumpField): boolean {
	if (field === "wechat_app") return present(ad.wechat_app_username);
	return present(ad[field]);
}

function hostReason(host: HostCapabilities, field: JumpField): SkipReason | undefined {
	const ok = (flag: boolean | undefined) => (flag === true ? undefined : "unsupported_by_host");
	switch (field) {
		case "customized_invoke_url":
			return ok(host.deeplink);
		case "universal_link":
			return ok(host.universalLink);
		case "quick_app_link":
			return ok(host.quickApp);
		case "market_url":
			return ok(host.vendorStore);
		case "package_url":
			return ok(host.directDownload);
		case "app_id":
			return ok(host.appStore);
		case "wechat_app":
		case "wechat_canvas":
			return checkWechatPrerequisites(host.platform, host.wechat);
		case "landing_page_url":
			return undefined;
	}
}

function conversions(
	ad: JumpAd,
	pairs: ReadonlyArray<[ConversionMoment, ConversionEventKey]>,
): ConversionReport[] {
	const out: ConversionReport[] = [];
	for (const [when, event] of pairs) {
		const url = ad.conversion_event?.[event];
		if (typeof url === "string" && url.length > 0) out.push({ when, event, url });
	}
	return out;
}

function confirmation(ad: JumpAd): DownloadConfirmation {
	const out: DownloadConfirmation = {};
	for (const key of [
		"app_name",
		"app_version",
		"advertiser_name",
		"app_info_url",
		"permissions_url",
		"description_url",
		"privacy_agreement",
	] as const) {
		const v = ad[key];
		if (typeof v === "string" && v.length > 0) out[key] = v;
	}
	if (typeof ad.package_size_bytes === "number") out.package_size_bytes = ad.package_size_bytes;
	return out;
}

function step(ad: JumpAd, field: JumpField, platform: "android" | "ios"): JumpStep {
	const s = (v: unknown) => String(v ?? "");
	switch (field) {
		case "customized_invoke_url":
		case "universal_link":
			return {
				action:
					field === "universal_link"
						? { kind: "universal_link", url: s(ad.universal_link) }
						: { kind: "deeplink", url: s(ad.customized_invoke_url) },
				field,
				// DSP-B guide 转化上报: deeplink_invoke when trying universal_link / customized_invoke_url,
				// deeplink_success once the success rule holds.
				conversions: conversions(ad, [
					["invoke", "deeplink_invoke"],
					["invoke_success", "deeplink_success"],
				]),
				successRule:
					platform === "android"
						? { kind: "host_in_background_after", delayMs: ANDROID_DEEPLINK_CHECK_DELAY_MS }
						: { kind: "not_cancelled_by_system" },
			};
		case "quick_app_link":
			return { action: { kind: "quick_app", url: s(ad.quick_app_link) }, field, conversions: [] };
		case "market_url":
			// The download happens inside the vendor store, where the host cannot see it start,
			// finish or install, so no download conversions are attached.
			return { action: { kind: "vendor_store", url: s(ad.market_url) }, field, conversions: [] };
		case "package_url":
			return {
				action: { kind: "download", url: s(ad.package_url), confirm: confirmation(ad) },
				field,
				// DSP-B guide 转化上报: non-deeplink download ads report 开始下载, 下载完成 and 安装完成.
				conversions: conversions(ad, [
					["download_start", "download_started"],
					["download_finish", "download_finished"],
					["install", "install_finished"],
				]),
			};
		case "wechat_app":
			return {
				action: {
					kind: "wechat_mini_program",
					username: s(ad.wechat_app_username),
					path: s(ad.wechat_app_path),
					extData: s(ad.wechat_app_ext_data),
					miniProgramType: 0,
				},
				field,
				conversions: [],
			};
		case "wechat_canvas":
			return {
				action: { kind: "wechat_canvas", businessType: "nativeOpenAdCanvas", extInfo: s(ad.wechat_canvas) },
				field,
				conversions: [],
			};
		case "app_id":
			return { action: { kind: "app_store", appId: s(ad.app_id) }, field, conversions: [] };
		case "landing_page_url":
			return { action: { kind: "landing_page", url: s(ad.landing_page_url) }, field, conversions: [] };
	}
}

/**
 * Decides what a tap on an ad does, per DSP-B guide 附录 点击交互处理逻辑: the first field in the
 * guide's priority order that the ad carries and the host supports, then the landing page as the
 * fallback (the guide names it for deeplinks, universal links and quick apps; every ad carries
 * one, so it backs up every other action too). Report the click (click_link) first in any case.
 * @param ad - the ad's jump fields (a `DspbAd` fits)
 * @param host - what the host app supports
 * @returns a plan of ordered steps, with skipped higher-priority fields and why
 * @throws JumpError `INVALID_FIELD` for a bad interact_type, platform or OpenSDK version
 * @example
 * const plan = decideJump(ad, { platform: "android", deeplink: true, vendorStore: true, directDownload: true });
 * if (plan.kind === "jump") await host.run(plan.steps);
 */
export function decideJump(ad: JumpAd, host: HostCapabilities): JumpPlan {
	const category = adCategory(host?.platform, ad?.interact_type);
	const skipped: SkippedField[] = [];
	// Fields the guide's URL table rules out for this kind of ad are ignored even if present.
	for (const field of Object.keys(URL_AVAILABILITY) as JumpField[]) {
		if (!URL_AVAILABILITY[field][category] && hasField(ad, field))
			skipped.push({ field, reason: "not_for_this_ad_type" });
	}
	let primary: JumpField | undefined;
	for (const field of JUMP_PRIORITY[category]) {
		if (!hasField(ad, field)) {
			if (field !== "landing_page_url") skipped.push({ field, reason: "absent" });
			continue;
		}
		const reason = hostReason(host, field);
		if (reason !== undefined) {
			skipped.push({ field, reason });
			continue;
		}
		primary = field;
		break;
	}
	if (primary === undefined) return { kind: "no_target", category, skipped };
	const first = step(ad, primary, host.platform);
	if (primary === "landing_page_url") return { kind: "jump", category, steps: [first], skipped };
	const steps: [JumpStep, ...JumpStep[]] = [first];
	if (hasField(ad, "landing_page_url")) steps.push(step(ad, "landing_page_url", host.platform));
	return { kind: "jump", category, steps, skipped };
}

/**
 * Whether a step is a deeplink whose failure the guide explicitly sends to the landing page.
 * @param s - a plan step
 * @returns true for customized_invoke_url and universal_link steps
 */
export function isDeeplinkStep(s: JumpStep): boolean {
	return DEEPLINK_FIELDS.has(s.field);
}

/**
 * The conversion URLs of a step to report at a moment.
 * @param s - a plan step
 * @param when - the moment reached
 * @returns the URLs, possibly none
 * @example for (const url of conversionUrls(plan.steps[0], "invoke")) ctx.waitUntil(fetch(url));
 */
export function conversionUrls(s: JumpStep, when: ConversionMoment): string[] {
	return s.conversions.filter((c) => c.when === when).map((c) => c.url);
}

/** What the host observed after invoking a deeplink step. */
export type DeeplinkObservation =
	/** Android: was the host app in the background `ANDROID_DEEPLINK_CHECK_DELAY_MS` after invoking? */
	| { platform: "android"; hostInBackgroundAfterDelay: boolean }
	/** iOS: the system call's result (false when the user cancelled the system dialog or it failed). */
	| { platform: "ios"; openedWithoutCancel: boolean };

/**
 * Applies the DSP-B guide's deeplink_success rule to an observation.
 * @param obs - what the host observed
 * @returns "success" (report deeplink_success) or "failure" (fall back to the next step)
 * @example deeplinkOutcome({ platform: "android", hostInBackgroundAfterDelay: true }) // "success"
 */
export function deeplinkOutcome(obs: DeeplinkObservation): "success" | "failure" {
	const ok = obs.platform === "android" ? obs.hostInBackgroundAfterDelay : obs.openedWithoutCancel;
	return ok === true ? "success" : "failure";
}
