/**
 * The admin API through SELF.fetch against the real KV: auth, config validation and storage,
 * NDJSON audience writes as deltas (per-line errors, merge/replace, concurrent writers), what the
 * snapshot and the deltas say about an id, deletes, healthz.
 * @module
 */

import { env, SELF } from "cloudflare:test";
import { parseDelta } from "@txad/audience";
import { hashDeviceId } from "@txad/muid";
import { md5Hex } from "@txad/signing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { RtaCode } from "../src/codes.ts";
import {
	admin,
	askRta,
	BASE,
	freshHash,
	freshImei,
	imeiRequest,
	publishSnapshot,
	putConfig,
	TEST_CONFIG,
} from "./helpers.ts";

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

/** GET /admin/audience/:type/:id as JSON. */
async function inspect(path: string): Promise<{
	key: string;
	snapshot: { snapshot_id: string; record: { segments: string[] } | null } | null;
	deltas: { delta_key: string; ops: { op: string; segments?: unknown[] }[] }[];
	effective: { segments: string[]; active_segments: string[]; until: Record<string, number> } | null;
}> {
	const res = await admin("GET", `/admin/audience/${path}`);
	if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
	return res.json();
}

describe("POST /admin/audience", () => {
	it("hashes raw ids server-side, accepts hashes, keeps valid lines and reports bad ones, in one delta", async ({
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
			// The md5 of a placeholder /rta never looks up either (one list).
			JSON.stringify({ type: "imei_md5", hash: md5Hex("UNKNOWN"), segments: ["vip"] }),
			"",
		];
		const res = await admin("POST", "/admin/audience", lines.join("\n"));
		expect(res.status).toBe(200);
		const body = (await res.json()) as {
			lines: number;
			accepted: number;
			rejected: number;
			stored_keys: number;
			delta_key: string;
			errors: { line: number; field: string }[];
		};
		expect(body.lines).toBe(13);
		expect(body.accepted).toBe(3);
		expect(body.stored_keys).toBe(3);
		expect(body.rejected).toBe(10);
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
			[13, "hash"],
		]);
		// One KV write for the whole request, under a fresh key; never one key per device.
		expect(body.delta_key).toMatch(/^audience:delta:\d{13}-[0-9a-f]{8}$/);
		const blob = parseDelta((await env.RTA_KV.get(body.delta_key)) ?? "");
		expect(blob.ops.map((o) => `${o.op} ${o.type}:${o.value}`)).toEqual([
			`replace imei_md5:${imei.hash}`,
			`replace oaid_md5:${oaidHash}`,
			`replace idfa_md5:${hashDeviceId("idfa", idfa)}`,
		]);
		expect(await env.RTA_KV.get(`imei_md5:${imei.hash}`)).toBeNull();
		expect((await inspect(`imei_md5/${imei.hash}`)).effective?.segments).toEqual(["vip"]);
	});

	it("answers 400 when no line is valid, and writes nothing", async ({ expect }) => {
		const before = (await env.RTA_KV.list({ prefix: "audience:delta:" })).keys.length;
		const res = await admin("POST", "/admin/audience", "{}\n[]");
		expect(res.status).toBe(400);
		expect(((await res.json()) as { rejected: number; delta_key: null }).delta_key).toBeNull();
		expect((await env.RTA_KV.list({ prefix: "audience:delta:" })).keys.length).toBe(before);
	});

	it("answers 400 to an empty body and to an unknown mode", async ({ expect }) => {
		expect((await admin("POST", "/admin/audience", "\n\n")).status).toBe(400);
		expect((await admin("POST", "/admin/audience?mode=append", "{}")).status).toBe(400);
	});

	it("answers 413 past 5000 lines, and takes 5000", async ({ expect }) => {
		const lines = Array.from({ length: 5001 }, () =>
			JSON.stringify({ type: "imei_md5", hash: freshHash(), segments: ["vip"] }),
		);
		expect((await admin("POST", "/admin/audience?mode=merge", lines.join("\n"))).status).toBe(413);
		const ok = await admin("POST", "/admin/audience?mode=merge", lines.slice(0, 5000).join("\n"));
		expect(ok.status).toBe(200);
		expect(((await ok.json()) as { accepted: number }).accepted).toBe(5000);
	});

	it("merges segments in merge mode and replaces them by default", async ({ expect }) => {
		const hash = freshHash();
		const put = (mode: string, segments: unknown[]) =>
			admin("POST", `/admin/audience?mode=${mode}`, JSON.stringify({ type: "imei_md5", hash, segments }));
		await put("replace", ["vip"]);
		await put("merge", ["new_user"]);
		expect((await inspect(`imei_md5/${hash}`)).effective?.segments).toEqual(["vip", "new_user"]);
		await put("replace", ["installed"]);
		const replaced = await inspect(`imei_md5/${hash}`);
		expect(replaced.effective?.segments).toEqual(["installed"]);
		expect(replaced.deltas.map((d) => d.ops[0]?.op)).toEqual(["replace", "merge", "replace"]);
	});

	it("applies both lines for one device in one merge request", async ({ expect }) => {
		const hash = freshHash();
		const lines = [
			{ type: "imei_md5", hash, segments: ["vip"] },
			{ type: "imei_md5", hash, segments: ["new_user"] },
		];
		const res = await admin(
			"POST",
			"/admin/audience?mode=merge",
			lines.map((l) => JSON.stringify(l)).join("\n"),
		);
		expect(((await res.json()) as { accepted: number; stored_keys: number }).stored_keys).toBe(1);
		expect((await inspect(`imei_md5/${hash}`)).effective?.segments).toEqual(["vip", "new_user"]);
	});

	it("merge keeps the stored ends of the segments it does not list, and takes ends within a minute", async ({
		expect,
	}) => {
		const hash = freshHash();
		const now = Math.floor(Date.now() / 1000);
		const post = (mode: string, line: object) =>
			admin("POST", `/admin/audience?mode=${mode}`, JSON.stringify({ type: "imei_md5", hash, ...line }));
		expect((await post("replace", { segments: [{ id: "vip", until: now + 7200 }] })).status).toBe(200);
		const res = await post("merge", { segments: [{ id: "new_user", until: now + 45 }], ttl_seconds: 600 });
		expect(res.status).toBe(200);
		expect((await inspect(`imei_md5/${hash}`)).effective?.until).toEqual({
			vip: now + 7200,
			new_user: now + 45,
		});
	});

	it("takes ends past 2038 and ttl_seconds past 2^31 s, line by line", async ({ expect }) => {
		const a = freshHash();
		const b = freshHash();
		const lines = [
			{ type: "imei_md5", hash: a, segments: [{ id: "vip", until: "2040-01-01T00:00:00Z" }] },
			{ type: "imei_md5", hash: b, segments: ["vip"], ttl_seconds: 2 ** 31 + 10 },
			{ type: "imei_md5", hash: freshHash(), segments: [{ id: "vip", until: "10000-01-01T00:00:00Z" }] },
		];
		const res = await admin("POST", "/admin/audience", lines.map((l) => JSON.stringify(l)).join("\n"));
		expect(res.status).toBe(200);
		const body = (await res.json()) as { accepted: number; errors: { line: number; field: string }[] };
		expect(body.accepted).toBe(2);
		expect(body.errors.map((e) => [e.line, e.field])).toEqual([[3, "segments[0].until"]]);
		expect((await inspect(`imei_md5/${a}`)).effective?.until).toEqual({ vip: 2_208_988_800 });
		expect((await askRta(imeiRequest(a))).outTargetId).toEqual(["st_vip"]);
		expect((await askRta(imeiRequest(b))).outTargetId).toEqual(["st_vip"]);
	});

	it("never loses a concurrent write: 20 merges of one device at once all apply", async ({ expect }) => {
		const hash = freshHash();
		const writes = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				admin(
					"POST",
					"/admin/audience?mode=merge",
					JSON.stringify({ type: "imei_md5", hash, segments: [`s${i}`] }),
				),
			),
		);
		expect(writes.map((w) => w.status)).toEqual(Array(20).fill(200));
		const keys = await Promise.all(
			writes.map(async (w) => ((await w.json()) as { delta_key: string }).delta_key),
		);
		expect(new Set(keys).size).toBe(20);
		const got = await inspect(`imei_md5/${hash}`);
		expect([...(got.effective?.segments ?? [])].sort()).toEqual(
			Array.from({ length: 20 }, (_, i) => `s${i}`).sort(),
		);
	});
});

describe("GET/DELETE /admin/audience/:type/:id", () => {
	it("shows what the snapshot and the deltas say, by raw id or hash; deletes; then shows the delete", async ({
		expect,
	}) => {
		const { raw, hash } = freshImei();
		await publishSnapshot([[{ type: "imei_md5", value: hash }, [["new_user", 0]]]]);
		const fromSnapshot = await inspect(`imei/${raw}`);
		expect(fromSnapshot.key).toBe(`imei_md5:${hash}`);
		expect(fromSnapshot.snapshot?.record?.segments).toEqual(["new_user"]);
		expect(fromSnapshot.deltas).toEqual([]);
		expect(fromSnapshot.effective?.segments).toEqual(["new_user"]);
		await admin(
			"POST",
			"/admin/audience?mode=merge",
			JSON.stringify({ type: "imei", id: raw, segments: ["vip"] }),
		);
		const merged = await inspect(`imei_md5/${hash}`);
		expect(merged.snapshot?.record?.segments).toEqual(["new_user"]);
		expect(merged.deltas.map((d) => d.ops)).toEqual([[{ op: "merge", segments: ["vip"] }]]);
		expect(merged.effective?.segments).toEqual(["new_user", "vip"]);
		const del = (await (await admin("DELETE", `/admin/audience/imei_md5/${hash}`)).json()) as Record<
			string,
			unknown
		>;
		expect(del).toEqual(expect.objectContaining({ key: `imei_md5:${hash}`, existed: true, deleted: true }));
		expect(del.delta_key).toMatch(/^audience:delta:/);
		const deleted = await inspect(`imei_md5/${hash}`);
		expect(deleted.snapshot?.record?.segments).toEqual(["new_user"]);
		expect(deleted.effective).toBeNull();
		expect((await askRta(imeiRequest(hash))).code).toBe(RtaCode.NO_STRATEGY);
		const again = (await (await admin("DELETE", `/admin/audience/imei_md5/${hash}`)).json()) as {
			existed: boolean;
		};
		expect(again.existed).toBe(false);
	});

	it("answers 404 for an id neither the snapshot nor a delta knows", async ({ expect }) => {
		const res = await admin("GET", `/admin/audience/oaid_md5/${freshHash()}`);
		expect(res.status).toBe(404);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
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
		expect(body.audience).toEqual(
			expect.objectContaining({
				memory: expect.objectContaining({ limit_bytes: 48 * 1024 * 1024 }),
				hits: expect.objectContaining({
					memory: expect.any(Number),
					cache_api: expect.any(Number),
					kv: expect.any(Number),
				}),
				deltas: expect.objectContaining({ blobs: expect.any(Number), ops: expect.any(Number) }),
			}),
		);
		expect(JSON.stringify(body)).not.toContain("tok-current");
		expect(JSON.stringify(body)).not.toContain("test-admin-token");
	});

	it("answers 404 JSON to unknown routes", async ({ expect }) => {
		const res = await SELF.fetch(`${BASE}/nope`);
		expect(res.status).toBe(404);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
	});
});
