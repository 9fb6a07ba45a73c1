/**
 * The Worker's fetch called directly with env overrides: settings that a deployment changes
 * (open mode, grace expiry, openid mode, broken variables, FALLBACK "refuse" with DEADLINE_MS=0 on a shard not yet in memory,
 * no stored config), each against the real KV binding.
 * @module
 */

import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { CacheDeviceIdType, decodeRtaResponse } from "@txad/proto";
import { beforeAll, describe, it } from "vitest";
import { RtaCode } from "../src/codes.ts";
import worker from "../src/index.ts";
import {
	BASE,
	freshHash,
	freshImei,
	imeiRequest,
	publishSnapshot,
	putAudience,
	putConfig,
	rtaBytes,
	SIGN_HEADERS,
} from "./helpers.ts";

beforeAll(() => putConfig());

async function call(
	overrides: Partial<Env>,
	body: Uint8Array,
	headers: Record<string, string> = SIGN_HEADERS,
) {
	const ctx = createExecutionContext();
	const request = new Request(`${BASE}/rta`, { method: "POST", headers, body });
	const res = await worker.fetch(request, { ...env, ...overrides }, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

async function code(res: Response): Promise<number> {
	return decodeRtaResponse(new Uint8Array(await res.arrayBuffer())).code;
}

describe("settings from env", () => {
	it("is open when RTA_SIGN_HEADERS is unset", async ({ expect }) => {
		const res = await call({ RTA_SIGN_HEADERS: "" }, rtaBytes({ id: "o", isPing: true }), {});
		expect(res.status).toBe(200);
		expect(await code(res)).toBe(RtaCode.PING);
	});

	it("stops accepting the previous set once the grace window has passed", async ({ expect }) => {
		const previous = { "X-Rta-Token": "tok-previous", "X-Rta-Source": "tencent" };
		const past = await call(
			{ RTA_SIGN_HEADERS_GRACE_UNTIL: "2020-01-01T00:00:00Z" },
			rtaBytes({ isPing: true }),
			previous,
		);
		expect(past.status).toBe(401);
		const epoch = await call(
			{ RTA_SIGN_HEADERS_GRACE_UNTIL: "4102444800" },
			rtaBytes({ isPing: true }),
			previous,
		);
		expect(epoch.status).toBe(200);
	});

	it.for([
		["RTA_SIGN_HEADERS not JSON", { RTA_SIGN_HEADERS: "x-token: a" }],
		["RTA_SIGN_HEADERS an array", { RTA_SIGN_HEADERS: '["a"]' }],
		["DEADLINE_MS not a number", { DEADLINE_MS: "fast" }],
		["PLATFORM_CACHE_TIME_SECONDS below 1 h", { PLATFORM_CACHE_TIME_SECONDS: "60" }],
		["INTERACTION_MODE unknown", { INTERACTION_MODE: "email" }],
		["openid mode without appid", { INTERACTION_MODE: "openid", OPENID_APPID: "" }],
		["KV_CACHE_TTL_SECONDS below KV's 30 s minimum", { KV_CACHE_TTL_SECONDS: "10" }],
		["KV_CACHE_TTL_SECONDS above a year", { KV_CACHE_TTL_SECONDS: "31536001" }],
	] as const)("answers 500 with an empty body (never open) when %s", async ([, overrides], { expect }) => {
		const res = await call(overrides, rtaBytes({ isPing: true }));
		expect(res.status).toBe(500);
		expect((await res.arrayBuffer()).byteLength).toBe(0);
	});

	it.for(["10", "0", "31536001"])("names KV_CACHE_TTL_SECONDS=%s in /healthz", async (value, { expect }) => {
		const ctx = createExecutionContext();
		const res = await worker.fetch(
			new Request(`${BASE}/healthz`),
			{ ...env, KV_CACHE_TTL_SECONDS: value },
			ctx,
		);
		await waitOnExecutionContext(ctx);
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({
			ok: false,
			field: "KV_CACHE_TTL_SECONDS",
			message: "KV_CACHE_TTL_SECONDS must be an integer from 30 to 31536000",
		});
	});

	it("decides on the openid of the configured appid in openid mode", async ({ expect }) => {
		const openid = `o_${crypto.randomUUID()}`;
		await putAudience([{ type: "openid", id: openid, segments: ["vip"] }]);
		const mode = { INTERACTION_MODE: "openid", OPENID_APPID: "wx0102030405060708" };
		const mine = await call(
			mode,
			rtaBytes({ device: { imeiMd5sum: freshHash(), wxOpenid: [{ appid: "wx0102030405060708", openid }] } }),
		);
		const res = decodeRtaResponse(new Uint8Array(await mine.arrayBuffer()));
		expect(res.outTargetId).toEqual(["st_vip"]);
		const other = await call(mode, rtaBytes({ device: { wxOpenid: [{ appid: "wx_other", openid }] } }));
		expect(await code(other)).toBe(RtaCode.NO_USABLE_ID);
	});

	it("answers DEADLINE when a shard is not in memory and FALLBACK is refuse, then decides from the loaded shard", async ({
		expect,
	}) => {
		const { hash } = freshImei();
		await publishSnapshot([[{ type: "imei_md5", value: hash }, [["vip", 0]]]], { shardBits: 10 });
		const body = rtaBytes(imeiRequest(hash));
		const dl = { DEADLINE_MS: "0", FALLBACK: "refuse" };
		expect(await code(await call(dl, body))).toBe(RtaCode.DEADLINE);
		// waitOnExecutionContext let the load finish: the shard is in isolate memory now.
		let answer = await code(await call(dl, body));
		for (let i = 0; i < 5 && answer === RtaCode.DEADLINE; i++) answer = await code(await call(dl, body));
		expect(answer).toBe(RtaCode.TAKE);
	});

	it("answers NOT_CONFIGURED while no strategy config is stored", async ({ expect }) => {
		await env.RTA_KV.delete("config:strategies");
		// A different platform cache time makes the isolate load the config afresh.
		const res = await call(
			{ PLATFORM_CACHE_TIME_SECONDS: "7200" },
			rtaBytes({ device: { imeiMd5sum: freshHash(), cachedDeviceidType: CacheDeviceIdType.IMEI_MD5 } }),
		);
		expect(await code(res)).toBe(RtaCode.NOT_CONFIGURED);
		await putConfig();
	});
});
