/**
 * The settings parser: defaults, and a field-named error for each malformed variable.
 * @module
 */
import { describe, it } from "vitest";
import { demoGatewayEnv } from "../demo/config.ts";
import { isGatewayError } from "../src/errors.ts";
import { parseSettings, type RawSettings } from "../src/settings.ts";

const demo = (): RawSettings => demoGatewayEnv("https://mi.gdt.qq.com/api/v3");

function fieldOf(raw: RawSettings): string | undefined {
	try {
		parseSettings(raw);
	} catch (e) {
		if (isGatewayError(e) && e.code === "NOT_CONFIGURED" && e.status === 500) return e.field;
		throw e;
	}
	return undefined;
}

describe("parseSettings", () => {
	it("reads the demo configuration", ({ expect }) => {
		const s = parseSettings(demo());
		expect(s.endpoint).toBe("https://mi.gdt.qq.com/api/v3");
		expect(s.placements.get("8050018672826551")).toEqual({
			posId: "8050018672826551",
			appId: "1104241296",
			bundleId: "com.test.android",
			os: "android",
			rewardedVideo: false,
		});
		expect(s.placements.get("7010037942894023")?.rewardedVideo).toBe(true);
		expect(s.appKeys.get("demo-backend")?.role).toBe("backend");
		expect(s.signSecrets.get("1104241296")).toBe("LUqGS3BaEbe1O");
		expect(s.pricePadding).toBe("pkcs1");
	});

	it("defaults: 1 s upstream timeout (docs/dspb/protocol.md 超时时间), the real endpoint, 1 h notice tokens", ({
		expect,
	}) => {
		const s = parseSettings({
			...demo(),
			UPSTREAM_TIMEOUT_MS: "",
			DSPB_ENDPOINT: "",
			NOTICE_TTL_SECONDS: undefined,
		});
		expect(s.timeoutMs).toBe(1000);
		expect(s.endpoint).toBe("https://mi.gdt.qq.com/api/v3");
		expect(s.noticeTtlSeconds).toBe(3600);
		expect(parseSettings({ ...demo(), DSPB_PRICE_PUBLIC_KEY: "" }).pricePublicKey).toBeUndefined();
	});

	const media = (value: unknown) => JSON.stringify(value);
	it.for([
		["DSPB_ENDPOINT", { DSPB_ENDPOINT: "not a url" }],
		["DSPB_ENDPOINT", { DSPB_ENDPOINT: "ftp://x/api" }],
		["UPSTREAM_TIMEOUT_MS", { UPSTREAM_TIMEOUT_MS: "0" }],
		["UPSTREAM_TIMEOUT_MS", { UPSTREAM_TIMEOUT_MS: "1.5" }],
		["MEDIA", { MEDIA: "" }],
		["MEDIA", { MEDIA: "{" }],
		["MEDIA", { MEDIA: "{}" }],
		["MEDIA", { MEDIA: media({ app: {} }) }],
		["MEDIA.1104241296", { MEDIA: media({ "1104241296": { os: "android", placements: {} } }) }],
		["MEDIA.1104241296", { MEDIA: media({ "1104241296": { bundle_id: "x", os: "web", placements: {} } }) }],
		["MEDIA.1104241296.placements", { MEDIA: media({ "1104241296": { bundle_id: "x", os: "ios" } }) }],
		[
			"MEDIA.1104241296.placements",
			{ MEDIA: media({ "1104241296": { bundle_id: "x", os: "ios", placements: { p1: {} } } }) },
		],
		[
			"MEDIA.1104241296.placements.1",
			{
				MEDIA: media({
					"1104241296": { bundle_id: "x", os: "ios", placements: { "1": { rewarded_video: "yes" } } },
				}),
			},
		],
		[
			"DSPB_SIGN_SECRETS",
			{ MEDIA: media({ "999": { bundle_id: "x", os: "ios", placements: { "1": {} } } }) },
		],
		["DSPB_SIGN_SECRETS", { DSPB_SIGN_SECRETS: '{"1104241296": ""}' }],
		["APP_KEYS", { APP_KEYS: "{}" }],
		[
			"APP_KEYS",
			{ APP_KEYS: media({ "bad id!": { secret: "s".repeat(20), app_id: "1104241296", role: "app" } }) },
		],
		["APP_KEYS.k", { APP_KEYS: media({ k: { secret: "short", app_id: "1104241296", role: "app" } }) }],
		["APP_KEYS.k", { APP_KEYS: media({ k: { secret: "s".repeat(20), app_id: "42", role: "app" } }) }],
		[
			"APP_KEYS.k",
			{ APP_KEYS: media({ k: { secret: "s".repeat(20), app_id: "1104241296", role: "admin" } }) },
		],
		["DSPB_PRICE_PUBLIC_KEY", { DSPB_PRICE_PUBLIC_KEY: "not a key" }],
		["DSPB_PRICE_PADDING", { DSPB_PRICE_PADDING: "none" }],
		["NOTICE_SIGNING_KEY", { NOTICE_SIGNING_KEY: "too-short" }],
		["NOTICE_TTL_SECONDS", { NOTICE_TTL_SECONDS: "10" }],
	] as const)("names %s", ([field, patch], { expect }) => {
		expect(fieldOf({ ...demo(), ...patch })).toBe(field);
	});
});
