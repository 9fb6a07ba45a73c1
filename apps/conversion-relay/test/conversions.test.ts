/**
 * POST /conversions: validation, device hashing, attribution window edges, idempotency by
 * event_id, auth; GET /conversions/:id, GET /conversions, GET /stats.
 * @module
 */
import { SELF } from "cloudflare:test";
import { describe, it } from "vitest";
import {
	ADVERTISER,
	authedGet,
	clickParams,
	conversionBody,
	freshAppid,
	IDFA,
	IDFA_MUID,
	IMEI_MUID,
	postConversion,
	sendClick,
	TOKEN,
	unique,
	waitForTerminal,
} from "./helpers.ts";

const WEEK = 7 * 24 * 3600;

async function click(appid: string, muid: string, clickTime: number, clickId = unique("clk")) {
	const res = await sendClick(clickParams({ appid, muid, click_time: String(clickTime), click_id: clickId }));
	if ((await res.json<{ ret: number }>()).ret !== 0) throw new Error("click refused");
	return clickId;
}

describe("POST /conversions", () => {
	it("hashes the device, attributes to the latest earlier click and answers 202", async ({ expect }) => {
		const appid = freshAppid();
		await click(appid, IMEI_MUID, 1_700_000_000, "older");
		const latest = await click(appid, IMEI_MUID, 1_700_000_050);
		await click(appid, IMEI_MUID, 1_700_000_101); // after conv_time: not eligible
		await click(freshAppid(), IMEI_MUID, 1_700_000_090); // other app: not eligible
		const res = await postConversion(conversionBody({ appid, conv_time: 1_700_000_100 }));
		expect(res.status).toBe(202);
		const body = await res.json<Record<string, unknown>>();
		expect(body).toMatchObject({
			status: "pending",
			click_id: latest,
			muid: IMEI_MUID,
			device_kind: "imei",
			duplicate: false,
		});
		expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("hashes an IDFA upper-cased (docs/conversion/form-api.md §5.7)", async ({ expect }) => {
		const res = await postConversion(
			conversionBody({ app_type: "ios", imei: undefined, idfa: IDFA.toLowerCase() }),
		);
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({ muid: IDFA_MUID, app_type: "IOS", device_kind: "idfa" });
	});

	it("accepts a muid as given, normalized to lower case", async ({ expect }) => {
		const res = await postConversion(conversionBody({ imei: undefined, muid: IMEI_MUID.toUpperCase() }));
		expect(await res.json()).toMatchObject({ muid: IMEI_MUID, device_kind: "muid" });
	});

	it("answers click_id null when no click matches", async ({ expect }) => {
		const res = await postConversion(conversionBody());
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({ click_id: null });
	});

	const edges: [string, number, boolean][] = [
		["click at conv_time", 0, true],
		["click exactly one window before", WEEK, true],
		["click one second outside the window", WEEK + 1, false],
		["click one second after conv_time", -1, false],
	];
	it.for(edges)("attribution window edge: %s", async ([, secondsBefore, matches], { expect }) => {
		const appid = freshAppid();
		const convTime = 1_700_000_000;
		const clickId = await click(appid, IMEI_MUID, convTime - secondsBefore);
		const res = await postConversion(conversionBody({ appid, conv_time: convTime }));
		expect((await res.json<{ click_id: string | null }>()).click_id).toBe(matches ? clickId : null);
	});

	it("never attributes to a click whose muid is a placeholder", async ({ expect }) => {
		const appid = freshAppid();
		// The relay refuses placeholder devices on conversions, so this checks the click side:
		// a click stored with a placeholder muid is never a candidate, even for its own muid.
		const placeholder = "d41d8cd98f00b204e9800998ecf8427e";
		await click(appid, placeholder, 1_700_000_000);
		const res = await postConversion(conversionBody({ appid, imei: undefined, muid: placeholder }));
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "NON_DEVICE_ID", field: "muid" } });
	});

	it("is idempotent by event_id: a repeat returns the stored record and reports once", async ({ expect }) => {
		const body = conversionBody();
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
		["missing conv_type", { conv_type: undefined }, "conv_type", "conv_type is required"],
		[
			"bad conv_type",
			{ conv_type: "sign up!" },
			"conv_type",
			"conv_type must be a code such as MOBILEAPP_ACTIVITE",
		],
		["missing conv_time", { conv_time: undefined }, "conv_time", "conv_time is required"],
		[
			"millisecond conv_time",
			{ conv_time: 1_700_000_000_000 },
			"conv_time",
			"conv_time must be a Unix time in seconds (this looks like milliseconds)",
		],
		["future conv_time", { conv_time: 4_000_000_000 }, "conv_time", "conv_time is in the future"],
		["bad client_ip", { client_ip: "localhost" }, "client_ip", "client_ip must be an IPv4 or IPv6 address"],
		["negative value", { value: -1 }, "value", "value must be a non-negative integer"],
		["fractional value", { value: 9.99 }, "value", "value must be a non-negative integer"],
		["no device", { imei: undefined }, "device", "one of imei, idfa, oaid or muid is required"],
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
});

describe("GET /conversions and /stats", () => {
	it("shows a conversion with its attempts", async ({ expect }) => {
		const created = await (
			await postConversion(conversionBody({ value: 100, client_ip: "10.11.12.13" }))
		).json<{
			id: string;
		}>();
		const [final] = await waitForTerminal([created.id]);
		expect(final).toMatchObject({
			status: "delivered",
			value: 100,
			client_ip: "10.11.12.13",
			tencent_ret: 0,
			attempts: 1,
			attempt_log: [{ attempt: 1, outcome: "delivered", tencent_ret: 0, code: null }],
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
		const ok = await authedGet("/conversions?status=delivered&limit=5");
		const { conversions } = await ok.json<{ conversions: { status: string }[] }>();
		expect(conversions.length).toBeLessThanOrEqual(5);
		for (const c of conversions) expect(c.status).toBe("delivered");
	});

	it("counts clicks, conversions and attempts", async ({ expect }) => {
		const before = await (await authedGet("/stats")).json<{
			clicks: number;
			conversions: { total: number; delivered: number; attributed: number };
			attempts: { total: number };
		}>();
		const appid = freshAppid();
		await click(appid, IMEI_MUID, 1_700_000_000);
		const { id } = await (await postConversion(conversionBody({ appid, advertiser_id: ADVERTISER }))).json<{
			id: string;
		}>();
		await waitForTerminal([id]);
		const after = await (await authedGet("/stats")).json<typeof before>();
		expect(after.clicks).toBeGreaterThanOrEqual(before.clicks + 1);
		expect(after.conversions.total).toBeGreaterThanOrEqual(before.conversions.total + 1);
		expect(after.conversions.delivered).toBeGreaterThanOrEqual(before.conversions.delivered + 1);
		expect(after.conversions.attributed).toBeGreaterThanOrEqual(before.conversions.attributed + 1);
		expect(after.attempts.total).toBeGreaterThanOrEqual(before.attempts.total + 1);
	});

	it("answers 404 JSON for unknown routes", async ({ expect }) => {
		const res = await SELF.fetch("https://relay.test/nowhere");
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
	});
});
