/**
 * Macro filling for the report URLs in an ad: click_link (docs/dspb/protocol.md 点击上报-请求数据),
 * video_view_link (视频播放信息上报), win_notice_url (竞胜上报) and loss_notice_url (竞败上报).
 * @module
 */
import { DspbError } from "./errors.ts";
import type { AuctionPriceEncryptor } from "./rsa.ts";

/** DSP-B guide 点击上报: "如无法获取坐标时,请替换为-999". */
export const UNKNOWN_COORDINATE = -999;

/** A point in the ad container: dp on Android, pt on iOS, origin at its top-left corner. */
export interface ClickPoint {
	x: number;
	y: number;
}

/** Fields every click may carry. Anything unknown is sent as -999. */
export interface ClickCommon {
	/** __WIDTH__: the whole ad container's width (dp / pt). */
	width?: number;
	/** __HEIGHT__: the whole ad container's height (dp / pt). */
	height?: number;
	/** __DOWN_X__ / __DOWN_Y__: finger down. */
	down?: ClickPoint;
	/** __UP_X__ / __UP_Y__: finger up. */
	up?: ClickPoint;
	/** __REQ_WIDTH__: appears in the guide's click_link examples (not its macro table). */
	reqWidth?: number;
	/** __REQ_HEIGHT__: appears in the guide's click_link examples (not its macro table). */
	reqHeight?: number;
}

/** __SLD__ values with coordinates: 0 常规触屏点击, 1 滑动点击, 3 自定义手势, 6 擦除. */
export type TouchSld = 0 | 1 | 3 | 6;

/** Raw accelerometer peaks per axis: m/s² on Android, G on iOS. */
export interface Acceleration {
	x: number;
	y: number;
	z: number;
}

/** Twist angles per axis relative to the starting position, integers in [-180, 180]. */
export interface TurnAngles {
	x: number;
	y: number;
	z: number;
}

/** What happened on the click, by interaction type (__SLD__). */
export type ClickMacroInput =
	| (ClickCommon & { sld: TouchSld })
	| (ClickCommon & {
			/** 摇一摇. */
			sld: 2;
			/** Decides the scaling: Android ×100 in float32, iOS ×980 in double, then truncated (DSP-B guide: 乘以…取整). */
			os: "android" | "ios";
			/** Peak acceleration in the OS's native unit. */
			maxAcceleration: Acceleration;
	  })
	| (ClickCommon & {
			/** 扭一扭. */
			sld: 5;
			/** __TURN_X__ / __TURN_Y__ / __TURN_Z__. */
			turn: TurnAngles;
			/** __TURN_TIME__: ms from the last moment all angles were within ±5° to the click. */
			turnTimeMs: number;
	  });

function fieldError(field: string, message: string): DspbError {
	return new DspbError("INVALID_FIELD", message, { field });
}

function int32(value: number | undefined, field: string, min = -(2 ** 31), max = 2 ** 31 - 1): number {
	if (value === undefined) return UNKNOWN_COORDINATE;
	if (!Number.isInteger(value) || value < min || value > max) {
		throw fieldError(field, `${field} must be an integer from ${min} to ${max}`);
	}
	return value;
}

/**
 * DSP-B guide 点击上报 (摇一摇): Android reports m/s², iOS reports G; "Android端乘以100取整,iOS端乘以980取整".
 * 取整 is truncation toward zero, as the clients' `(int)` cast does, computed in the client's
 * arithmetic: Android's SensorEvent values are 32-bit floats, so its × 100 is a float multiply
 * (0.29f × 100 = 29, where a double multiply gives 28.999999999999996 → 28); iOS's
 * CMAcceleration is a double, so its × 980 is a double multiply.
 */
function scaleAcceleration(os: "android" | "ios", raw: number): number {
	if (os === "android") return Math.trunc(Math.fround(Math.fround(raw) * 100));
	return Math.trunc(raw * 980);
}

function replaceAll(url: string, values: Readonly<Record<string, string | number>>): string {
	let out = url;
	for (const [macro, value] of Object.entries(values)) out = out.split(macro).join(String(value));
	return out;
}

function checkUrl(url: unknown, field: string): string {
	if (typeof url !== "string" || url.length === 0)
		throw fieldError(field, `${field} must be the URL from the ad`);
	return url;
}

/**
 * Fills every click_link macro. Coordinates, sizes and sensor values that do not apply to the
 * interaction type, or are unknown, become -999, so no macro is left unreplaced.
 * @param clickLink - `ad.click_link`
 * @param input - the interaction type and what was measured
 * @returns the URL to GET (with `redirect: "manual"`; see {@link shouldRetry})
 * @throws DspbError `INVALID_FIELD` naming the macro whose value is not an integer or out of range
 * @example
 * fillClickLink(ad.click_link, { sld: 0, width: 360, height: 200, down: { x: 10, y: 20 }, up: { x: 12, y: 21 } })
 */
export function fillClickLink(clickLink: string, input: ClickMacroInput): string {
	const url = checkUrl(clickLink, "click_link");
	const sld: number = input.sld;
	if (![0, 1, 2, 3, 5, 6].includes(sld)) throw fieldError("__SLD__", "__SLD__ must be 0, 1, 2, 3, 5 or 6");
	const values: Record<string, number> = {
		__REQ_WIDTH__: int32(input.reqWidth, "__REQ_WIDTH__"),
		__REQ_HEIGHT__: int32(input.reqHeight, "__REQ_HEIGHT__"),
		__WIDTH__: int32(input.width, "__WIDTH__"),
		__HEIGHT__: int32(input.height, "__HEIGHT__"),
		__DOWN_X__: int32(input.down?.x, "__DOWN_X__"),
		__DOWN_Y__: int32(input.down?.y, "__DOWN_Y__"),
		__UP_X__: int32(input.up?.x, "__UP_X__"),
		__UP_Y__: int32(input.up?.y, "__UP_Y__"),
		__X_MAX_ACC__: UNKNOWN_COORDINATE,
		__Y_MAX_ACC__: UNKNOWN_COORDINATE,
		__Z_MAX_ACC__: UNKNOWN_COORDINATE,
		__TURN_X__: UNKNOWN_COORDINATE,
		__TURN_Y__: UNKNOWN_COORDINATE,
		__TURN_Z__: UNKNOWN_COORDINATE,
		__TURN_TIME__: UNKNOWN_COORDINATE,
		__SLD__: sld,
	};
	if (input.sld === 2) {
		if (input.os !== "android" && input.os !== "ios")
			throw fieldError("os", 'os must be "android" or "ios" for a shake click');
		for (const axis of ["x", "y", "z"] as const) {
			const macro = `__${axis.toUpperCase()}_MAX_ACC__`;
			const raw = input.maxAcceleration?.[axis];
			if (typeof raw !== "number" || !Number.isFinite(raw))
				throw fieldError(macro, `${macro} needs a finite acceleration`);
			values[macro] = int32(scaleAcceleration(input.os, raw), macro);
		}
	} else if (input.sld === 5) {
		for (const axis of ["x", "y", "z"] as const) {
			const macro = `__TURN_${axis.toUpperCase()}__`;
			values[macro] = int32(input.turn?.[axis] ?? Number.NaN, macro, -180, 180);
		}
		values.__TURN_TIME__ = int32(input.turnTimeMs ?? Number.NaN, "__TURN_TIME__", 0);
	}
	return replaceAll(url, values);
}

/** One finished (or stopped) playback of a video ad (DSP-B guide 视频播放信息上报). */
export interface VideoViewMacroInput {
	/** __VIDEO_TIME__: total length, seconds. */
	videoTime: number;
	/** __BEGIN_TIME__: where playback started, seconds (0 from the start). */
	beginTime: number;
	/** __END_TIME__: where it ended, seconds (= videoTime at the end). */
	endTime: number;
	/** __PLAY_FIRST_FRAME__; defaults to beginTime === 0. */
	playFirstFrame?: boolean;
	/** __PLAY_LAST_FRAME__; defaults to endTime === videoTime. */
	playLastFrame?: boolean;
	/** __SCENE__: 1 in the ad, 2 full-screen portrait video only, 3 video above the landing page, 4 full-screen landscape, 0 other. */
	scene: 0 | 1 | 2 | 3 | 4;
	/** __TYPE__: 1 first play, 2 resumed after pause, 3 restarted. */
	type: 1 | 2 | 3;
	/** __BEHAVIOR__: 1 autoplay, 2 tap to play. */
	behavior: 1 | 2;
	/** __STATUS__: 0 normal, 1 loading, 2 error. */
	status: 0 | 1 | 2;
}

function oneOf<T extends number>(value: T, allowed: readonly number[], macro: string): T {
	if (!allowed.includes(value)) throw fieldError(macro, `${macro} must be one of ${allowed.join(", ")}`);
	return value;
}

/**
 * Fills video_view_link's macros; call once per playback end.
 * @param videoViewLink - `ad.video_view_link`
 * @param input - the playback
 * @returns the URL to GET
 * @throws DspbError `INVALID_FIELD` naming the macro (times must satisfy 0 ≤ begin ≤ end ≤ total)
 * @example fillVideoViewLink(ad.video_view_link, { videoTime: 15, beginTime: 0, endTime: 15, scene: 1, type: 1, behavior: 1, status: 0 })
 */
export function fillVideoViewLink(videoViewLink: string, input: VideoViewMacroInput): string {
	const url = checkUrl(videoViewLink, "video_view_link");
	const total = int32(input.videoTime ?? Number.NaN, "__VIDEO_TIME__", 0);
	const begin = int32(input.beginTime ?? Number.NaN, "__BEGIN_TIME__", 0, total);
	const end = int32(input.endTime ?? Number.NaN, "__END_TIME__", begin, total);
	return replaceAll(url, {
		__VIDEO_TIME__: total,
		__BEGIN_TIME__: begin,
		__END_TIME__: end,
		__PLAY_FIRST_FRAME__: (input.playFirstFrame ?? begin === 0) ? 1 : 0,
		__PLAY_LAST_FRAME__: (input.playLastFrame ?? end === total) ? 1 : 0,
		__SCENE__: oneOf(input.scene, [0, 1, 2, 3, 4], "__SCENE__"),
		__TYPE__: oneOf(input.type, [1, 2, 3], "__TYPE__"),
		__BEHAVIOR__: oneOf(input.behavior, [1, 2], "__BEHAVIOR__"),
		__STATUS__: oneOf(input.status, [0, 1, 2], "__STATUS__"),
	});
}

/**
 * __AUCTION_LOSS__ (DSP-B guide 竞败上报): 1 lost the auction (the only kind the platform
 * discloses), 2 no ad returned (no fill, timeout), 101 returned but not in the auction, 10001 other.
 */
export type AuctionLossReason = 1 | 2 | 101 | 10001;

/**
 * __AUCTION_SEAT_ID__ (DSP-B guide 竞败上报): 1 another 优量汇 non-bidding slot, 2 a third-party
 * ADN, 3 the publisher's own advertiser, 4 another 优量汇 bidding slot.
 */
export type AuctionSeatId = 1 | 2 | 3 | 4;

/** DSP-B guide 竞败上报 __AUCTION_LOSS__ enum. */
export const AUCTION_LOSS_REASONS: readonly AuctionLossReason[] = [1, 2, 101, 10001];
/** DSP-B guide 竞败上报 __AUCTION_SEAT_ID__ enum. */
export const AUCTION_SEAT_IDS: readonly AuctionSeatId[] = [1, 2, 3, 4];

async function encryptedPrice(
	encryptor: AuctionPriceEncryptor | undefined,
	priceFen: number,
): Promise<string> {
	if (encryptor === undefined)
		throw fieldError("encryptor", "an AuctionPriceEncryptor is required to send a price");
	// DSP-B guide: RSA, then base64, then URL encoding (base64's + / = must not reach the server raw).
	return encodeURIComponent(await encryptor.encryptPrice(priceFen));
}

/**
 * Fills win_notice_url: __AUCTION_PRICE__ = URL-encoded base64 of the RSA-encrypted price.
 * Notices are sent without waiting and never retried.
 * @param winNoticeUrl - `ad.win_notice_url`
 * @param input - the winning price in 分 and the publisher key's encryptor
 * @returns the URL to GET
 * @throws DspbError `INVALID_FIELD` for a bad price or a missing encryptor
 * @example await fillWinNoticeUrl(ad.win_notice_url, { priceFen: ad.ecpm, encryptor })
 */
export async function fillWinNoticeUrl(
	winNoticeUrl: string,
	input: { priceFen: number; encryptor: AuctionPriceEncryptor },
): Promise<string> {
	const url = checkUrl(winNoticeUrl, "win_notice_url");
	return replaceAll(url, { __AUCTION_PRICE__: await encryptedPrice(input.encryptor, input.priceFen) });
}

/** What to report in a loss notice; every macro is optional in the DSP-B guide. */
export interface LossNoticeInput {
	/** __AUCTION_LOSS__. */
	reason?: AuctionLossReason;
	/** __AUCTION_SEAT_ID__. */
	seatId?: AuctionSeatId;
	/** __AUCTION_PRICE__: the winner's price in 分 (needs `encryptor`). */
	priceFen?: number;
	/** Required when `priceFen` is given. */
	encryptor?: AuctionPriceEncryptor;
}

/**
 * Fills loss_notice_url. Macros with no value become empty, so no literal `__…__` is sent.
 * @param lossNoticeUrl - `ad.loss_notice_url`
 * @param input - reason, winner seat and optionally the winner's price
 * @returns the URL to GET
 * @throws DspbError `INVALID_FIELD` for a value outside the guide's enums
 * @example await fillLossNoticeUrl(ad.loss_notice_url, { reason: 1, seatId: 2, priceFen: 900, encryptor })
 */
export async function fillLossNoticeUrl(lossNoticeUrl: string, input: LossNoticeInput): Promise<string> {
	const url = checkUrl(lossNoticeUrl, "loss_notice_url");
	const reason =
		input.reason === undefined ? "" : oneOf(input.reason, AUCTION_LOSS_REASONS, "__AUCTION_LOSS__");
	const seat = input.seatId === undefined ? "" : oneOf(input.seatId, AUCTION_SEAT_IDS, "__AUCTION_SEAT_ID__");
	const price = input.priceFen === undefined ? "" : await encryptedPrice(input.encryptor, input.priceFen);
	return replaceAll(url, { __AUCTION_PRICE__: price, __AUCTION_LOSS__: reason, __AUCTION_SEAT_ID__: seat });
}

/**
 * Macros still present in a URL, e.g. to assert nothing was left before sending.
 * @param url - a filled URL
 * @returns the distinct `__NAME__` tokens found
 * @example findUnfilledMacros(fillClickLink(link, input)) // []
 */
export function findUnfilledMacros(url: string): string[] {
	return [...new Set(url.match(/__[A-Z][A-Z0-9_]*?__/g) ?? [])];
}
