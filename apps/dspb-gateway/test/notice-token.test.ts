import { describe, it } from "vitest";
import { issueNoticeToken, redeemNoticeToken } from "../src/domain/notice-token.ts";
import { isGatewayError } from "../src/errors.ts";

const KEY = "k".repeat(40);
const claims = {
	keyId: "demo-android",
	posId: "8050018672826551",
	adId: "880000001",
	winUrl: "https://mi.gdt.qq.com/win?price=__AUCTION_PRICE__",
	lossUrl: undefined,
	expiresAt: 2_000_000_000,
};

async function refusal(
	token: unknown,
	keyId = "demo-android",
	now = 1_900_000_000,
	key = KEY,
): Promise<string> {
	try {
		await redeemNoticeToken(key, token, keyId, now);
	} catch (e) {
		if (isGatewayError(e) && e.field === "notice_token") return e.message;
		throw e;
	}
	return "accepted";
}

describe("notice tokens", () => {
	it("round-trip their claims", async ({ expect }) => {
		const token = await issueNoticeToken(KEY, claims);
		expect(await redeemNoticeToken(KEY, token, "demo-android", 1_900_000_000)).toEqual(claims);
	});

	it("are refused when expired, foreign, signed with another key or tampered with", async ({ expect }) => {
		const token = await issueNoticeToken(KEY, claims);
		expect(await refusal(token, "demo-android", 2_000_000_001)).toContain("expired");
		expect(await refusal(token, "demo-ios")).toContain("another app key");
		expect(await refusal(token, "demo-android", 1_900_000_000, "z".repeat(40))).toContain("not signed");
		const [payload, mac] = token.split(".");
		expect(await refusal(`${payload}x.${mac}`)).toContain("not signed");
		expect(await refusal(`${payload}.${"0".repeat(64)}`)).toContain("not signed");
		expect(await refusal(token.toUpperCase())).toContain("must be the token");
	});
});
