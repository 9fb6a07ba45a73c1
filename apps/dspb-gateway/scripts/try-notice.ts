/**
 * The whole loop against `npm run dev`: ask the gateway for one ad, report a win at the ad's
 * ecpm, and read the notice as the fake 优量汇 received it, price decrypted with the DEV ONLY key.
 *
 *   npx tsx apps/dspb-gateway/scripts/try-notice.ts
 * @module
 */
import { bearer, DEMO_KEYS, DEMO_PLACEMENTS } from "../demo/config.ts";

const gateway = `http://127.0.0.1:${process.env.TXAD_DSPB_GATEWAY_PORT ?? 8791}`;
const fake = `http://127.0.0.1:${process.env.TXAD_DSPB_FAKE_PORT ?? 8792}`;
const headers = { authorization: bearer(DEMO_KEYS.android), "content-type": "application/json" };

const adsRes = await fetch(`${gateway}/v1/ads`, {
	method: "POST",
	headers,
	body: JSON.stringify({
		placement: { id: DEMO_PLACEMENTS.android, ad_count: 1 },
		device: {
			os: "android",
			os_version: "13.0",
			model: "23049RAD8C",
			manufacturer: "Xiaomi",
			device_type: 1,
			oaid: crypto.randomUUID(),
		},
		network: { connect_type: 1, carrier: 3, ua: "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36" },
	}),
});
const answer = (await adsRes.json()) as {
	ads?: Array<{ ad_id: string; title: string; ecpm: number; notice_token: string }>;
};
const ad = answer.ads?.[0];
if (adsRes.status !== 200 || ad === undefined)
	throw new Error(`POST /v1/ads answered ${adsRes.status}: ${JSON.stringify(answer)}`);
console.log(`1. POST /v1/ads → ad ${ad.ad_id} "${ad.title}", ecpm ${ad.ecpm} 分`);

const winRes = await fetch(`${gateway}/v1/notice/win`, {
	method: "POST",
	headers,
	body: JSON.stringify({ notice_token: ad.notice_token, price: ad.ecpm }),
});
console.log(`2. POST /v1/notice/win → ${winRes.status} ${await winRes.text()}`);

for (let i = 0; i < 50; i++) {
	const notices = (await (await fetch(`${fake}/__notices?ad=${ad.ad_id}`)).json()) as Array<
		Record<string, unknown>
	>;
	const notice = notices[0];
	if (notice !== undefined) {
		console.log(
			`3. the fake 优量汇 got the win notice: price ${notice.price_fen} 分 (decrypted, ${notice.price_padding}), encrypted as ${String(notice.encrypted_price).slice(0, 24)}…`,
		);
		process.exit(0);
	}
	await new Promise((r) => setTimeout(r, 100));
}
throw new Error("the notice did not reach the fake within 5 s");
