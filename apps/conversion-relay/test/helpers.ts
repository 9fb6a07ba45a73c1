/**
 * Shared test helpers: requests to the relay, control of the fake Tencent endpoint, polling.
 * @module
 */
import { env, SELF } from "cloudflare:test";

/** The bearer token vitest.config.ts configures. */
export const TOKEN = "test-ingest-token";
/** An advertiser with a sign_key in the test SIGN_KEYS. */
export const ADVERTISER = "20345";
/** docs/conversion/form-api.md §5.7 test vectors. */
export const IMEI = "354649050046412";
export const IMEI_MUID = "b496ec1169770ea274a2b4f42ca4fb71";
export const IDFA = "1E2DFA89-496A-47FD-9941-DF1FC4E6484A";
export const IDFA_MUID = "40c7084b4845eebce9d07b8a18a055fc";

let counter = 0;
/**
 * A fresh appid, so tests sharing the ledger and the fake never see each other's rows.
 * @returns nine digits
 */
export function freshAppid(): string {
	counter++;
	return String(100_000_000 + Math.floor(Math.random() * 800_000_000) + counter);
}

/**
 * A fresh unique string.
 * @param prefix - readable prefix
 * @returns prefix plus a UUID
 */
export function unique(prefix: string): string {
	return `${prefix}-${crypto.randomUUID()}`;
}

/**
 * GET /click with the given query parameters.
 * @param params - query parameters
 * @param headers - extra headers
 * @returns the response
 */
export function sendClick(params: Record<string, string>, headers: Record<string, string> = {}) {
	const qs = new URLSearchParams(params).toString();
	return SELF.fetch(`https://relay.test/click?${qs}`, { headers });
}

/**
 * A valid click's parameters.
 * @param overrides - fields to change
 * @returns parameters for {@link sendClick}
 */
export function clickParams(overrides: Record<string, string> = {}): Record<string, string> {
	return {
		muid: IMEI_MUID,
		click_time: "1700000000",
		click_id: unique("clk"),
		appid: freshAppid(),
		advertiser_id: ADVERTISER,
		app_type: "android",
		...overrides,
	};
}

/**
 * POST /conversions.
 * @param body - JSON body (object or raw string)
 * @param token - bearer token, `null` for none
 * @returns the response
 */
export function postConversion(body: unknown, token: string | null = TOKEN) {
	const headers: Record<string, string> = { "content-type": "application/json" };
	if (token !== null) headers.authorization = `Bearer ${token}`;
	return SELF.fetch("https://relay.test/conversions", {
		method: "POST",
		headers,
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

/**
 * A valid conversion body.
 * @param overrides - fields to change (undefined removes one)
 * @returns the body
 */
export function conversionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	const body: Record<string, unknown> = {
		event_id: unique("evt"),
		appid: freshAppid(),
		advertiser_id: ADVERTISER,
		app_type: "ANDROID",
		conv_type: "MOBILEAPP_ACTIVITE",
		conv_time: 1_700_000_100,
		imei: IMEI,
		...overrides,
	};
	for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
	return body;
}

/**
 * GET with the bearer token.
 * @param path - e.g. `/stats`
 * @returns the response
 */
export function authedGet(path: string) {
	return SELF.fetch(`https://relay.test${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
}

/** A conversion as GET /conversions/:id returns it. */
export interface ConversionJson {
	id: string;
	status: string;
	click_id: string | null;
	attempts: number;
	fail_code: string | null;
	fail_reason: string | null;
	tencent_ret: number | null;
	attempt_log: { attempt: number; outcome: string; code: string | null; tencent_ret: number | null }[];
	[key: string]: unknown;
}

/**
 * Reads a conversion with its attempts.
 * @param id - conversion id
 * @returns the JSON
 */
export async function getConversionJson(id: string): Promise<ConversionJson> {
	const res = await authedGet(`/conversions/${id}`);
	if (res.status !== 200) throw new Error(`GET /conversions/${id}: ${res.status}`);
	return res.json();
}

/**
 * Polls the ledger until every conversion is delivered or failed, then reads them through the
 * API. One cheap query per poll keeps the poller from starving the queue consumer that shares
 * the isolate.
 * @param ids - conversion ids
 * @param timeoutMs - give up after this long
 * @returns the final records
 */
export async function waitForTerminal(ids: readonly string[], timeoutMs = 20_000): Promise<ConversionJson[]> {
	const deadline = Date.now() + timeoutMs;
	const list = JSON.stringify(ids);
	for (;;) {
		const open = await env.LEDGER.prepare(
			"SELECT COUNT(*) AS n FROM conversions WHERE id IN (SELECT value FROM json_each(?1)) AND status IN ('pending', 'sending')",
		)
			.bind(list)
			.first<number>("n");
		if (open === 0) break;
		if (Date.now() > deadline) {
			const rows = await Promise.all(ids.map(getConversionJson));
			const stuck = rows.filter((r) => r.status !== "delivered" && r.status !== "failed");
			throw new Error(`${open} not terminal after ${timeoutMs} ms: ${JSON.stringify(stuck.slice(0, 3))}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return Promise.all(ids.map(getConversionJson));
}

/** What the fake recorded for an app. */
export interface FakeReports {
	accepted: Record<string, string>[];
	rejected: { ret: number; msg: string; body: string }[];
	requests: number;
}

/**
 * Configures the fake for one app.
 * @param control - `{ appid, failRate?, seed?, faults?, script? }`
 */
export async function controlFake(control: Record<string, unknown>): Promise<void> {
	const res = await env.FAKE_TENCENT.fetch("https://fake/__control", {
		method: "POST",
		body: JSON.stringify(control),
	});
	if (!res.ok) throw new Error(`fake control: ${res.status}`);
}

/**
 * Reads what the fake received for one app.
 * @param appid - the app
 * @returns its records
 */
export async function fakeReports(appid: string): Promise<FakeReports> {
	const res = await env.FAKE_TENCENT.fetch(`https://fake/__reports?appid=${appid}`);
	return res.json();
}
