/**
 * Shared test helpers: devices, calls to the gateway through SELF, and reading what the fake
 * 优量汇 saw.
 * @module
 */
import { env, SELF } from "cloudflare:test";
import { bearer, DEMO_KEYS, DEMO_PLACEMENTS } from "../demo/config.ts";

export { DEMO_KEYS, DEMO_PLACEMENTS };

/** Base URL of requests (any host reaches SELF). */
export const BASE = "https://dspb-gateway.test";
/** The client address tests present as CF-Connecting-IP. */
export const CLIENT_IP = "14.17.22.35";

const ANDROID_UA =
	"Mozilla/5.0 (Linux; Android 13; 23049RAD8C) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36";
const IOS_UA =
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

/**
 * An Android device with a fresh OAID (so each test's upstream requests can be told apart).
 * @param patch - fields to add or override
 * @returns the device object
 */
export function androidDevice(patch: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		os: "android",
		os_version: "13.0",
		model: "23049RAD8C",
		manufacturer: "Xiaomi",
		device_type: 1,
		oaid: crypto.randomUUID(),
		...patch,
	};
}

/**
 * An iOS device with a fresh IDFA.
 * @param patch - fields to add or override
 * @returns the device object
 */
export function iosDevice(patch: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		os: "ios",
		os_version: "17.4.1",
		model: "iPhone15,2",
		device_type: 1,
		orientation: 0,
		idfa: crypto.randomUUID().toUpperCase(),
		...patch,
	};
}

/** The network object of an app caller (no ip: the gateway takes CF-Connecting-IP). */
export const ANDROID_NETWORK = { connect_type: 1, carrier: 3, ua: ANDROID_UA };
/** The same for iOS. */
export const IOS_NETWORK = { connect_type: 1, carrier: 1, ua: IOS_UA };

/** Every capability of an Android app. */
export const ANDROID_CAPS = {
	deeplink: true,
	quick_app: true,
	vendor_store: true,
	direct_download: true,
	wechat_canvas: true,
};
/** Every capability of an iOS app. */
export const IOS_CAPS = { deeplink: true, universal_link: true, app_store: true, wechat_canvas: true };
/** WeChat fields of an Android device with OpenSDK 6.8.0 (Build.SDK_INT 638058496). */
export const ANDROID_WECHAT = { opensdk_ver: 638058496, wx_api_ver: 671090490 };
/** WeChat fields of an iOS device with OpenSDK 1.9.2. */
export const IOS_WECHAT = { opensdk_ver: "1.9.2", wx_installed: true };

/**
 * POST to the gateway through SELF.
 * @param path - route path
 * @param body - JSON body (a string is sent as is)
 * @param options - the key to authenticate with (or none), extra headers
 * @returns the response
 */
export function post(
	path: string,
	body: unknown,
	options: { key?: { id: string; secret: string } | null; headers?: Record<string, string> } = {},
): Promise<Response> {
	const key = options.key === undefined ? DEMO_KEYS.android : options.key;
	return SELF.fetch(`${BASE}${path}`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			"cf-connecting-ip": CLIENT_IP,
			...(key === null ? {} : { authorization: bearer(key) }),
			...options.headers,
		},
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

/** The parts of the /v1/ads answer tests read. */
export interface AdsAnswer {
	placement_id: string;
	ads: Array<{
		ad_id: string;
		title: string;
		interact_type: number;
		ecpm?: number;
		notice_token?: string;
		click: {
			steps: Array<{ field: string; action: Record<string, unknown>; conversions: unknown[] }>;
			skipped: unknown[];
		};
		reports: {
			impression: { url: string; macros: string[] };
			click: { url: string; macros: string[]; expected_status: number };
			video_view?: { url: string; macros: string[] };
			conversions: Record<string, string>;
		};
		[key: string]: unknown;
	}>;
	filtered: Array<{ ad_id: string; reason: string; report: { event: string; url: string } | null }>;
	no_fill: { ret: number; meaning: string } | null;
	wechat_ads: string;
	upstream: { attempts: number };
}

/**
 * POST /v1/ads and parse the answer, failing on a non-200.
 * @param body - the request body
 * @param key - the key to use
 * @returns the parsed answer
 */
export async function requestAds(
	body: unknown,
	key: { id: string; secret: string } = DEMO_KEYS.android,
): Promise<AdsAnswer> {
	const res = await post("/v1/ads", body, { key });
	const text = await res.text();
	if (res.status !== 200) throw new Error(`POST /v1/ads answered ${res.status}: ${text}`);
	return JSON.parse(text) as AdsAnswer;
}

/** An ad request the fake saw. */
export interface FakeRequest {
	pos_id: string;
	attempt: number;
	status: number;
	ret: number | null;
	x_forwarded_for: string | null;
	user_agent: string | null;
	device_model: string | null;
	sign: string | null;
}

/**
 * What the fake saw for a placement.
 * @param posId - the placement
 * @returns its ad requests, oldest first
 */
export async function fakeRequests(posId: string): Promise<FakeRequest[]> {
	const res = await env.FAKE_DSPB.fetch(`https://fake.test/__requests?pos=${posId}`);
	return (await res.json()) as FakeRequest[];
}

/** A notice the fake received. */
export interface FakeNotice {
	kind: "win" | "loss";
	ad_id: string;
	price_fen: number | null;
	price_padding: string | null;
	price_error: string | null;
	loss_reason?: string | null;
	seat_id?: string | null;
	unfilled_macros: string[];
}

/**
 * Waits until the fake has received a notice for an ad (notices are sent in waitUntil).
 * @param adId - the ad
 * @param count - how many notices to wait for
 * @returns the notices
 */
export async function waitForNotices(adId: string, count = 1): Promise<FakeNotice[]> {
	for (let i = 0; i < 100; i++) {
		const res = await env.FAKE_DSPB.fetch(`https://fake.test/__notices?ad=${adId}`);
		const list = (await res.json()) as FakeNotice[];
		if (list.length >= count) return list;
		await new Promise((r) => setTimeout(r, 20));
	}
	throw new Error(`no notice for ad ${adId} reached the fake`);
}

/**
 * The notices the fake holds for an ad right now.
 * @param adId - the ad
 * @returns the notices
 */
export async function fakeNotices(adId: string): Promise<FakeNotice[]> {
	const res = await env.FAKE_DSPB.fetch(`https://fake.test/__notices?ad=${adId}`);
	return (await res.json()) as FakeNotice[];
}

/**
 * The first step kind of each ad, by the kind name the fake puts in the title.
 * @param answer - a /v1/ads answer
 * @returns title kind → first action kind (or "none")
 */
export function firstSteps(answer: AdsAnswer): Record<string, string> {
	return Object.fromEntries(
		answer.ads.map((ad) => [
			ad.title.replace("[fake] ", ""),
			String(ad.click.steps[0]?.action.kind ?? "none"),
		]),
	);
}
