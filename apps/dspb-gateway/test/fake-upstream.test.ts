/**
 * The fake 优量汇 on its own (through FAKE_DSPB): it must refuse what the real one refuses, or the
 * gateway's tests would prove nothing. Requests are signed here by hand, so the gateway's own
 * request building (and its iOS model mapping) is not in the way.
 * @module
 */
import { env } from "cloudflare:test";
import { signDspbRequest } from "@txad/signing";
import { describe, it } from "vitest";

const SECRET = "LUqGS3BaEbe1O";
const MEDIA_ANDROID = '{"app_id":"1104241296","app_bundle_id":"com.test.android"}';
const MEDIA_IOS = '{"app_id":"1104238667","app_bundle_id":"com.test.ios"}';
const NETWORK = '{"connect_type":1,"carrier":3,"ip":"14.17.22.35","ua":"Mozilla/5.0"}';

async function ask(
	parts: { pos: string; media: string; device: string; network?: string },
	secret = SECRET,
	sign = true,
) {
	const texts = { network: NETWORK, ...parts, time_stamp: "1700000000123" };
	const q = new URLSearchParams({ api_version: "3.0", ...texts });
	if (sign) q.set("sign", await signDspbRequest(secret, texts));
	const res = await env.FAKE_DSPB.fetch(`https://mi.gdt.qq.com/api/v3?${q}`);
	return (await res.json()) as { ret: number; msg: string; data: Record<string, { list: unknown[] }> };
}

const androidPos = '{"id":8050018672826551,"ad_count":3}';
const androidDevice =
	'{"os":"android","os_version":"13.0","model":"X","manufacturer":"Y","device_type":1,"oaid":"o"}';
const iosPos = '{"id":7010037942894023,"ad_count":3}';
const iosSecret = "dev-ios-sign-secret-1104238667";

describe("the fake 优量汇 checks like the real one", () => {
	it("answers ads to a valid, signed request", async ({ expect }) => {
		const answer = await ask({ pos: androidPos, media: MEDIA_ANDROID, device: androidDevice });
		expect(answer.ret).toBe(0);
		expect(answer.data["8050018672826551"]?.list.length).toBeGreaterThan(0);
	});

	it.for([
		{
			name: "no sign",
			ret: 107074,
			parts: { pos: androidPos, media: MEDIA_ANDROID, device: androidDevice },
			secret: SECRET,
			sign: false,
		},
		{
			name: "a wrong secret",
			ret: 107073,
			parts: { pos: androidPos, media: MEDIA_ANDROID, device: androidDevice },
			secret: "other",
			sign: true,
		},
		{
			name: "an unknown app",
			ret: 107075,
			parts: { pos: androidPos, media: '{"app_id":"1","app_bundle_id":"x"}', device: androidDevice },
			secret: SECRET,
			sign: true,
		},
		{
			name: "Android without manufacturer",
			ret: 107031,
			parts: {
				pos: androidPos,
				media: MEDIA_ANDROID,
				device: '{"os":"android","os_version":"13.0","model":"X","device_type":1,"oaid":"o"}',
			},
			secret: SECRET,
			sign: true,
		},
		{
			name: "Android without a device id",
			ret: 107007,
			parts: {
				pos: androidPos,
				media: MEDIA_ANDROID,
				device: '{"os":"android","os_version":"13.0","model":"X","manufacturer":"Y","device_type":1}',
			},
			secret: SECRET,
			sign: true,
		},
		{
			name: "a one-part os_version",
			ret: 107024,
			parts: { pos: androidPos, media: MEDIA_ANDROID, device: androidDevice.replace('"13.0"', '"13"') },
			secret: SECRET,
			sign: true,
		},
		{
			name: "iOS with a raw appendix model (iPhone6,1)",
			ret: 107016,
			parts: {
				pos: iosPos,
				media: MEDIA_IOS,
				device: '{"os":"ios","os_version":"17.4","model":"iPhone6,1","device_type":1,"idfa":"I"}',
			},
			secret: iosSecret,
			sign: true,
		},
		{
			name: "iOS without idfa or the ten fields",
			ret: 107007,
			parts: {
				pos: iosPos,
				media: MEDIA_IOS,
				device: '{"os":"ios","os_version":"17.4","model":"iPhone 5s","device_type":1}',
			},
			secret: iosSecret,
			sign: true,
		},
		{
			name: "an iOS device on the Android app",
			ret: 107011,
			parts: {
				pos: androidPos,
				media: MEDIA_ANDROID,
				device: '{"os":"ios","os_version":"17.4","model":"iPhone 5s","device_type":1,"idfa":"I"}',
			},
			secret: SECRET,
			sign: true,
		},
		{
			name: "another app's placement",
			ret: 107005,
			parts: { pos: iosPos, media: MEDIA_ANDROID, device: androidDevice },
			secret: SECRET,
			sign: true,
		},
		{
			name: "ad_count 11",
			ret: 107004,
			parts: { pos: '{"id":8050018672826551,"ad_count":11}', media: MEDIA_ANDROID, device: androidDevice },
			secret: SECRET,
			sign: true,
		},
		{
			name: "an unknown placement",
			ret: 100133,
			parts: { pos: '{"id":123,"ad_count":1}', media: MEDIA_ANDROID, device: androidDevice },
			secret: SECRET,
			sign: true,
		},
		{
			name: "a ua without Mozilla or Dalvik",
			ret: 107062,
			parts: {
				pos: androidPos,
				media: MEDIA_ANDROID,
				device: androidDevice,
				network: '{"connect_type":1,"carrier":3,"ip":"14.17.22.35","ua":"okhttp"}',
			},
			secret: SECRET,
			sign: true,
		},
	])("$name → ret $ret", async ({ ret, parts, secret, sign }, { expect }) => {
		expect((await ask(parts, secret, sign)).ret).toBe(ret);
	});
});
