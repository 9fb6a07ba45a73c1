/**
 * The admin API through SELF.fetch: auth, config validation and storage, NDJSON audience upsert
 * with per-line errors, record reads and deletes, healthz.
 * @module
 */

import { env, SELF } from "cloudflare:test";
import { hashDeviceId } from "@txad/muid";
import { afterAll, beforeAll, describe, it } from "vitest";
import { RtaCode } from "../src/codes.ts";
import { admin, askRta, BASE, freshHash, freshImei, imeiRequest, putConfig, TEST_CONFIG } from "./helpers.ts";

beforeAll(() => putConfig());
afterAll(() => putConfig());

describe("admin auth", () => {
	it.for([
		["no token", undefined],
		["wrong token", "Bearer nope"],
		["token with a suffix", "Bearer test-admin-token2"],
		["basic scheme", "Basic test-admin-token"],
	] as const)("401 with %s", async ([, authorization], { expect }) => {
		const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
		const res = await SELF.fetch(`${BASE}/admin/config`, { headers });
		expect(res.status).toBe(401);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
	});
});

describe("PUT /admin/config", () => {
	it("stores a valid config and reports its version and the cache time sent", async ({ expect }) => {
		const res = await admin("PUT", "/admin/config", TEST_CONFIG);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { version: string; strategies: number; response_cache_time: number };
		expect(body.version).toMatch(/^[0-9a-f]{16}$/);
		expect(body.strategies).toBe(3);
		expect(body.response_cache_time).toBe(7200);
		const got = (await (await admin("GET", "/admin/config")).json()) as {
			version: string;
			loaded_version: string;
			config: unknown;
		};
		expect(got.version).toBe(body.version);
		expect(got.loaded_version).toBe(body.version);
		expect(got.config).toEqual(TEST_CONFIG);
	});

	it("lists every validation error with its JSON path", async ({ expect }) => {
		const bad = {
			response_cache_time: -1,
			strategies: [
				{
					id: "st a",
					include: ["ok", 3],
					bid: { cpc_factor: 6, user_weight_factor: 0.1, dsp_tag_str: "x".repeat(21), cpc_price: 1.5 },
				},
				{ id: "dup", exclude: "vip", experiments: [{ exp_id: -1 }, { exp_id: 5, bid: { cpa_price: 0 } }] },
				{ id: "dup", include: ["a"], exclude: ["a"], exlude: [] },
			],
			extra: true,
		};
		const res = await admin("PUT", "/admin/config", bad);
		expect(res.status).toBe(400);
		const { error } = (await res.json()) as {
			error: { code: string; errors: { path: string; message: string }[] };
		};
		expect(error.code).toBe("INVALID_CONFIG");
		expect(error.errors.map((e) => e.path).sort()).toEqual(
			[
				"$.extra",
				"$.response_cache_time",
				"$.strategies[0].id",
				"$.strategies[0].include[1]",
				"$.strategies[0].bid.cpc_price",
				"$.strategies[0].bid.user_weight_factor",
				"$.strategies[0].bid.cpc_factor",
				"$.strategies[0].bid.dsp_tag_str",
				"$.strategies[1].exclude",
				"$.strategies[1].experiments[0].exp_id",
				"$.strategies[1].experiments[0]",
				"$.strategies[1].experiments[1].bid.cpa_price",
				"$.strategies[2].exlude",
				"$.strategies[2].id",
				"$.strategies[2].exclude",
			].sort(),
		);
		// The stored config is untouched.
		const got = (await (await admin("GET", "/admin/config")).json()) as { config: unknown };
		expect(got.config).toEqual(TEST_CONFIG);
	});

	it.for([
		["not JSON", "{strategies:", 400, "INVALID_JSON"],
		["an array", "[]", 400, "INVALID_CONFIG"],
		["no strategies", "{}", 400, "INVALID_CONFIG"],
	] as const)("rejects %s", async ([, body, status, code], { expect }) => {
		const res = await admin("PUT", "/admin/config", body);
		expect(res.status).toBe(status);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
	});

	it("clamps response_cache_time to [platform cache time, 7 days] and warns", async ({ expect }) => {
		const low = await admin("PUT", "/admin/config?dry_run=1", { ...TEST_CONFIG, response_cache_time: 60 });
		const lowBody = (await low.json()) as {
			stored: boolean;
			response_cache_time: number;
			warnings: unknown[];
		};
		expect(lowBody.stored).toBe(false);
		expect(lowBody.response_cache_time).toBe(3600);
		expect(lowBody.warnings).toHaveLength(1);
		const high = (await (
			await admin("PUT", "/admin/config?dry_run=1", { ...TEST_CONFIG, response_cache_time: 9e6 })
		).json()) as {
			response_cache_time: number;
		};
		expect(high.response_cache_time).toBe(604_800);
	});

	it("takes effect on the next /rta request", async ({ expect }) => {
		const { raw, hash } = freshImei();
		const res = await admin(
			"POST",
			"/admin/audience",
			JSON.stringify({ type: "imei", id: raw, segments: ["gold"] }),
		);
		expect(res.status).toBe(200);
		expect((await askRta(imeiRequest(hash))).code).toBe(RtaCode.NO_STRATEGY);
		await putConfig({ strategies: [...TEST_CONFIG.strategies, { id: "st_gold", include: ["gold"] }] });
		expect((await askRta(imeiRequest(hash))).outTargetId).toEqual(["st_gold"]);
		await putConfig();
	});
});

describe("POST /admin/audience", () => {
	it("hashes raw ids server-side, accepts hashes, keeps valid lines and reports bad ones", async ({
		expect,
	}) => {
		const imei = freshImei();
		const oaidHash = freshHash();
		const idfa = "1E2DFA89-496A-47FD-9941-DF1FC4E6484A";
		const lines = [
			JSON.stringify({ type: "imei", id: imei.raw, segments: ["vip"] }),
			JSON.stringify({
				type: "oaid_md5",
				hash: oaidHash.toUpperCase(),
				segments: ["new_user"],
				ttl_seconds: 3600,
			}),
			JSON.stringify({ id: idfa, segments: ["vip"] }),
			"{not json",
			JSON.stringify({ type: "imei_md5", hash: "xyz", segments: ["vip"] }),
			JSON.stringify({ type: "imei", id: "000000000000000", segments: ["vip"] }),
			JSON.stringify({ type: "imei_md5", hash: freshHash(), segments: [] }),
			JSON.stringify({ type: "imei_md5", hash: freshHash(), segments: ["bad segment!"] }),
			JSON.stringify({ type: "warp", id: "1", segments: ["vip"] }),
			JSON.stringify({ type: "imei_md5", hash: freshHash(), segments: ["vip"], ttl_seconds: 5 }),
			JSON.stringify({ type: "imei_md5", hash: freshHash(), segments: [{ id: "vip", until: 1 }] }),
			JSON.stringify({ type: "imei_md5", hash: freshHash(), segments: ["vip"], colour: "blue" }),
			"",
		];
		const res = await admin("POST", "/admin/audience", lines.join("\n"));
		expect(res.status).toBe(200);
		const body = (await res.json()) as {
			lines: number;
			accepted: number;
			rejected: number;
			errors: { line: number; field: string }[];
		};
		expect(body.lines).toBe(12);
		expect(body.accepted).toBe(3);
		expect(body.rejected).toBe(9);
		expect(body.errors.map((e) => [e.line, e.field])).toEqual([
			[4, ""],
			[5, "hash"],
			[6, "id"],
			[7, "segments"],
			[8, "segments[0]"],
			[9, "type"],
			[10, "ttl_seconds"],
			[11, "segments[0].until"],
			[12, "colour"],
		]);
		expect(JSON.parse((await env.RTA_KV.get(`imei_md5:${imei.hash}`)) ?? "null")).toEqual({
			segments: ["vip"],
		});
		expect(await env.RTA_KV.get(`oaid_md5:${oaidHash}`)).not.toBeNull();
		expect(await env.RTA_KV.get(`idfa_md5:${hashDeviceId("idfa", idfa)}`)).not.toBeNull();
	});

	it("answers 400 when no line is valid", async ({ expect }) => {
		const res = await admin("POST", "/admin/audience", "{}\n[]");
		expect(res.status).toBe(400);
		expect(((await res.json()) as { rejected: number }).rejected).toBe(2);
	});

	it("answers 400 to an empty body and to an unknown mode", async ({ expect }) => {
		expect((await admin("POST", "/admin/audience", "\n\n")).status).toBe(400);
		expect((await admin("POST", "/admin/audience?mode=append", "{}")).status).toBe(400);
	});

	it("answers 413 to too many lines", async ({ expect }) => {
		const line = JSON.stringify({ type: "imei_md5", hash: freshHash(), segments: ["vip"] });
		const res = await admin("POST", "/admin/audience?mode=merge", Array(501).fill(line).join("\n"));
		expect(res.status).toBe(413);
	});

	it("merges segments in merge mode and replaces them by default", async ({ expect }) => {
		const hash = freshHash();
		const put = (mode: string, segments: unknown[]) =>
			admin("POST", `/admin/audience?mode=${mode}`, JSON.stringify({ type: "imei_md5", hash, segments }));
		await put("replace", ["vip"]);
		await put("merge", ["new_user"]);
		const merged = (await (await admin("GET", `/admin/audience/imei_md5/${hash}`)).json()) as {
			record: { segments: string[] };
		};
		expect(merged.record.segments).toEqual(["vip", "new_user"]);
		await put("replace", ["installed"]);
		const replaced = (await (await admin("GET", `/admin/audience/imei_md5/${hash}`)).json()) as {
			record: { segments: string[] };
		};
		expect(replaced.record.segments).toEqual(["installed"]);
	});

	it("stores segment expiry and KV expiration when every segment expires", async ({ expect }) => {
		const hash = freshHash();
		const until = Math.floor(Date.now() / 1000) + 7200;
		await admin(
			"POST",
			"/admin/audience",
			JSON.stringify({ type: "imei_md5", hash, segments: [{ id: "vip", until }] }),
		);
		const { value, metadata } = await env.RTA_KV.getWithMetadata(`imei_md5:${hash}`);
		expect(JSON.parse(value ?? "null")).toEqual({ segments: ["vip"], until: { vip: until } });
		expect(metadata).toBeNull();
		const list = await env.RTA_KV.list({ prefix: `imei_md5:${hash}` });
		expect(list.keys[0]?.expiration).toBe(until);
	});
});

describe("audience expiry in KV", () => {
	it("expires a merged record at the end of its last segment, never less than a minute ahead", async ({
		expect,
	}) => {
		const hash = freshHash();
		const now = Math.floor(Date.now() / 1000);
		await env.RTA_KV.put(`imei_md5:${hash}`, JSON.stringify({ segments: ["vip"], until: { vip: now + 40 } }));
		const res = await admin(
			"POST",
			"/admin/audience?mode=merge",
			JSON.stringify({ type: "imei_md5", hash, segments: [{ id: "new_user", until: now + 45 }] }),
		);
		expect(res.status).toBe(200);
		const list = await env.RTA_KV.list({ prefix: `imei_md5:${hash}` });
		expect(list.keys[0]?.expiration).toBeGreaterThanOrEqual(now + 60);
		expect(JSON.parse((await env.RTA_KV.get(`imei_md5:${hash}`)) ?? "null")).toEqual({
			segments: ["vip", "new_user"],
			until: { vip: now + 40, new_user: now + 45 },
		});
	});

	it("replaces a corrupt stored record in merge mode", async ({ expect }) => {
		const hash = freshHash();
		await env.RTA_KV.put(`imei_md5:${hash}`, JSON.stringify({ segments: ["vip"], until: { vip: "soon" } }));
		const res = await admin(
			"POST",
			"/admin/audience?mode=merge",
			JSON.stringify({ type: "imei_md5", hash, segments: ["new_user"] }),
		);
		expect(res.status).toBe(200);
		const got = (await (await admin("GET", `/admin/audience/imei_md5/${hash}`)).json()) as {
			record: unknown;
			valid: boolean;
		};
		expect(got).toEqual(expect.objectContaining({ record: { segments: ["new_user"] }, valid: true }));
	});
});

describe("GET/DELETE /admin/audience/:type/:id", () => {
	it("reads by raw id or hash, deletes, then 404s", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await admin("POST", "/admin/audience", JSON.stringify({ type: "imei", id: raw, segments: ["vip"] }));
		const byRaw = await admin("GET", `/admin/audience/imei/${raw}`);
		expect(byRaw.status).toBe(200);
		expect(((await byRaw.json()) as { key: string }).key).toBe(`imei_md5:${hash}`);
		const del = await admin("DELETE", `/admin/audience/imei_md5/${hash}`);
		expect(await del.json()).toEqual({ key: `imei_md5:${hash}`, existed: true, deleted: true });
		expect((await admin("GET", `/admin/audience/imei_md5/${hash}`)).status).toBe(404);
		expect(
			((await (await admin("DELETE", `/admin/audience/imei_md5/${hash}`)).json()) as { existed: boolean })
				.existed,
		).toBe(false);
	});

	it("answers 400 naming the field for a bad type or hash", async ({ expect }) => {
		const badType = await admin("GET", "/admin/audience/warp/123");
		expect(badType.status).toBe(400);
		expect(((await badType.json()) as { error: { field: string } }).error.field).toBe("type");
		const badHash = await admin("DELETE", "/admin/audience/imei_md5/abc");
		expect(badHash.status).toBe(400);
		expect(((await badHash.json()) as { error: { field: string } }).error.field).toBe("id");
	});
});

describe("GET /healthz and unknown routes", () => {
	it("reports the isolate's view without secrets", async ({ expect }) => {
		const res = await SELF.fetch(`${BASE}/healthz`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as Record<string, unknown>;
		expect(body.ok).toBe(true);
		expect(body.sign_headers).toBe("on");
		expect(body.platform_cache_time).toBe(3600);
		expect(JSON.stringify(body)).not.toContain("tok-current");
		expect(JSON.stringify(body)).not.toContain("test-admin-token");
	});

	it("answers 404 JSON to unknown routes", async ({ expect }) => {
		const res = await SELF.fetch(`${BASE}/nope`);
		expect(res.status).toBe(404);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
	});
});
