/**
 * Shared test helpers: requests to the relay, control of the fake Tencent endpoints, polling.
 * @module
 */
import { createExecutionContext, env, SELF } from "cloudflare:test";
import worker from "../src/index.ts";
import { type ConversionRow, insertConversion } from "../src/ledger.ts";

/** The bearer token vitest.config.ts configures. */
export const TOKEN = "test-ingest-token";
/** The click URL token vitest.config.ts configures. */
export const CLICK_TOKEN = "test-click-token";
/** An advertiser with a sign_key in the test SIGN_KEYS and no Marketing API token (form API). */
export const ADVERTISER = "20345";
/** Marketing API accounts of vitest.config.ts. */
export const DIRECT_ACCOUNT = "50001";
export const SHA_ACCOUNT = "50002";
export const CALLBACK_ACCOUNT = "50003";
export const OAUTH_ACCOUNT = "60001";
export const LIMITED_ACCOUNT = "70001";
export const REJECTED_ACCOUNT = "80001";
/** docs/conversion/form-api.md §5.7 test vectors. */
export const IMEI = "354649050046412";
export const IMEI_MUID = "b496ec1169770ea274a2b4f42ca4fb71";
export const IDFA = "1E2DFA89-496A-47FD-9941-DF1FC4E6484A";
export const IDFA_MUID = "40c7084b4845eebce9d07b8a18a055fc";

/**
 * The current Unix time in seconds (conversions must fall inside the attribution window).
 * @returns seconds
 */
export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

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
 * GET /click with the given query parameters (the click token added unless given).
 * @param params - query parameters
 * @param headers - extra headers
 * @returns the response
 */
export function sendClick(params: Record<string, string>, headers: Record<string, string> = {}) {
	const qs = new URLSearchParams({ token: CLICK_TOKEN, ...params }).toString();
	return SELF.fetch(`https://relay.test/click?${qs}`, { headers });
}

/**
 * A valid click's parameters (a minute ago).
 * @param overrides - fields to change
 * @returns parameters for {@link sendClick}
 */
export function clickParams(overrides: Record<string, string> = {}): Record<string, string> {
	return {
		muid: IMEI_MUID,
		click_time: String(nowSeconds() - 60),
		click_id: unique("clk"),
		appid: freshAppid(),
		advertiser_id: ADVERTISER,
		app_type: "android",
		...overrides,
	};
}

/**
 * A callback URL as Tencent would put in `__CALLBACK__` (docs/conversion/marketing-api-v3.md
 * "Callback mode"), on the allowed origin.
 * @param param - `conv_id` or `link_id` (mini-games)
 * @returns the decoded URL
 */
export function callbackUrl(param: "conv_id" | "link_id" = "conv_id"): string {
	return `https://api.e.qq.com/v3.0/user_actions/add?cb=${crypto.randomUUID().replaceAll("-", "")}&${param}=${Math.floor(Math.random() * 1e9)}`;
}

/**
 * Sends a click and checks that it was stored.
 * @param params - click parameters (merged over {@link clickParams})
 * @returns the click_id
 */
export async function storeClick(params: Record<string, string> = {}): Promise<string> {
	const full = clickParams(params);
	const res = await sendClick(full);
	const body = await res.json<{ ret: number; msg: string }>();
	if (body.ret !== 0) throw new Error(`click refused: ${JSON.stringify(body)}`);
	return full.click_id as string;
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
 * Sends a request through the Worker with some env values changed (the settings are read from
 * the env it is given).
 * @param request - the request
 * @param overrides - env values to change
 * @returns the response
 */
export async function fetchWithEnv(request: Request, overrides: Partial<Env>): Promise<Response> {
	return (await worker.fetch(request, { ...env, ...overrides }, createExecutionContext())) as Response;
}

/**
 * A valid conversion body (a few seconds ago).
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
		conv_time: nowSeconds() - 5,
		imei: IMEI,
		...overrides,
	};
	for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
	return body;
}

/**
 * Sends a click for the body's device and app, then posts the conversion (attributed).
 * @param overrides - conversion fields
 * @param click - click parameters to change (e.g. a callback)
 * @returns the conversion's id, appid and click_id
 */
export async function createAttributed(
	overrides: Record<string, unknown> = {},
	click: Record<string, string> = {},
): Promise<{ id: string; appid: string; clickId: string; body: Record<string, unknown> }> {
	const body = conversionBody(overrides);
	const clickId = await storeClick({
		appid: String(body.appid),
		advertiser_id: String(body.advertiser_id),
		app_type: String(body.app_type).toLowerCase(),
		muid:
			typeof body.muid === "string"
				? body.muid.toLowerCase()
				: body.idfa !== undefined
					? IDFA_MUID
					: IMEI_MUID,
		click_time: String(Number(body.conv_time) - 30),
		...click,
	});
	const res = await postConversion(body);
	if (res.status !== 202) throw new Error(`POST /conversions: ${res.status} ${await res.text()}`);
	const json = await res.json<{ id: string; click_id: string }>();
	if (json.click_id !== clickId) throw new Error(`not attributed: ${JSON.stringify(json)}`);
	return { id: json.id, appid: String(body.appid), clickId, body };
}

/**
 * GET with the bearer token.
 * @param path - e.g. `/stats`
 * @returns the response
 */
export function authedGet(path: string) {
	return SELF.fetch(`https://relay.test${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
}

/** An attempt as GET /conversions/:id returns it. */
export interface AttemptJson {
	attempt: number;
	outcome: string;
	code: string | null;
	tencent_ret: number | null;
	tencent_msg: string | null;
	detail: string | null;
	call_id: string | null;
	prior_call_id: string | null;
	trace_id: string | null;
	actions_in_call: number | null;
	http_status: number | null;
}

/** A conversion as GET /conversions/:id returns it. */
export interface ConversionJson {
	id: string;
	event_id: string;
	status: string;
	upstream: string;
	click_id: string | null;
	attempts: number;
	fail_code: string | null;
	fail_reason: string | null;
	tencent_ret: number | null;
	attempt_log: AttemptJson[];
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
 * Polls the ledger until every conversion is delivered, failed or unattributed, then reads them
 * through the API. One cheap query per poll keeps the poller from starving the queue consumer that
 * shares the isolate.
 * @param ids - conversion ids
 * @param timeoutMs - give up after this long
 * @returns the final records
 */
export async function waitForTerminal(ids: readonly string[], timeoutMs = 20_000): Promise<ConversionJson[]> {
	const deadline = Date.now() + timeoutMs;
	const list = JSON.stringify(ids);
	for (;;) {
		const open = await env.LEDGER.prepare(
			"SELECT COUNT(*) AS n FROM conversions WHERE id IN (SELECT value FROM json_each(?1)) AND status IN ('pending', 'sending', 'waiting_click')",
		)
			.bind(list)
			.first<number>("n");
		if (open === 0) break;
		if (Date.now() > deadline) {
			const rows = await Promise.all(ids.map(getConversionJson));
			const stuck = rows.filter((r) => !["delivered", "failed", "unattributed"].includes(r.status));
			throw new Error(`${open} not terminal after ${timeoutMs} ms: ${JSON.stringify(stuck.slice(0, 3))}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return Promise.all(ids.map(getConversionJson));
}

/** What the fake recorded for an app (form API). */
export interface FakeReports {
	accepted: Record<string, string>[];
	rejected: { ret: number; msg: string; body: string }[];
	requests: number;
}

/**
 * Configures the fake's form API for one app.
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
 * Reads what the fake's form API received for one app.
 * @param appid - the app
 * @returns its records
 */
export async function fakeReports(appid: string): Promise<FakeReports> {
	const res = await env.FAKE_TENCENT.fetch(`https://fake/__reports?appid=${appid}`);
	return res.json();
}

/** An action the fake's Marketing API accepted. */
export interface AcceptedAction {
	mode: "direct" | "callback";
	set: string;
	nonce: string;
	action: {
		outer_action_id: string;
		action_time: number;
		action_type: string;
		custom_action?: string;
		user_id?: Record<string, string>;
		trace?: { click_id: string };
		action_param?: { value: number };
	};
}

/** What the fake's Marketing API recorded for an account. */
export interface FakeActions {
	accepted: AcceptedAction[];
	duplicates: number;
	calls: {
		nonce: string | null;
		mode: string;
		actions: number;
		bytes: number;
		code: number | string | null;
	}[];
	refused: { nonce: string; invalid: number[] }[];
}

/**
 * Configures the fake's Marketing API for one account.
 * @param control - `{ account_id, reset?, script?, failRate?, seed?, faults?, callsPerMinute?, poison?, poisonMode?, accessTtlSeconds?, oauthDelayMs?, expireTokens? }`
 */
export async function controlV3(control: Record<string, unknown>): Promise<void> {
	const res = await env.FAKE_TENCENT.fetch("https://fake/__v3/control", {
		method: "POST",
		body: JSON.stringify(control),
	});
	if (!res.ok) throw new Error(`fake v3 control: ${res.status}`);
}

/**
 * Reads what the fake's Marketing API received for one account.
 * @param accountId - the account
 * @returns its records
 */
export async function fakeActions(accountId: string): Promise<FakeActions> {
	const res = await env.FAKE_TENCENT.fetch(`https://fake/__v3/actions?account_id=${accountId}`);
	return res.json();
}

/**
 * Reads the fake's OAuth counters for one account.
 * @param accountId - the account
 * @returns grants so far
 */
export async function fakeOAuth(accountId: string): Promise<{ authorizations: number; refreshes: number }> {
	const res = await env.FAKE_TENCENT.fetch(`https://fake/__v3/oauth?account_id=${accountId}`);
	return res.json();
}

/**
 * Installs an OAuth pair for the test OAuth account through the relay's API (an authorization_code
 * exchanged with the fake).
 * @returns the API's answer
 */
export async function authorizeOAuthAccount(): Promise<Response> {
	return SELF.fetch(`https://relay.test/tokens/${OAUTH_ACCOUNT}`, {
		method: "POST",
		headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
		body: JSON.stringify({
			authorization_code: unique("code"),
			redirect_uri: "https://relay.example.com/oauth",
		}),
	});
}

/**
 * A stored conversion row with defaults.
 * @param overrides - columns to change
 * @returns the row
 */
export function storedRow(overrides: Partial<ConversionRow>): ConversionRow {
	return {
		id: crypto.randomUUID(),
		event_id: unique("evt"),
		fingerprint: "f",
		appid: freshAppid(),
		advertiser_id: "20345",
		app_type: "ANDROID",
		conv_type: "MOBILEAPP_ACTIVITE",
		action_type: "ACTIVATE_APP",
		custom_action: null,
		conv_time: nowSeconds() - 10,
		client_ip: "",
		value: null,
		muid: IMEI_MUID,
		device_kind: "muid",
		user_id: JSON.stringify({ hash_imei: IMEI_MUID }),
		click_id: null,
		click_time: null,
		callback_url: null,
		upstream: "gdt-form-v1",
		status: "pending",
		hold_until: null,
		attempts: 0,
		budget_base: 0,
		uncounted_attempts: 0,
		lease_token: null,
		lease_until: null,
		next_attempt_at: null,
		enqueued_at: null,
		fail_code: null,
		fail_reason: null,
		tencent_ret: null,
		created_at: 0,
		updated_at: 0,
		delivered_at: null,
		...overrides,
	};
}

/**
 * Stores a pending conversion without enqueueing it, so only the test's own batches touch it.
 * @param overrides - columns to change
 * @returns the stored row
 */
export async function storeUnqueued(overrides: Partial<ConversionRow> = {}): Promise<ConversionRow> {
	const row = storedRow(overrides);
	await insertConversion(env.LEDGER, row, Date.now());
	return row;
}

/**
 * Leaves a conversion as a consumer killed mid-request leaves it: `sending` under a lease that has
 * run out, its first attempt `in_flight` (written, or rewound if it had finished).
 * @param id - conversion id
 */
export async function leaveAsKilled(id: string): Promise<void> {
	await env.LEDGER.batch([
		env.LEDGER.prepare(
			`UPDATE conversions SET status = 'sending', attempts = 1, lease_token = 'killed', lease_until = ?2,
			   delivered_at = NULL WHERE id = ?1`,
		).bind(id, Date.now() - 1000),
		env.LEDGER.prepare(
			`INSERT INTO delivery_attempts (conversion_id, attempt, upstream, started_at, outcome)
			 SELECT id, 1, upstream, 0, 'in_flight' FROM conversions WHERE id = ?1
			 ON CONFLICT (conversion_id, attempt) DO UPDATE SET outcome = 'in_flight', duration_ms = NULL`,
		).bind(id),
	]);
}
