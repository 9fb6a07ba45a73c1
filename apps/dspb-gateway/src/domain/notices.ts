/**
 * `POST /v1/notice/win` and `/v1/notice/loss` below the transport: redeem the notice token, check
 * what the caller says about the auction, encrypt the price with the publisher's RSA key and fill
 * the notice URL's macros (docs/dspb/protocol.md 竞胜上报 / 竞败上报). Sending is the caller's job
 * (waitUntil, once): the guide forbids retrying notices and needs no answer.
 * @module
 */
import {
	AUCTION_LOSS_REASONS,
	AUCTION_SEAT_IDS,
	type AuctionLossReason,
	type AuctionPriceEncryptor,
	type AuctionSeatId,
	createAuctionPriceEncryptor,
	fillLossNoticeUrl,
	fillWinNoticeUrl,
} from "@txad/dspb";
import { log } from "@txad/worker-kit";
import { GatewayError, invalidField } from "../errors.ts";
import { placementMetrics } from "../metrics.ts";
import type { AppKey, Settings } from "../settings.ts";
import type { Upstream } from "../upstream.ts";
import { type NoticeClaims, redeemNoticeToken } from "./notice-token.ts";

/** A notice ready to send. */
export interface PreparedNotice {
	readonly kind: "win" | "loss";
	readonly posId: string;
	readonly adId: string | undefined;
	/** The filled notice URL (the encrypted price inside). */
	readonly url: string;
}

// Importing the key (and, for OAEP, WebCrypto's import) once per isolate and key, not per notice.
const encryptors = new Map<string, Promise<AuctionPriceEncryptor>>();

function encryptorFor(settings: Settings): Promise<AuctionPriceEncryptor> {
	const pem = settings.pricePublicKey;
	if (pem === undefined)
		throw new GatewayError(
			500,
			"NOT_CONFIGURED",
			"DSPB_PRICE_PUBLIC_KEY is not set: prices cannot be encrypted",
			{
				field: "DSPB_PRICE_PUBLIC_KEY",
			},
		);
	const id = `${settings.pricePadding}:${pem}`;
	let enc = encryptors.get(id);
	if (enc === undefined) {
		enc = createAuctionPriceEncryptor(pem, { padding: settings.pricePadding });
		enc.catch(() => encryptors.delete(id));
		encryptors.set(id, enc);
	}
	return enc;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === "object" && !Array.isArray(v);
}

function price(v: unknown, field: string): number {
	// DSP-B guide 竞胜上报: __AUCTION_PRICE__ is an int32 in 分.
	if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 31))
		throw invalidField(field, `${field} must be the price in 分 (fen), a non-negative integer`);
	return v as number;
}

/** Checks the body's shape and redeems its notice_token; `allowed` are the fields besides the token. */
async function readNotice(
	input: unknown,
	allowed: readonly string[],
	caller: AppKey,
	settings: Settings,
	nowSeconds: number,
): Promise<{ fields: Record<string, unknown>; claims: NoticeClaims }> {
	if (!isObject(input)) throw invalidField("body", "the body must be a JSON object");
	const known = ["notice_token", ...allowed];
	for (const key of Object.keys(input))
		if (!known.includes(key))
			throw invalidField(key, `${key} is not a field of this API (allowed: ${known.join(", ")})`);
	const claims = await redeemNoticeToken(
		settings.noticeSigningKey,
		input.notice_token,
		caller.keyId,
		nowSeconds,
	);
	return { fields: input, claims };
}

/**
 * Prepares a win notice: `{ "notice_token", "price" }`, price = the winning price in 分.
 * @param input - the parsed JSON body
 * @param caller - the authenticated key
 * @param settings - the gateway's settings
 * @param nowSeconds - Unix seconds
 * @returns the notice to send
 * @throws GatewayError 400 naming the field, 500 `NOT_CONFIGURED` without a price key
 */
export async function prepareWinNotice(
	input: unknown,
	caller: AppKey,
	settings: Settings,
	nowSeconds: number,
): Promise<PreparedNotice> {
	const { fields: body, claims } = await readNotice(input, ["price"], caller, settings, nowSeconds);
	if (claims.winUrl === undefined) throw invalidField("notice_token", "this ad carries no win_notice_url");
	const priceFen = price(body.price, "price");
	const url = await fillWinNoticeUrl(claims.winUrl, { priceFen, encryptor: await encryptorFor(settings) });
	return { kind: "win", posId: claims.posId, adId: claims.adId, url };
}

/**
 * Prepares a loss notice: `{ "notice_token", "reason"?, "seat_id"?, "price"? }` with reason the
 * __AUCTION_LOSS__ code (1, 2, 101, 10001), seat_id the __AUCTION_SEAT_ID__ (1–4) and price the
 * winner's price in 分.
 * @param input - the parsed JSON body
 * @param caller - the authenticated key
 * @param settings - the gateway's settings
 * @param nowSeconds - Unix seconds
 * @returns the notice to send
 * @throws GatewayError 400 naming the field, 500 `NOT_CONFIGURED` for a price without a price key
 */
export async function prepareLossNotice(
	input: unknown,
	caller: AppKey,
	settings: Settings,
	nowSeconds: number,
): Promise<PreparedNotice> {
	const { fields: body, claims } = await readNotice(
		input,
		["reason", "seat_id", "price"],
		caller,
		settings,
		nowSeconds,
	);
	if (claims.lossUrl === undefined) throw invalidField("notice_token", "this ad carries no loss_notice_url");
	if (body.reason !== undefined && !AUCTION_LOSS_REASONS.includes(body.reason as AuctionLossReason))
		throw invalidField(
			"reason",
			`reason must be one of ${AUCTION_LOSS_REASONS.join(", ")} (DSP-B guide 竞败上报 __AUCTION_LOSS__)`,
		);
	if (body.seat_id !== undefined && !AUCTION_SEAT_IDS.includes(body.seat_id as AuctionSeatId))
		throw invalidField(
			"seat_id",
			`seat_id must be one of ${AUCTION_SEAT_IDS.join(", ")} (DSP-B guide 竞败上报 __AUCTION_SEAT_ID__)`,
		);
	const priceFen = body.price === undefined ? undefined : price(body.price, "price");
	const url = await fillLossNoticeUrl(claims.lossUrl, {
		...(body.reason === undefined ? {} : { reason: body.reason as AuctionLossReason }),
		...(body.seat_id === undefined ? {} : { seatId: body.seat_id as AuctionSeatId }),
		...(priceFen === undefined ? {} : { priceFen, encryptor: await encryptorFor(settings) }),
	});
	return { kind: "loss", posId: claims.posId, adId: claims.adId, url };
}

/**
 * Sends a prepared notice once and records the outcome; run it in `waitUntil` (no retry, no waiting).
 * @param upstream - 优量汇
 * @param notice - the notice
 * @returns when the send has finished either way
 */
export async function dispatchNotice(upstream: Upstream, notice: PreparedNotice): Promise<void> {
	const m = placementMetrics(notice.posId);
	const result = await upstream.sendNotice(notice.url);
	const ok = "status" in result && result.status >= 200 && result.status < 300;
	if (ok) m.notices[notice.kind]++;
	else m.notices.failed++;
	log(ok ? "info" : "warn", ok ? "notice_sent" : "notice_failed", {
		kind: notice.kind,
		pos_id: notice.posId,
		ad_id: notice.adId ?? null,
		...result,
	});
}
