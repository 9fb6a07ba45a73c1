/**
 * POST /v1/notice/win and /v1/notice/loss through SELF: the gateway redeems its own token,
 * RSA-encrypts the price, fills the macros and fires the notice once in waitUntil; the fake
 * 优量汇 decrypts the price with the matching (DEV ONLY) private key.
 * @module
 */
import { describe, it } from "vitest";
import {
	ANDROID_CAPS,
	ANDROID_NETWORK,
	androidDevice,
	DEMO_KEYS,
	DEMO_PLACEMENTS,
	fakeNotices,
	IOS_NETWORK,
	iosDevice,
	post,
	requestAds,
	waitForNotices,
} from "./helpers.ts";

async function biddingAd(): Promise<{ adId: string; token: string; ecpm: number }> {
	const answer = await requestAds({
		placement: { id: DEMO_PLACEMENTS.android, ad_count: 1 },
		device: androidDevice(),
		network: ANDROID_NETWORK,
		capabilities: ANDROID_CAPS,
	});
	const ad = answer.ads[0];
	if (ad?.notice_token === undefined || ad.ecpm === undefined)
		throw new Error("the fake returned no bidding ad");
	return { adId: ad.ad_id, token: ad.notice_token, ecpm: ad.ecpm };
}

describe("win notice (docs/dspb/protocol.md 竞胜上报)", () => {
	it("202 at once; the fake receives the price, RSA-encrypted, base64, URL-encoded", async ({ expect }) => {
		const { adId, token, ecpm } = await biddingAd();
		const res = await post("/v1/notice/win", { notice_token: token, price: ecpm });
		expect(res.status).toBe(202);
		expect(await res.json()).toEqual({ accepted: true, kind: "win", ad_id: adId });
		const [notice] = await waitForNotices(adId);
		expect(notice).toMatchObject({
			kind: "win",
			ad_id: adId,
			price_fen: ecpm,
			price_padding: "pkcs1",
			price_error: null,
			unfilled_macros: [],
		});
	});

	it("the iOS placement bids too", async ({ expect }) => {
		const answer = await requestAds(
			{ placement: { id: DEMO_PLACEMENTS.ios }, device: iosDevice(), network: IOS_NETWORK },
			DEMO_KEYS.ios,
		);
		const ad = answer.ads[0];
		const res = await post(
			"/v1/notice/win",
			{ notice_token: ad?.notice_token, price: 1 },
			{ key: DEMO_KEYS.ios },
		);
		expect(res.status).toBe(202);
		expect((await waitForNotices(ad?.ad_id ?? ""))[0]?.price_fen).toBe(1);
	});
});

describe("loss notice (docs/dspb/protocol.md 竞败上报)", () => {
	it("fills __AUCTION_LOSS__, __AUCTION_SEAT_ID__ and the winner's encrypted price", async ({ expect }) => {
		const { adId, token } = await biddingAd();
		const res = await post("/v1/notice/loss", { notice_token: token, reason: 1, seat_id: 2, price: 2345 });
		expect(res.status).toBe(202);
		const [notice] = await waitForNotices(adId);
		expect(notice).toMatchObject({
			kind: "loss",
			price_fen: 2345,
			loss_reason: "1",
			seat_id: "2",
			unfilled_macros: [],
		});
	});

	it("without a price or seat the macros are sent empty (no literal __…__ reaches 优量汇)", async ({
		expect,
	}) => {
		const { adId, token } = await biddingAd();
		expect((await post("/v1/notice/loss", { notice_token: token, reason: 2 })).status).toBe(202);
		const [notice] = await waitForNotices(adId);
		expect(notice).toMatchObject({ price_fen: null, loss_reason: "2", seat_id: null, unfilled_macros: [] });
	});
});

describe("tokens protect the notice URLs", () => {
	it.for([
		[
			"a made-up token",
			"eyJ3IjoiaHR0cHM6Ly9ldmlsLmV4YW1wbGUvIn0.".padEnd(104, "0"),
			"was not signed by this gateway",
		],
		["no token", undefined, "must be the token handed out"],
		["a number", 42, "must be the token handed out"],
	] as const)("%s → 400 naming notice_token", async ([, token, message], { expect }) => {
		const res = await post("/v1/notice/win", { notice_token: token, price: 100 });
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: { code: string; field: string; message: string } };
		expect(body.error).toMatchObject({ code: "INVALID_FIELD", field: "notice_token" });
		expect(body.error.message).toContain(message);
	});

	it("a token whose payload was altered is refused, and nothing is sent", async ({ expect }) => {
		const { adId, token } = await biddingAd();
		const [payload, mac] = token.split(".");
		const json = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/")));
		json.w = "https://evil.example/steal";
		const forged = `${btoa(JSON.stringify(json)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}.${mac}`;
		const res = await post("/v1/notice/win", { notice_token: forged, price: 100 });
		expect(res.status).toBe(400);
		await new Promise((r) => setTimeout(r, 100));
		expect(await fakeNotices(adId)).toEqual([]);
	});

	it("a token issued to another app key is refused", async ({ expect }) => {
		const { token } = await biddingAd();
		const res = await post("/v1/notice/win", { notice_token: token, price: 100 }, { key: DEMO_KEYS.backend });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { message: string } }).error.message).toContain("another app key");
	});
});

describe("bad notice input names the field", () => {
	it.for([
		["/v1/notice/win", { price: -1 }, "price"],
		["/v1/notice/win", { price: 1.5 }, "price"],
		["/v1/notice/win", {}, "price"],
		["/v1/notice/loss", { reason: 3 }, "reason"],
		["/v1/notice/loss", { seat_id: 5 }, "seat_id"],
		["/v1/notice/loss", { price: "12" }, "price"],
		["/v1/notice/win", { price: 1, extra: true }, "extra"],
	] as const)("%s %j → 400 %s", async ([path, patch, field], { expect }) => {
		const { token } = await biddingAd();
		const res = await post(path, { notice_token: token, ...patch });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
	});

	it("a notice needs an app key", async ({ expect }) => {
		const { token } = await biddingAd();
		expect((await post("/v1/notice/win", { notice_token: token, price: 1 }, { key: null })).status).toBe(401);
	});
});
