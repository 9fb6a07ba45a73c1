/**
 * POST /conversions: validation, device and user ids, attribution (window edges, the account and
 * app-type cross-check), the late-click hold, the choice of upstream format, idempotency by
 * event_id, the byte-counted body limit, auth; GET /conversions/:id, GET /conversions, GET /stats.
 * @module
 */
import { env, SELF } from "cloudflare:test";
import { describe, it } from "vitest";
import { sweep } from "../src/sweeper.ts";
import {
	ADVERTISER,
	authedGet,
	CALLBACK_ACCOUNT,
	callbackUrl,
	clickParams,
	conversionBody,
	DIRECT_ACCOUNT,
	fetchWithEnv,
	freshAppid,
	IDFA,
	IDFA_MUID,
	IMEI_MUID,
	nowSeconds,
	postConversion,
	sendClick,
	storeClick,
	TOKEN,
	unique,
	waitForTerminal,
} from "./helpers.ts";

const WEEK = 7 * 24 * 3600;

async function click(appid: string, muid: string, clickTime: number, clickId = unique("clk")) {
	return storeClick({ appid, muid, click_time: String(clickTime), click_id: clickId });
}

function postWithEnv(body: unknown, overrides: Partial<Env>) {
	return fetchWithEnv(
		new Request("https://relay.test/conversions", {
			method: "POST",
			headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
			body: JSON.stringify(body),
		}),
		overrides,
	);
}

describe("POST /conversions", () => {
	it("hashes the device, attributes to the latest earlier click and answers 202", async ({ expect }) => {
		const appid = freshAppid();
		const convTime = nowSeconds() - 100;
		await click(appid, IMEI_MUID, convTime - 100, unique("older"));
		const latest = await click(appid, IMEI_MUID, convTime - 50);
		await click(appid, IMEI_MUID, convTime + 1); // after conv_time: not eligible
		await click(freshAppid(), IMEI_MUID, convTime - 10); // other app: not eligible
		const res = await postConversion(conversionBody({ appid, conv_time: convTime }));
		expect(res.status).toBe(202);
		const body = await res.json<Record<string, unknown>>();
		expect(body).toMatchObject({
			status: "pending",
			click_id: latest,
			muid: IMEI_MUID,
			device_kind: "imei",
			user_id: { hash_imei: IMEI_MUID },
			action_type: "ACTIVATE_APP",
			upstream: "gdt-form-v1",
			duplicate: false,
		});
		expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("hashes an IDFA upper-cased (docs/conversion/form-api.md §5.7)", async ({ expect }) => {
		const appid = freshAppid();
		await storeClick({ appid, muid: IDFA_MUID, app_type: "ios" });
		const res = await postConversion(
			conversionBody({ appid, app_type: "ios", imei: undefined, idfa: IDFA.toLowerCase() }),
		);
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({
			muid: IDFA_MUID,
			app_type: "IOS",
			device_kind: "idfa",
			user_id: { hash_idfa: IDFA_MUID },
		});
	});

	it("accepts a muid as given, normalized to lower case", async ({ expect }) => {
		const res = await postConversion(conversionBody({ imei: undefined, muid: IMEI_MUID.toUpperCase() }));
		expect(await res.json()).toMatchObject({ muid: IMEI_MUID, device_kind: "muid" });
	});

	const edges: [string, number, boolean][] = [
		["click at conv_time", 0, true],
		["click exactly one window before", WEEK, true],
		["click one second outside the window", WEEK + 1, false],
		["click one second after conv_time", -1, false],
	];
	it.for(edges)("attribution window edge: %s", async ([, secondsBefore, matches], { expect }) => {
		const appid = freshAppid();
		const convTime = nowSeconds() - 10;
		const clickId = await click(appid, IMEI_MUID, convTime - secondsBefore);
		const res = await postConversion(conversionBody({ appid, conv_time: convTime }));
		expect((await res.json<{ click_id: string | null }>()).click_id).toBe(matches ? clickId : null);
	});

	it("cross-checks the click's advertiser_id and app_type", async ({ expect }) => {
		const appid = freshAppid();
		await storeClick({ appid, advertiser_id: "30001" });
		await storeClick({ appid, app_type: "unionandroid" });
		const res = await postConversion(conversionBody({ appid }));
		expect(await res.json()).toMatchObject({ click_id: null, status: "waiting_click" });
		const matching = await storeClick({ appid });
		const union = await postConversion(conversionBody({ appid, app_type: "UNIONANDROID" }));
		expect(await union.json()).toMatchObject({ click_id: expect.any(String), status: "pending" });
		const android = await postConversion(conversionBody({ appid }));
		expect(await android.json()).toMatchObject({ click_id: matching });
	});

	it("never attributes to a click whose muid is a placeholder", async ({ expect }) => {
		const appid = freshAppid();
		// The relay refuses placeholder devices on conversions, so this checks the click side:
		// a click stored with a placeholder muid is never a candidate, even for its own muid.
		const placeholder = "d41d8cd98f00b204e9800998ecf8427e";
		await click(appid, placeholder, nowSeconds() - 60);
		const res = await postConversion(conversionBody({ appid, imei: undefined, muid: placeholder }));
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "NON_DEVICE_ID", field: "muid" } });
	});

	it("is idempotent by event_id: a repeat returns the stored record and reports once", async ({ expect }) => {
		const body = conversionBody();
		await storeClick({ appid: String(body.appid) });
		const first = await postConversion(body);
		expect(first.status).toBe(202);
		const created = await first.json<{ id: string }>();
		const again = await postConversion(body);
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ id: created.id, duplicate: true });
		const [final] = await waitForTerminal([created.id]);
		expect(final?.status).toBe("delivered");
		expect(final?.attempts).toBe(1);
		// A repeat after delivery still returns the record and sends nothing.
		const late = await postConversion(body);
		expect(await late.json()).toMatchObject({ id: created.id, status: "delivered", duplicate: true });
	});

	it("answers 409 when an event_id is reused for a different conversion", async ({ expect }) => {
		const body = conversionBody();
		const created = await (await postConversion(body)).json<{ id: string }>();
		const res = await postConversion({ ...body, conv_type: "MOBILEAPP_REGISTER" });
		expect(res.status).toBe(409);
		expect(await res.json()).toEqual({
			error: {
				code: "IDEMPOTENCY_CONFLICT",
				field: "event_id",
				message: "event_id was already used for a different conversion",
				id: created.id,
			},
		});
	});

	it("runs concurrent repeats of one event_id into one record", async ({ expect }) => {
		const body = conversionBody();
		const responses = await Promise.all(Array.from({ length: 8 }, () => postConversion(body)));
		const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json<{ id: string }>()).id)));
		expect(ids.size).toBe(1);
		expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
	});

	it("accepts a v3 action_type directly and maps it back to the form API's conv_type", async ({ expect }) => {
		const res = await postConversion(
			conversionBody({ conv_type: undefined, action_type: "purchase", value: 990 }),
		);
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({
			action_type: "PURCHASE",
			conv_type: "MOBILEAPP_COST",
			value: 990,
		});
		const custom = await postConversion(
			conversionBody({
				advertiser_id: DIRECT_ACCOUNT,
				conv_type: undefined,
				action_type: "CUSTOM",
				custom_action: "LEVEL_10",
			}),
		);
		expect(await custom.json()).toMatchObject({
			action_type: "CUSTOM",
			custom_action: "LEVEL_10",
			conv_type: null,
		});
	});

	it("takes Android ID, CAID and WeChat ids as Marketing API user_ids (no muid)", async ({ expect }) => {
		const allowAll = { REPORT_UNATTRIBUTED: "true" };
		const android = await postWithEnv(
			conversionBody({ advertiser_id: DIRECT_ACCOUNT, imei: undefined, android_id: "9774d56d682e549c" }),
			allowAll,
		);
		expect(await android.json()).toMatchObject({
			muid: null,
			device_kind: "android_id",
			user_id: { hash_android_id: "cf95dc53f383f9a836fd749f3ef439cd" },
			upstream: "tencent-user-actions",
		});
		const caid = await postWithEnv(
			conversionBody({
				advertiser_id: DIRECT_ACCOUNT,
				app_type: "IOS",
				imei: undefined,
				caid: "e0f2f3a4b5c6d7e8f9a0b1c2d3e4f5a6",
				caid_version: "20220111",
			}),
			allowAll,
		);
		expect(await caid.json()).toMatchObject({
			user_id: { caid: "e0f2f3a4b5c6d7e8f9a0b1c2d3e4f5a6", caid_version: "20220111" },
		});
		const wechat = await postWithEnv(
			conversionBody({
				advertiser_id: DIRECT_ACCOUNT,
				imei: undefined,
				wechat_openid: "oABC-def_123",
				wechat_app_id: "wx1234567890abcdef",
			}),
			allowAll,
		);
		expect(await wechat.json()).toMatchObject({
			user_id: { wechat_openid: "oABC-def_123", wechat_app_id: "wx1234567890abcdef" },
		});
		// Without a muid nothing can match a click: by default such a conversion ends unattributed.
		const held = await postConversion(
			conversionBody({ advertiser_id: DIRECT_ACCOUNT, imei: undefined, android_id: "9774d56d682e549c" }),
		);
		expect(await held.json()).toMatchObject({ status: "unattributed" });
	});
});

describe("upstream format choice", () => {
	it("uses the form API for an advertiser with only a sign_key", async ({ expect }) => {
		const appid = freshAppid();
		await storeClick({ appid, callback: callbackUrl() });
		const res = await postConversion(conversionBody({ appid }));
		expect(await res.json()).toMatchObject({ upstream: "gdt-form-v1", callback_url: expect.any(String) });
	});

	it("uses callback mode when the attributed click carries a callback and a token is configured", async ({
		expect,
	}) => {
		const appid = freshAppid();
		const callback = callbackUrl("link_id");
		await storeClick({ appid, advertiser_id: CALLBACK_ACCOUNT, callback });
		const res = await postConversion(conversionBody({ appid, advertiser_id: CALLBACK_ACCOUNT }));
		expect(await res.json()).toMatchObject({ upstream: "tencent-callback", callback_url: callback });
	});

	it("uses direct mode without a callback when an action set is configured", async ({ expect }) => {
		const appid = freshAppid();
		await storeClick({ appid, advertiser_id: DIRECT_ACCOUNT });
		const res = await postConversion(conversionBody({ appid, advertiser_id: DIRECT_ACCOUNT }));
		expect(await res.json()).toMatchObject({ upstream: "tencent-user-actions", callback_url: null });
	});

	it("falls back to the form API with a token but neither callback nor action set", async ({ expect }) => {
		const appid = freshAppid();
		await storeClick({ appid, advertiser_id: CALLBACK_ACCOUNT });
		const res = await postConversion(conversionBody({ appid, advertiser_id: CALLBACK_ACCOUNT }));
		expect(await res.json()).toMatchObject({ upstream: "gdt-form-v1" });
	});

	it.for([
		[
			"an advertiser with no credentials",
			{ advertiser_id: "99999" },
			"advertiser_id",
			"advertiser 99999 has neither a Marketing API token (TENCENT_TOKENS) nor a sign_key (SIGN_KEYS)",
		],
		[
			"an action_type the form API cannot carry",
			{ conv_type: undefined, action_type: "START_APP" },
			"conv_type",
			"the form API needs a conv_type (this advertiser has only a sign_key)",
		],
		[
			"a conv_type with no action_type on a Marketing API account",
			{ advertiser_id: DIRECT_ACCOUNT, conv_type: "MOBILEAPP_RETENTION" },
			"action_type",
			"conv_type has no Marketing API action_type; give action_type",
		],
	] as const)("answers 422 NO_UPSTREAM for %s", async ([, overrides, field, message], { expect }) => {
		const res = await postWithEnv(conversionBody(overrides), { REPORT_UNATTRIBUTED: "true" });
		expect(res.status).toBe(422);
		expect(await res.json()).toEqual({ error: { code: "NO_UPSTREAM", field, message } });
	});
});

describe("unattributed conversions", () => {
	it("are held for a late click by default, then reported with it", async ({ expect }) => {
		const body = conversionBody();
		const res = await postConversion(body);
		expect(res.status).toBe(202);
		const held = await res.json<{ id: string; status: string; hold_until: string }>();
		expect(held).toMatchObject({ status: "waiting_click", click_id: null });
		expect(Date.parse(held.hold_until) - Date.now()).toBeGreaterThan(86_000_000);
		// A click whose click_time is after the conversion is no match.
		await storeClick({ appid: String(body.appid), click_time: String(Number(body.conv_time) + 1) });
		const stillHeld = await (await authedGet(`/conversions/${held.id}`)).json<{ status: string }>();
		expect(stillHeld.status).toBe("waiting_click");
		// The click that did lead to it arrives late, and is used.
		const clickId = await storeClick({
			appid: String(body.appid),
			click_time: String(Number(body.conv_time) - 20),
		});
		const [final] = await waitForTerminal([held.id]);
		expect(final).toMatchObject({ status: "delivered", click_id: clickId, upstream: "gdt-form-v1" });
	});

	it("a late click with a callback picks callback mode", async ({ expect }) => {
		const body = conversionBody({ advertiser_id: CALLBACK_ACCOUNT });
		const held = await (await postConversion(body)).json<{ id: string; status: string }>();
		expect(held.status).toBe("waiting_click");
		const callback = callbackUrl();
		await storeClick({ appid: String(body.appid), advertiser_id: CALLBACK_ACCOUNT, callback });
		const [final] = await waitForTerminal([held.id]);
		expect(final).toMatchObject({
			status: "delivered",
			upstream: "tencent-callback",
			callback_url: callback,
		});
	});

	it("end unattributed when the hold runs out, and /stats counts them", async ({ expect }) => {
		const before = await (await authedGet("/stats")).json<{ conversions: { unattributed: number } }>();
		const held = await (await postConversion(conversionBody())).json<{ id: string }>();
		const report = await sweep(env, Date.now() + 86_400_000 + 1000);
		expect(report.unattributed).toBeGreaterThanOrEqual(1);
		const [final] = await waitForTerminal([held.id]);
		expect(final).toMatchObject({ status: "unattributed", attempts: 0 });
		const after = await (await authedGet("/stats")).json<typeof before>();
		expect(after.conversions.unattributed).toBeGreaterThanOrEqual(before.conversions.unattributed + 1);
	});

	it("are reported at once with REPORT_UNATTRIBUTED=true", async ({ expect }) => {
		const res = await postWithEnv(conversionBody(), { REPORT_UNATTRIBUTED: "true" });
		expect(res.status).toBe(202);
		const json = await res.json<{ id: string }>();
		expect(json).toMatchObject({ status: "pending", click_id: null });
	});

	it("end unattributed at once with LATE_CLICK_WINDOW_SECONDS=0", async ({ expect }) => {
		const res = await postWithEnv(conversionBody(), { LATE_CLICK_WINDOW_SECONDS: "0" });
		expect(await res.json()).toMatchObject({ status: "unattributed" });
	});
});

describe("POST /conversions validation", () => {
	const invalid: [string, Record<string, unknown>, string, string][] = [
		["missing event_id", { event_id: undefined }, "event_id", "event_id is required"],
		["numeric event_id", { event_id: 7 }, "event_id", "event_id must be a string"],
		["missing appid", { appid: undefined }, "appid", "appid is required"],
		[
			"fractional appid",
			{ appid: 1.5 },
			"appid",
			"appid must be a positive integer (number or digit string)",
		],
		["missing advertiser_id", { advertiser_id: undefined }, "advertiser_id", "advertiser_id is required"],
		["bad app_type", { app_type: "HARMONY" }, "app_type", "app_type must be IOS, ANDROID or UNIONANDROID"],
		[
			"neither conv_type nor action_type",
			{ conv_type: undefined },
			"conv_type",
			"conv_type or action_type is required",
		],
		[
			"bad conv_type",
			{ conv_type: "sign up!" },
			"conv_type",
			"conv_type must be a code such as MOBILEAPP_ACTIVITE",
		],
		[
			"bad action_type",
			{ action_type: "buy now" },
			"action_type",
			"action_type must be a code such as ACTIVATE_APP",
		],
		[
			"contradicting types",
			{ action_type: "PURCHASE" },
			"action_type",
			"action_type contradicts conv_type MOBILEAPP_ACTIVITE (which means ACTIVATE_APP)",
		],
		[
			"CUSTOM without custom_action",
			{ conv_type: undefined, action_type: "CUSTOM" },
			"custom_action",
			"custom_action (1–128 bytes) is required with action_type CUSTOM",
		],
		[
			"custom_action over 128 bytes",
			{ conv_type: undefined, action_type: "CUSTOM", custom_action: "字".repeat(43) },
			"custom_action",
			"custom_action (1–128 bytes) is required with action_type CUSTOM",
		],
		[
			"custom_action without CUSTOM",
			{ custom_action: "x" },
			"custom_action",
			"custom_action goes with action_type CUSTOM",
		],
		["missing conv_time", { conv_time: undefined }, "conv_time", "conv_time is required"],
		[
			"millisecond conv_time",
			{ conv_time: 1_700_000_000_000 },
			"conv_time",
			"conv_time must be a Unix time in seconds (this looks like milliseconds)",
		],
		["future conv_time", { conv_time: 4_000_000_000 }, "conv_time", "conv_time is in the future"],
		[
			"conv_time 1",
			{ conv_time: 1 },
			"conv_time",
			"conv_time is older than the attribution window (ATTRIBUTION_WINDOW_SECONDS)",
		],
		[
			"bad client_ip",
			{ client_ip: "localhost" },
			"client_ip",
			"client_ip must be one IPv4 or IPv6 address, without port or brackets",
		],
		[
			"client_ip ::::",
			{ client_ip: "::::" },
			"client_ip",
			"client_ip must be one IPv4 or IPv6 address, without port or brackets",
		],
		[
			"client_ip 1:2",
			{ client_ip: "1:2" },
			"client_ip",
			"client_ip must be one IPv4 or IPv6 address, without port or brackets",
		],
		[
			"client_ip with a port",
			{ client_ip: "0.0.0.0:80" },
			"client_ip",
			"client_ip must be one IPv4 or IPv6 address, without port or brackets",
		],
		[
			"client_ip with a leading zero",
			{ client_ip: "010.1.1.1" },
			"client_ip",
			"client_ip must be one IPv4 or IPv6 address, without port or brackets",
		],
		[
			"client_ip unspecified",
			{ client_ip: "0.0.0.0" },
			"client_ip",
			"client_ip is the unspecified address, not a client",
		],
		["negative value", { value: -1 }, "value", "value must be a non-negative integer"],
		["fractional value", { value: 9.99 }, "value", "value must be a non-negative integer"],
		[
			"no device",
			{ imei: undefined },
			"device",
			"one of imei, idfa, oaid, muid, android_id, caid, wechat_openid is required",
		],
		["two devices", { muid: IMEI_MUID }, "device", "give exactly one device id, not imei and muid"],
		["bad imei", { imei: "35464905004641Z" }, "imei", "imei must be 1–15 hex digits (IMEI or MEID)"],
		["idfa on Android", { imei: undefined, idfa: IDFA }, "idfa", "idfa is an iOS id but app_type is ANDROID"],
		["imei on iOS", { app_type: "IOS" }, "imei", "imei is an Android id but app_type is IOS"],
		[
			"bad idfa",
			{ app_type: "IOS", imei: undefined, idfa: "not-an-idfa" },
			"idfa",
			"idfa must look like 1E2DFA89-496A-47FD-9941-DF1FC4E6484A",
		],
		[
			"bad oaid",
			{ imei: undefined, oaid: "x".repeat(200) },
			"oaid",
			"oaid must be at most 128 letters, digits or hyphens",
		],
		[
			"bad muid",
			{ imei: undefined, muid: "123" },
			"muid",
			"muid must be 32 hex characters (md5 of the device id)",
		],
		[
			"caid without a version",
			{ app_type: "IOS", imei: undefined, caid: "abc" },
			"caid_version",
			"caid_version is required with caid (e.g. 20220111)",
		],
		[
			"caid on Android",
			{ imei: undefined, caid: "abc", caid_version: "1" },
			"caid",
			"caid is an iOS id but app_type is ANDROID",
		],
		[
			"wechat_openid without an app id",
			{ imei: undefined, wechat_openid: "o1" },
			"wechat_app_id",
			"wechat_app_id is required with wechat_openid (wx + 16 characters)",
		],
		["caid_version alone", { caid_version: "1" }, "caid_version", "caid_version goes with caid"],
		["unknown field", { convtime: 1 }, "convtime", "unknown field convtime"],
	];
	it.for(invalid)(
		"rejects %s with 400 naming the field",
		async ([, overrides, field, message], { expect }) => {
			const res = await postConversion(conversionBody(overrides));
			expect(res.status).toBe(400);
			expect(await res.json()).toEqual({ error: { code: "INVALID_FIELD", field, message } });
		},
	);

	it.for([["2001:db8::1"], ["::ffff:10.0.0.1"], ["10.11.12.13"], ["fe80::1:2:3:4"]] as const)(
		"accepts client_ip %s",
		async ([ip], { expect }) => {
			const res = await postConversion(conversionBody({ client_ip: ip }));
			expect(res.status).toBe(202);
			expect(await res.json()).toMatchObject({ client_ip: ip });
		},
	);

	it.for([
		["imei", "000000000000000"],
		["oaid", "00000000-0000-0000-0000-000000000000"],
	] as const)("rejects a placeholder %s as NON_DEVICE_ID", async ([kind, raw], { expect }) => {
		const res = await postConversion(conversionBody({ imei: undefined, [kind]: raw }));
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "NON_DEVICE_ID", field: kind } });
	});

	it("rejects malformed JSON, non-objects and oversized bodies", async ({ expect }) => {
		const bad = await postConversion("{not json");
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ error: { code: "INVALID_JSON", field: null } });
		const array = await postConversion([]);
		expect(await array.json()).toMatchObject({ error: { code: "INVALID_JSON" } });
		const big = await postConversion(conversionBody({ event_id: "x".repeat(20_000) }));
		expect(big.status).toBe(413);
		expect(await big.json()).toMatchObject({ error: { code: "BODY_TOO_LARGE" } });
	});

	it("counts bytes, not characters: 16k CJK characters without content-length are 48 KB", async ({
		expect,
	}) => {
		const text = JSON.stringify(conversionBody({ event_id: "e".repeat(10), pad: "字".repeat(16_000) }));
		expect(text.length).toBeLessThan(16 * 1024 + 200);
		const stream = new ReadableStream({
			start(controller) {
				controller.enqueue(new TextEncoder().encode(text));
				controller.close();
			},
		});
		const res = await SELF.fetch("https://relay.test/conversions", {
			method: "POST",
			headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
			body: stream,
			// @ts-expect-error: workerd needs duplex for a streamed request body
			duplex: "half",
		});
		expect(res.headers.get("content-length")).not.toBe("0");
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({ error: { code: "BODY_TOO_LARGE" } });
	});

	it("refuses a body that is not UTF-8", async ({ expect }) => {
		const res = await SELF.fetch("https://relay.test/conversions", {
			method: "POST",
			headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
			body: new Uint8Array([0x7b, 0xff, 0x7d]),
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			error: { code: "INVALID_JSON", message: "the body is not UTF-8" },
		});
	});

	it.for([
		["no header", null],
		["wrong token", "nope"],
		["token prefix", TOKEN.slice(0, -1)],
	] as const)("answers 401 for %s", async ([, token], { expect }) => {
		const res = await postConversion(conversionBody(), token);
		expect(res.status).toBe(401);
		expect(res.headers.get("www-authenticate")).toBe("Bearer");
		expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED", field: "authorization" } });
	});

	it("answers 503 NOT_CONFIGURED naming a malformed variable", async ({ expect }) => {
		const res = await postWithEnv(conversionBody(), { TENCENT_TOKENS: "{not json" });
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({
			error: { code: "NOT_CONFIGURED", field: "TENCENT_TOKENS", message: "TENCENT_TOKENS is not valid JSON" },
		});
		const unset = await postWithEnv(conversionBody(), { INGEST_TOKEN: "" });
		expect(unset.status).toBe(503);
		expect(await unset.json()).toMatchObject({ error: { code: "NOT_CONFIGURED", field: "INGEST_TOKEN" } });
	});
});

describe("GET /conversions and /stats", () => {
	it("shows a conversion with its attempts", async ({ expect }) => {
		const body = conversionBody({ value: 100, client_ip: "10.11.12.13" });
		await storeClick({ appid: String(body.appid) });
		const created = await (await postConversion(body)).json<{ id: string }>();
		const [final] = await waitForTerminal([created.id]);
		expect(final).toMatchObject({
			status: "delivered",
			value: 100,
			client_ip: "10.11.12.13",
			tencent_ret: 0,
			attempts: 1,
			attempt_log: [{ attempt: 1, outcome: "delivered", tencent_ret: 0, code: null, actions_in_call: 1 }],
		});
	});

	it("answers 404 for an unknown id and 401 without the token", async ({ expect }) => {
		const missing = await authedGet("/conversions/nope");
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ error: { code: "NOT_FOUND", field: "id" } });
		expect((await SELF.fetch("https://relay.test/conversions/nope")).status).toBe(401);
		expect((await SELF.fetch("https://relay.test/stats")).status).toBe(401);
	});

	it("lists by status and validates the filter", async ({ expect }) => {
		const bad = await authedGet("/conversions?status=lost");
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ error: { field: "status" } });
		const ok = await authedGet("/conversions?status=waiting_click&limit=5");
		const { conversions } = await ok.json<{ conversions: { status: string }[] }>();
		expect(conversions.length).toBeLessThanOrEqual(5);
		for (const c of conversions) expect(c.status).toBe("waiting_click");
	});

	it("counts clicks, conversions and attempts", async ({ expect }) => {
		const before = await (await authedGet("/stats")).json<{
			clicks: number;
			conversions: { total: number; delivered: number; attributed: number };
			by_upstream: Record<string, number>;
			attempts: { total: number };
			upstream_calls: number;
		}>();
		const appid = freshAppid();
		await sendClick(clickParams({ appid }));
		const { id } = await (await postConversion(conversionBody({ appid, advertiser_id: ADVERTISER }))).json<{
			id: string;
		}>();
		await waitForTerminal([id]);
		const after = await (await authedGet("/stats")).json<typeof before>();
		expect(after.clicks).toBeGreaterThanOrEqual(before.clicks + 1);
		expect(after.conversions.total).toBeGreaterThanOrEqual(before.conversions.total + 1);
		expect(after.conversions.delivered).toBeGreaterThanOrEqual(before.conversions.delivered + 1);
		expect(after.conversions.attributed).toBeGreaterThanOrEqual(before.conversions.attributed + 1);
		expect(after.by_upstream["gdt-form-v1"]).toBeGreaterThanOrEqual(
			(before.by_upstream["gdt-form-v1"] ?? 0) + 1,
		);
		expect(after.attempts.total).toBeGreaterThanOrEqual(before.attempts.total + 1);
	});

	it("answers 404 JSON for unknown routes", async ({ expect }) => {
		const res = await SELF.fetch("https://relay.test/nowhere");
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
	});
});
