/**
 * GET /click: validation, idempotency by click_id, the JSON Tencent expects, the allow-list.
 * @module
 */
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { describe, it } from "vitest";
import worker from "../src/index.ts";
import { clickParams, IDFA_MUID, sendClick } from "./helpers.ts";

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
			click_time: 1_700_000_000,
			appid: params.appid,
			advertiser_id: "20345",
			app_type: "ios",
			non_device: 0,
		});
	});

	it("is idempotent by click_id: a repeat answers ret 0 and keeps the first row", async ({ expect }) => {
		const params = clickParams();
		expect(await (await sendClick(params)).json()).toEqual({ ret: 0, msg: "" });
		const repeat = await sendClick({ ...params, click_time: "1700000999" });
		expect(await repeat.json()).toEqual({ ret: 0, msg: "" });
		const { results } = await env.LEDGER.prepare("SELECT click_time FROM clicks WHERE click_id = ?1")
			.bind(params.click_id as string)
			.all();
		expect(results).toEqual([{ click_time: 1_700_000_000 }]);
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
		["missing click_id", { click_id: undefined }, "click_id is required"],
		["click_id with spaces", { click_id: "a b" }, "click_id must be at most 256 printable ASCII characters"],
		["missing appid", { appid: undefined }, "appid is required"],
		["non-numeric appid", { appid: "com.example" }, "appid must be a positive integer"],
		["missing advertiser_id", { advertiser_id: undefined }, "advertiser_id is required"],
		["negative advertiser_id", { advertiser_id: "-1" }, "advertiser_id must be a positive integer"],
		["missing app_type", { app_type: undefined }, "app_type is required"],
		["unknown app_type", { app_type: "harmony" }, "app_type must be android, ios or unionandroid"],
		["bad callback", { callback: "javascript:alert(1)" }, "callback must be an http(s) URL"],
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
		const params = new URLSearchParams(clickParams());
		params.append("muid", "0".repeat(32));
		const dup = await SELF.fetch(`https://relay.test/click?${params.toString()}`);
		expect(await dup.json()).toEqual({ ret: 1001, msg: "muid is given 2 times" });
	});
});

describe("GET /click allow-list", () => {
	it("admits listed IPs and CIDRs, refuses others with 403 and ret 1002", async ({ expect }) => {
		const restricted = { ...env, CLICK_IP_ALLOWLIST: "14.17.3.31, 14.17.3.32, 10.1.0.0/16" };
		const call = (ip: string | null) => {
			const params = new URLSearchParams(clickParams());
			const headers: Record<string, string> = ip === null ? {} : { "cf-connecting-ip": ip };
			return worker.fetch(
				new Request(`https://relay.test/click?${params}`, { headers }),
				restricted,
				createExecutionContext(),
			) as Promise<Response>;
		};
		expect(await (await call("14.17.3.31")).json()).toEqual({ ret: 0, msg: "" });
		expect(await (await call("10.1.200.7")).json()).toEqual({ ret: 0, msg: "" });
		const refused = await call("203.0.113.9");
		expect(refused.status).toBe(403);
		expect(await refused.json()).toEqual({ ret: 1002, msg: "caller 203.0.113.9 is not allowed" });
		expect((await call(null)).status).toBe(403);
	});
});
