/**
 * What the fake 优量汇 knows, as the real one knows it from the publisher's registration: media
 * apps with their bundle id, OS and sign secret (docs/dspb/protocol.md 请求校验字段: "由优量汇提供"), the
 * placements of each app, and the fault placements that answer on demand. Local data only.
 * @module
 */

/** A media app (媒体) registered with the fake. */
export interface FakeApp {
	readonly appId: string;
	readonly bundleId: string;
	readonly os: "android" | "ios";
	/** The `sign` secret the fake verifies with. */
	readonly signSecret: string;
}

/** A placement (广告位) registered with the fake. */
export interface FakePlacement {
	readonly posId: string;
	readonly appId: string;
	/** 实时竞价: ads carry `ecpm`, `win_notice_url` and `loss_notice_url`. */
	readonly bidding: boolean;
}

/** The demo apps: the guide's two request examples, plus one app whose secret the gateway gets wrong. */
export const FAKE_APPS: readonly FakeApp[] = [
	// docs/dspb/protocol.md 请求示例 1 (Android native) with the guide's sign example secret.
	{ appId: "1104241296", bundleId: "com.test.android", os: "android", signSecret: "LUqGS3BaEbe1O" },
	// docs/dspb/protocol.md 请求示例 2 (iOS rewarded video).
	{ appId: "1104238667", bundleId: "com.test.ios", os: "ios", signSecret: "dev-ios-sign-secret-1104238667" },
	// The gateway's demo config holds a different secret for this app: every request gets 107073.
	{
		appId: "1200000003",
		bundleId: "com.test.signcheck",
		os: "android",
		signSecret: "only-the-fake-knows-this",
	},
];

/** The demo placements. */
export const FAKE_PLACEMENTS: readonly FakePlacement[] = [
	{ posId: "8050018672826551", appId: "1104241296", bidding: true },
	{ posId: "7010037942894023", appId: "1104238667", bidding: true },
	{ posId: "7400000000000003", appId: "1200000003", bidding: false },
];

/** What a fault placement does instead of (or before) answering normally. */
export type Fault =
	/** Answers this `ret` (with the guide's meaning as `msg`) to every valid request. */
	| { readonly kind: "ret"; readonly ret: number }
	/** Answers this HTTP status to every request. */
	| { readonly kind: "http"; readonly status: number }
	/** Answers this HTTP status to the first attempt of each request, then normally. */
	| { readonly kind: "http_once"; readonly status: number }
	/** Waits this long, then answers normally. */
	| { readonly kind: "delay"; readonly ms: number };

/**
 * Fault placements, by id pattern (16 digits, below 2^53 so no JSON reader rounds them). They
 * accept requests of any registered app and OS:
 *
 * - `7000000000RRRRRR`: ret RRRRRR, e.g. 7000000000102006 always answers 102006 (no ad);
 * - `7100000000000SSS`: HTTP SSS every time, e.g. 7100000000000503;
 * - `7200000000000SSS`: HTTP SSS on the first attempt, then ads, e.g. 7200000000000503;
 * - `73000000000DDDDD`: ads after DDDDD ms, e.g. 7300000000001500.
 * @param posId - the requested pos.id as digits
 * @returns the fault, or undefined for an ordinary placement id
 */
export function faultOf(posId: string): Fault | undefined {
	let m = /^7000000000([0-9]{6})$/.exec(posId);
	if (m) return { kind: "ret", ret: Number(m[1]) };
	m = /^7100000000000([1-5][0-9]{2})$/.exec(posId);
	if (m) return { kind: "http", status: Number(m[1]) };
	m = /^7200000000000([1-5][0-9]{2})$/.exec(posId);
	if (m) return { kind: "http_once", status: Number(m[1]) };
	m = /^73000000000([0-9]{5})$/.exec(posId);
	if (m) return { kind: "delay", ms: Number(m[1]) };
	return undefined;
}

/**
 * The app registered under an app id.
 * @param appId - media.app_id
 * @returns the app, or undefined
 */
export function findApp(appId: string): FakeApp | undefined {
	return FAKE_APPS.find((a) => a.appId === appId);
}

/**
 * The placement registered under a pos id.
 * @param posId - pos.id as digits
 * @returns the placement, or undefined
 */
export function findPlacement(posId: string): FakePlacement | undefined {
	return FAKE_PLACEMENTS.find((p) => p.posId === posId);
}
