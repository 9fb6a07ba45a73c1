/**
 * Reads the body of `POST /v1/ads` into what the rest of the gateway needs: the DSP-B request
 * input for `@txad/dspb` (media from MEDIA, the user's IP from CF-Connecting-IP or, for backend
 * keys, from network.ip), the host capabilities for `@txad/jump`, and the installed packages for
 * the install-relation filter. Every problem is a 400 naming the body field. The DSP-B field
 * rules themselves are `@txad/dspb`'s (validateAdRequest), mapped back to body paths here.
 * @module
 */
import type { DspbAdRequestInput, DspbDevice, DspbIssue, DspbPos } from "@txad/dspb";
import {
	checkWechatPrerequisites,
	type HostCapabilities,
	isJumpError,
	type WechatPrerequisiteFailure,
} from "@txad/jump";
import { invalidField } from "../errors.ts";
import type { AppKey, PlacementConfig, Settings } from "../settings.ts";

/** The most installed package names a request may list. */
export const MAX_INSTALLED_PACKAGES = 5000;

/** What the app can do when the user taps an ad (maps to DSP-B request flags and `@txad/jump`). */
export const CAPABILITIES = {
	/** Opens customized_invoke_url (asks for deeplink ads: pos.deep_link_version = 1). */
	deeplink: "any",
	/** iOS: opens universal_link. */
	universal_link: "ios",
	/** Android: opens quick_app_link (asks for quick-app ads: pos.support_quick_app). */
	quick_app: "android",
	/** Android: opens the vendor store's market_url (asks for them: support_app_store = 1). */
	vendor_store: "android",
	/** Android: downloads and installs package_url itself, after showing the app's details. */
	direct_download: "android",
	/** iOS: opens the App Store page of app_id. */
	app_store: "ios",
	/** Opens WeChat native pages (asks for them: pos.support_wechat_canvas, when WeChat qualifies). */
	wechat_canvas: "any",
} as const;

type Capability = keyof typeof CAPABILITIES;

/** One `POST /v1/ads` call, read and checked. */
export interface AdsCall {
	readonly placement: PlacementConfig;
	/** For `buildAdRequest`. */
	readonly input: DspbAdRequestInput;
	/** For `decideJump`. */
	readonly host: HostCapabilities;
	/** Undefined when the caller did not send installed_packages (the filter then cannot tell). */
	readonly installed: ReadonlySet<string> | undefined;
	/** The slot size the app asked for, filled into __REQ_WIDTH__ / __REQ_HEIGHT__. */
	readonly reqSize: { readonly width?: number; readonly height?: number };
	/** "requested" when WeChat mini-program / native-page ads were asked for, else why not. */
	readonly wechatAds: "requested" | WechatPrerequisiteFailure;
}

const TOP_LEVEL = ["placement", "device", "network", "geo", "installed_packages", "capabilities", "referer"];
const PLACEMENT_KEYS = [
	"id",
	"ad_count",
	"last_ad_ids",
	"min_duration",
	"max_duration",
	"query",
	"support_pkg",
	"width",
	"height",
];
const NETWORK_KEYS = ["connect_type", "carrier", "ua", "ip"];
const WECHAT_DEVICE_FIELDS = ["opensdk_ver", "wx_api_ver", "wx_installed"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === "object" && !Array.isArray(v);
}

function objectField(v: unknown, field: string, required: boolean): Record<string, unknown> | undefined {
	if (v === undefined && !required) return undefined;
	if (v === undefined) throw invalidField(field, `${field} is required`);
	if (!isObject(v)) throw invalidField(field, `${field} must be an object`);
	return v;
}

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
	for (const key of Object.keys(obj)) {
		if (!allowed.includes(key)) {
			const path = where === "" ? key : `${where}.${key}`;
			throw invalidField(path, `${path} is not a field of this API (allowed: ${allowed.join(", ")})`);
		}
	}
}

function sizeField(v: unknown, field: string): number | undefined {
	if (v === undefined) return undefined;
	if (!(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10_000))
		throw invalidField(field, `${field} must be an integer from 1 to 10000 (dp on Android, pt on iOS)`);
	return v as number;
}

/**
 * Reads and checks a `POST /v1/ads` body.
 * @param body - the parsed JSON body
 * @param caller - the authenticated key
 * @param clientIp - CF-Connecting-IP, the address the request came from
 * @param settings - the gateway's settings
 * @returns the call, ready to build
 * @throws GatewayError 400 `INVALID_FIELD` naming the body field
 */
export function readAdsCall(
	body: unknown,
	caller: AppKey,
	clientIp: string | null,
	settings: Settings,
): AdsCall {
	if (!isObject(body)) throw invalidField("body", "the body must be a JSON object");
	onlyKeys(body, TOP_LEVEL, "");

	const placementIn = objectField(body.placement, "placement", true) as Record<string, unknown>;
	onlyKeys(placementIn, PLACEMENT_KEYS, "placement");
	const rawId = placementIn.id;
	const posId =
		typeof rawId === "string" && /^[1-9][0-9]{0,18}$/.test(rawId)
			? rawId
			: Number.isSafeInteger(rawId) && (rawId as number) > 0
				? String(rawId)
				: undefined;
	if (posId === undefined)
		throw invalidField("placement.id", "placement.id must be the 优量汇 placement id (digits)");
	const placement = settings.placements.get(posId);
	if (placement === undefined || placement.appId !== caller.appId)
		throw invalidField(
			"placement.id",
			`placement ${posId} is not a placement of this key's app (${caller.appId})`,
		);

	const device = objectField(body.device, "device", true) as Record<string, unknown>;
	if (device.os !== placement.os)
		throw invalidField(
			"device.os",
			`placement ${posId} belongs to an ${placement.os} app; device.os must be "${placement.os}"`,
		);
	const os = placement.os;

	const network = objectField(body.network, "network", true) as Record<string, unknown>;
	onlyKeys(network, NETWORK_KEYS, "network");
	let ip: string;
	if (caller.role === "backend") {
		// DSP-B guide HTTP请求: a server-side request must carry the user's own address in X-Forwarded-For.
		if (typeof network.ip !== "string" || network.ip === "")
			throw invalidField("network.ip", "a backend key must send the user's device IP in network.ip");
		ip = network.ip;
	} else {
		if (network.ip !== undefined)
			throw invalidField(
				"network.ip",
				"an app key may not set network.ip: the gateway uses the connection's address",
			);
		if (clientIp === null || clientIp === "")
			throw invalidField(
				"CF-Connecting-IP",
				"the request carries no CF-Connecting-IP (it must come through Cloudflare)",
			);
		ip = clientIp;
	}

	const capsIn = objectField(body.capabilities, "capabilities", false) ?? {};
	const caps: Partial<Record<Capability, boolean>> = {};
	for (const [key, value] of Object.entries(capsIn)) {
		const field = `capabilities.${key}`;
		if (!(key in CAPABILITIES))
			throw invalidField(
				field,
				`${field} is not a capability (known: ${Object.keys(CAPABILITIES).join(", ")})`,
			);
		if (typeof value !== "boolean") throw invalidField(field, `${field} must be a boolean`);
		const only = CAPABILITIES[key as Capability];
		if (value && only !== "any" && only !== os) throw invalidField(field, `${field} applies to ${only} only`);
		caps[key as Capability] = value;
	}

	let installed: Set<string> | undefined;
	if (body.installed_packages !== undefined) {
		const list = body.installed_packages;
		if (
			!Array.isArray(list) ||
			list.length > MAX_INSTALLED_PACKAGES ||
			!list.every((p) => typeof p === "string" && p.length > 0 && p.length <= 255)
		)
			throw invalidField(
				"installed_packages",
				`installed_packages must be an array of at most ${MAX_INSTALLED_PACKAGES} package names / bundle ids`,
			);
		installed = new Set(list as string[]);
	}
	if (body.referer !== undefined && typeof body.referer !== "string")
		throw invalidField("referer", "referer must be a string");

	// DSP-B guide 微信小程序/小游戏 and 微信原生页: only a host that meets the prerequisites is offered such
	// ads; otherwise the WeChat fields stay out of the request, so 优量汇 returns none.
	const wechat = wechatOf(device, os);
	let wechatFailure: WechatPrerequisiteFailure | undefined;
	try {
		wechatFailure = checkWechatPrerequisites(os, wechat);
	} catch (e) {
		if (isJumpError(e)) throw invalidField("device.opensdk_ver", `device.opensdk_ver ${e.message}`);
		throw e;
	}
	const sentDevice = { ...device };
	if (wechatFailure !== undefined) for (const k of WECHAT_DEVICE_FIELDS) delete sentDevice[k];

	const { width, height, id: _id, ad_count, ...posRest } = placementIn;
	const pos: Record<string, unknown> = { ...posRest, id: posId, ad_count: ad_count ?? 1 };
	if (caps.deeplink) pos.deep_link_version = 1;
	if (caps.quick_app) pos.support_quick_app = true;
	if (caps.wechat_canvas && wechatFailure === undefined) pos.support_wechat_canvas = true;

	const input: DspbAdRequestInput = {
		pos: pos as unknown as DspbPos,
		media: { app_id: placement.appId, app_bundle_id: placement.bundleId },
		device: sentDevice as unknown as DspbDevice,
		network: { ...network, ip } as unknown as DspbAdRequestInput["network"],
		...(body.geo === undefined ? {} : { geo: body.geo as NonNullable<DspbAdRequestInput["geo"]> }),
		...(caps.vendor_store ? { supportAppStore: true } : {}),
		xForwardedFor: ip,
		...(typeof body.referer === "string" ? { referer: body.referer } : {}),
		...(placement.rewardedVideo ? { rewardedVideo: true } : {}),
	};
	const host: HostCapabilities = {
		platform: os,
		deeplink: caps.deeplink === true,
		universalLink: caps.universal_link === true,
		quickApp: caps.quick_app === true,
		vendorStore: caps.vendor_store === true,
		directDownload: caps.direct_download === true,
		appStore: caps.app_store === true,
		...(wechat === undefined ? {} : { wechat }),
	};
	const reqWidth = sizeField(width, "placement.width");
	const reqHeight = sizeField(height, "placement.height");
	return {
		placement,
		input,
		host,
		installed,
		reqSize: {
			...(reqWidth === undefined ? {} : { width: reqWidth }),
			...(reqHeight === undefined ? {} : { height: reqHeight }),
		},
		wechatAds: wechatFailure ?? "requested",
	};
}

/** The host's WeChat OpenSDK as `@txad/jump` takes it, from the DSP-B device fields. */
function wechatOf(device: Record<string, unknown>, os: "android" | "ios"): HostCapabilities["wechat"] {
	const version = device.opensdk_ver;
	if (version === undefined) return undefined;
	if (typeof version !== "string" && typeof version !== "number")
		throw invalidField(
			"device.opensdk_ver",
			"device.opensdk_ver must be a number (Android) or a string (iOS)",
		);
	// Android: getWXAppSupportAPI() is 0 without WeChat; iOS: isWXAppInstalled().
	const installed =
		os === "android"
			? typeof device.wx_api_ver === "number" && device.wx_api_ver > 0
			: device.wx_installed === true;
	return { installed, openSdkVersion: version };
}

/**
 * The body path of a `@txad/dspb` validation issue.
 * @param issue - the issue
 * @param role - the caller's role (the IP comes from the body only for backends)
 * @returns the field to name in the 400
 */
export function bodyFieldOf(issue: DspbIssue, role: AppKey["role"]): string {
	const f = issue.field;
	if (f.startsWith("pos.")) return `placement.${f.slice(4)}`;
	if (f === "pos") return "placement";
	if (f === "network.ip" || f === "X-Forwarded-For")
		return role === "backend" ? "network.ip" : "CF-Connecting-IP";
	if (f === "request") return "body";
	return f;
}
