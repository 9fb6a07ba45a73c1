/**
 * GET /click: validation, idempotency by click_id, the JSON Tencent expects, the token, the
 * allow-list, the per-caller rate limit, and never echoing input.
 * @module
 */
import { env, SELF } from "cloudflare:test";
import { describe, it } from "vitest";
import {
	CLICK_TOKEN,
	callbackUrl,
	clickParams,
	fetchWithEnv,
	IDFA_MUID,
	nowSeconds,
	sendClick,
} from "./helpers.ts";

async function storedClick(clickId: string) {
	return env.LEDGER.prepare("SELECT * FROM clicks WHERE click_id = ?1").bind(clickId).first();
}

describe("GET /click", () => {
	it("stores a valid click and answers ret 0 as UTF-8 JSON", async ({ expect }) => {
		const params = clickParams({ muid: IDFA_MUID.toUpperCase(), app_type: "ios" });
		const res = await sendClick(params);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
		expect(await res.text()).toBe('{"ret":0,"msg":""}');
		const row = await storedClick(params.click_id as string);
		expect(row).toMatchObject({
			muid: IDFA_MUID,
			click_time: Number(params.click_time),
			appid: params.appid,
			advertiser_id: "20345",
			app_type: "ios",
			non_device: 0,
		});
	});

	it("is idempotent by click_id: a repeat answers ret 0 and keeps the first row", async ({ expect }) => {
		const params = clickParams();
		expect(await (await sendClick(params)).json()).toEqual({ ret: 0, msg: "" });
		const repeat = await sendClick({ ...params, click_time: String(nowSeconds()) });
		expect(await repeat.json()).toEqual({ ret: 0, msg: "" });
		const { results } = await env.LEDGER.prepare("SELECT click_time FROM clicks WHERE click_id = ?1")
			.bind(params.click_id as string)
			.all();
		expect(results).toEqual([{ click_time: Number(params.click_time) }]);
	});

	it("flags a placeholder muid so it is never attributed", async ({ expect }) => {
		const params = clickParams({ muid: "d41d8cd98f00b204e9800998ecf8427e" }); // md5("")
		expect(await (await sendClick(params)).json()).toEqual({ ret: 0, msg: "" });
		expect(await storedClick(params.click_id as string)).toMatchObject({ non_device: 1 });
	});

	it("accepts unionandroid and upper-case app_type, stores lower case", async ({ expect }) => {
		const params = clickParams({ app_type: "UNIONANDROID" });
		expect(await (await sendClick(params)).json()).toEqual({ ret: 0, msg: "" });
		expect(await storedClick(params.click_id as string)).toMatchObject({ app_type: "unionandroid" });
	});

	it("never redirects", async ({ expect }) => {
		const res = await sendClick(clickParams());
		expect(res.status).not.toBe(302);
		expect(res.headers.get("location")).toBeNull();
	});

	const invalid: [string, Record<string, string | undefined>, string][] = [
		["missing muid", { muid: undefined }, "muid is required"],
		["short muid", { muid: "abc" }, "muid must be 32 hex characters (md5 of the device id)"],
		["non-hex muid", { muid: "z".repeat(32) }, "muid must be 32 hex characters (md5 of the device id)"],
		["missing click_time", { click_time: undefined }, "click_time is required"],
		[
			"millisecond click_time",
			{ click_time: "1700000000000" },
			"click_time must be a Unix time in seconds (this looks like milliseconds)",
		],
		["non-numeric click_time", { click_time: "yesterday" }, "click_time must be a Unix time in seconds"],
		["future click_time", { click_time: String(nowSeconds() + 3600) }, "click_time is in the future"],
		["missing click_id", { click_id: undefined }, "click_id is required"],
		["click_id with spaces", { click_id: "a b" }, "click_id must be at most 256 printable ASCII characters"],
		["missing appid", { appid: undefined }, "appid is required"],
		["non-numeric appid", { appid: "com.example" }, "appid must be a positive integer"],
		["missing advertiser_id", { advertiser_id: undefined }, "advertiser_id is required"],
		["negative advertiser_id", { advertiser_id: "-1" }, "advertiser_id must be a positive integer"],
		["missing app_type", { app_type: undefined }, "app_type is required"],
		["unknown app_type", { app_type: "harmony" }, "app_type must be android, ios or unionandroid"],
		["bad callback", { callback: "javascript:alert(1)" }, "callback must be an http(s) URL"],
		[
			"callback on another host",
			{ callback: "https://evil.example/v3.0/user_actions/add?cb=1&conv_id=2" },
			"callback must point at an origin listed in CALLBACK_ORIGINS",
		],
	];
	it.for(invalid)(
		"rejects %s with a non-zero ret naming the field",
		async ([, overrides, msg], { expect }) => {
			const params = clickParams();
			for (const [k, v] of Object.entries(overrides)) {
				if (v === undefined) delete params[k];
				else params[k] = v;
			}
			const res = await sendClick(params);
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({ ret: 1001, msg });
			expect(await storedClick(params.click_id ?? "")).toBeNull();
		},
	);

	it("rejects a parameter given twice", async ({ expect }) => {
		const params = new URLSearchParams({ token: CLICK_TOKEN, ...clickParams() });
		params.append("muid", "0".repeat(32));
		const dup = await SELF.fetch(`https://relay.test/click?${params.toString()}`);
		expect(await dup.json()).toEqual({ ret: 1001, msg: "muid is given more than once" });
	});

	it("stores a callback verbatim, conv_id or link_id as received", async ({ expect }) => {
		for (const callback of [callbackUrl("conv_id"), callbackUrl("link_id")]) {
			const params = clickParams({ callback });
			expect(await (await sendClick(params)).json()).toEqual({ ret: 0, msg: "" });
			expect(await storedClick(params.click_id as string)).toMatchObject({ callback });
		}
	});

	it("never echoes caller input, even input that contains 302", async ({ expect }) => {
		const cases: Record<string, string>[] = [
			clickParams({ muid: "302".repeat(11) }),
			clickParams({ click_time: "302302302302302" }),
			clickParams({ click_id: "302 302" }),
			clickParams({ appid: "302x" }),
			clickParams({ app_type: "302" }),
			clickParams({ callback: "https://302.example/302" }),
		];
		for (const params of cases) {
			const text = await (await sendClick(params)).text();
			expect(text).not.toContain("302");
			expect(JSON.parse(text).ret).toBe(1001);
		}
		const wrongToken = await sendClick({ ...clickParams(), token: "302302" });
		expect(await wrongToken.text()).not.toContain("302");
		const refused = await fetchWithEnv(
			new Request(
				`https://relay.test/click?${new URLSearchParams({ token: CLICK_TOKEN, ...clickParams() })}`,
				{
					headers: { "cf-connecting-ip": "203.0.113.202" },
				},
			),
			{ CLICK_IP_ALLOWLIST: "14.17.3.31" },
		);
		expect(refused.status).toBe(403);
		expect(await refused.text()).not.toContain("203.0.113.202");
	});
});

describe("GET /click token", () => {
	it.for([
		["no token", null],
		["a wrong token", "nope"],
		["a prefix of the token", CLICK_TOKEN.slice(0, -1)],
	] as const)("refuses %s with 403 and ret 1002, storing nothing", async ([, token], { expect }) => {
		const params = clickParams();
		const qs = new URLSearchParams(params);
		if (token !== null) qs.set("token", token);
		const res = await SELF.fetch(`https://relay.test/click?${qs}`);
		expect(res.status).toBe(403);
		expect(await res.json()).toEqual({ ret: 1002, msg: "token is missing or wrong" });
		expect(await storedClick(params.click_id as string)).toBeNull();
	});

	it("refuses the token given twice", async ({ expect }) => {
		const qs = new URLSearchParams({ token: CLICK_TOKEN, ...clickParams() });
		qs.append("token", CLICK_TOKEN);
		expect((await SELF.fetch(`https://relay.test/click?${qs}`)).status).toBe(403);
	});

	it("answers 503 ret 1003 when CLICK_URL_TOKEN is not set, and healthz names it", async ({ expect }) => {
		const res = await fetchWithEnv(
			new Request(`https://relay.test/click?${new URLSearchParams({ token: "", ...clickParams() })}`),
			{ CLICK_URL_TOKEN: "" },
		);
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({ ret: 1003, msg: "temporarily unavailable" });
		const health = await fetchWithEnv(new Request("https://relay.test/healthz"), { CLICK_URL_TOKEN: "" });
		expect(health.status).toBe(503);
		expect(await health.json()).toMatchObject({ ok: false, field: "CLICK_URL_TOKEN" });
	});
});

describe("GET /click rate limit", () => {
	it("limits each caller on its own and answers 429 ret 1004", async ({ expect }) => {
		const call = (ip: string) =>
			fetchWithEnv(
				new Request(
					`https://relay.test/click?${new URLSearchParams({ token: CLICK_TOKEN, ...clickParams() })}`,
					{
						headers: { "cf-connecting-ip": ip },
					},
				),
				{ CLICK_RATE_LIMITER: env.TEST_TIGHT_LIMITER },
			);
		const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
		for (let i = 0; i < 3; i++) expect(await (await call(ip)).json()).toEqual({ ret: 0, msg: "" });
		const limited = await call(ip);
		expect(limited.status).toBe(429);
		expect(await limited.json()).toEqual({ ret: 1004, msg: "too many requests" });
		// Another caller is not affected.
		expect(await (await call("192.0.2.77")).json()).toEqual({ ret: 0, msg: "" });
	});
});

describe("GET /click allow-list", () => {
	it("admits listed IPs and CIDRs, refuses others with 403 and ret 1002", async ({ expect }) => {
		const call = (ip: string | null) => {
			const params = new URLSearchParams({ token: CLICK_TOKEN, ...clickParams() });
			const headers: Record<string, string> = ip === null ? {} : { "cf-connecting-ip": ip };
			return fetchWithEnv(new Request(`https://relay.test/click?${params}`, { headers }), {
				CLICK_IP_ALLOWLIST: "14.17.3.31, 14.17.3.32, 10.1.0.0/16",
			});
		};
		expect(await (await call("14.17.3.31")).json()).toEqual({ ret: 0, msg: "" });
		expect(await (await call("10.1.200.7")).json()).toEqual({ ret: 0, msg: "" });
		const refused = await call("203.0.113.9");
		expect(refused.status).toBe(403);
		expect(await refused.json()).toEqual({ ret: 1002, msg: "caller is not allowed" });
		expect((await call(null)).status).toBe(403);
	});

	it("is a configuration error when an entry is not an address", async ({ expect }) => {
		const health = await fetchWithEnv(new Request("https://relay.test/healthz"), {
			CLICK_IP_ALLOWLIST: "14.17.3.31, 14.17.3",
		});
		expect(health.status).toBe(503);
		expect(await health.json()).toMatchObject({ ok: false, field: "CLICK_IP_ALLOWLIST" });
	});
});
