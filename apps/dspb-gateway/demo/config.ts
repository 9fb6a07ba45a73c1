/**
 * The gateway's local configuration, for `npm run dev`, the tests and the benchmark: the media and
 * placements the fake 优量汇 (fake-upstream/src/accounts.ts) knows, demo app keys, and the DEV ONLY
 * price key. Nothing here may be used in a deployed gateway.
 * @module
 */
import { DEV_PRICE_PUBLIC_KEY_SPKI_BASE64 } from "../fake-upstream/src/dev-keys.ts";

/** Demo app keys: `Authorization: Bearer <id>.<secret>`. */
export const DEMO_KEYS = {
	android: { id: "demo-android", secret: "demo-android-app-key-0001", appId: "1104241296", role: "app" },
	ios: { id: "demo-ios", secret: "demo-ios-app-key-00000001", appId: "1104238667", role: "app" },
	backend: { id: "demo-backend", secret: "demo-backend-key-00000001", appId: "1104241296", role: "backend" },
	signcheck: { id: "demo-signcheck", secret: "demo-signcheck-key-000001", appId: "1200000003", role: "app" },
	nosecret: { id: "demo-nosecret", secret: "demo-nosecret-key-0000001", appId: "1200000004", role: "app" },
} as const;

/**
 * The Authorization header of a demo key.
 * @param key - one of DEMO_KEYS
 * @returns the header value
 */
export function bearer(key: { id: string; secret: string }): string {
	return `Bearer ${key.id}.${key.secret}`;
}

/** The demo placements, by what they do (fake-upstream/src/accounts.ts `faultOf` for the 7… ids). */
export const DEMO_PLACEMENTS = {
	/** Android native, bidding: the guide's request example 1. */
	android: "8050018672826551",
	/** iOS rewarded video, bidding: the guide's request example 2. */
	ios: "7010037942894023",
	/** Always ret 102006 (no matching ad). */
	noFill: "7000000000102006",
	/** Always ret 107030 (bundle id does not match the placement). */
	ret107030: "7000000000107030",
	/** Always HTTP 503. */
	http503: "7100000000000503",
	/** HTTP 503 on the first attempt, ads on the retry. */
	flaky503: "7200000000000503",
	/** Ads after 1.5 s, longer than the 1 s timeout. */
	slow: "7300000000001500",
	/** An app whose sign secret the gateway has wrong: ret 107073. */
	badSign: "7400000000000003",
	/** An app the fake does not know: ret 107075. */
	unknownApp: "7400000000000004",
} as const;

const android = { bundle_id: "com.test.android", os: "android" } as const;
const faults = [
	DEMO_PLACEMENTS.noFill,
	DEMO_PLACEMENTS.ret107030,
	DEMO_PLACEMENTS.http503,
	DEMO_PLACEMENTS.flaky503,
	DEMO_PLACEMENTS.slow,
];

/**
 * Every gateway variable and secret for local use.
 * @param endpoint - where the fake 优量汇 listens
 * @returns env values by name
 */
export function demoGatewayEnv(endpoint: string): Record<string, string> {
	return {
		DSPB_ENDPOINT: endpoint,
		UPSTREAM_TIMEOUT_MS: "1000",
		MEDIA: JSON.stringify({
			"1104241296": {
				...android,
				placements: Object.fromEntries([DEMO_PLACEMENTS.android, ...faults].map((id) => [id, {}])),
			},
			"1104238667": {
				bundle_id: "com.test.ios",
				os: "ios",
				placements: { [DEMO_PLACEMENTS.ios]: { rewarded_video: true } },
			},
			"1200000003": {
				bundle_id: "com.test.signcheck",
				os: "android",
				placements: { [DEMO_PLACEMENTS.badSign]: {} },
			},
			"1200000004": {
				bundle_id: "com.test.unknown",
				os: "android",
				placements: { [DEMO_PLACEMENTS.unknownApp]: {} },
			},
		}),
		DSPB_PRICE_PADDING: "pkcs1",
		NOTICE_TTL_SECONDS: "3600",
		APP_KEYS: JSON.stringify(
			Object.fromEntries(
				Object.values(DEMO_KEYS).map((k) => [k.id, { secret: k.secret, app_id: k.appId, role: k.role }]),
			),
		),
		DSPB_SIGN_SECRETS: JSON.stringify({
			// The same secrets the fake verifies with, except 1200000003 (wrong on purpose) and
			// 1200000004 (an app the fake does not know).
			"1104241296": "LUqGS3BaEbe1O",
			"1104238667": "dev-ios-sign-secret-1104238667",
			"1200000003": "the-gateway-has-a-stale-secret",
			"1200000004": "no-one-issued-this",
		}),
		// DEV ONLY (fake-upstream/src/dev-keys.ts): the fake holds the matching private key.
		DSPB_PRICE_PUBLIC_KEY: DEV_PRICE_PUBLIC_KEY_SPKI_BASE64,
		NOTICE_SIGNING_KEY: "demo-notice-signing-key-for-local-use-only-0001",
	};
}

/** The names among demoGatewayEnv that wrangler.jsonc declares as secrets (they go to .dev.vars). */
export const SECRET_NAMES = [
	"APP_KEYS",
	"DSPB_SIGN_SECRETS",
	"DSPB_PRICE_PUBLIC_KEY",
	"NOTICE_SIGNING_KEY",
] as const;
