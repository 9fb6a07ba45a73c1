/**
 * The sandbox through SELF.fetch against real D1: envelope, request errors, auth, and each
 * operation's rules, with hand-written JSON bodies (the client's view is in client.e2e.test.ts).
 * Accounts 10001 and 20002.
 * @module
 */
import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, it } from "vitest";
import { auth, call, resetAccounts, UUID } from "./helpers.ts";

const A = auth("10001");
const B = auth("20002");

beforeEach(async () => {
	await resetAccounts("10001", "20002");
});

async function seedTargets(who: typeof A, ids: string[]) {
	for (const target_id of ids) {
		const { json } = await call("target/set", {
			auth: who,
			data: { target_set: { target_id, target_desc: `d-${target_id}` } },
		});
		if (json.code !== 0) throw new Error(json.msg);
	}
}

describe("envelope", () => {
	it("answers code, msg, a UUID taskid, sandbox true and data, as UTF-8 JSON", async ({ expect }) => {
		const { res, json } = await call("info/get", { auth: A });
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
		expect(Object.keys(json).sort()).toEqual(["code", "data", "msg", "sandbox", "taskid"]);
		expect(json).toMatchObject({ code: 0, sandbox: true });
		expect(json.taskid).toMatch(UUID);
	});

	it("gives every request its own taskid", async ({ expect }) => {
		const ids = new Set<string>();
		for (let i = 0; i < 5; i++) ids.add((await call("sign/get", { auth: A })).json.taskid);
		expect(ids.size).toBe(5);
	});

	it("keeps data present (empty) on failures and on writes", async ({ expect }) => {
		expect(
			(await call("target/set", { auth: A, data: { target_set: { target_id: "t" } } })).json.data,
		).toEqual({});
		expect((await call("info/get", { auth: { dspid: "10001", token: "nope" } })).json.data).toEqual({});
	});

	it("answers 404 with an envelope outside /rta/{function}/{operate}", async ({ expect }) => {
		const res = await SELF.fetch("https://sandbox.test/rta/info", { method: "POST", body: "{}" });
		expect(res.status).toBe(404);
		const json = (await res.json()) as { code: number; taskid: string; data: unknown };
		expect(json).toMatchObject({ code: 1003, data: {} });
		expect(json.taskid).toMatch(UUID);
	});

	it("answers 405 with Allow: POST for other methods", async ({ expect }) => {
		const res = await SELF.fetch("https://sandbox.test/rta/info/get");
		expect(res.status).toBe(405);
		expect(res.headers.get("allow")).toBe("POST");
		expect(await res.json()).toMatchObject({ code: 1004, sandbox: true });
	});
});

describe("request errors (HTTP 200, code > 0)", () => {
	it.for([
		["not JSON", "{", 1001],
		["a JSON array", "[]", 1001],
		["a JSON string", '"x"', 1001],
		["empty", "", 1001],
		["data not an object", JSON.stringify({ auth: A, data: [] }), 1002],
		["a wrongly typed field", JSON.stringify({ auth: A, data: { target_get: { page_size: "ten" } } }), 1002],
		[
			"an int64 that is not a number",
			JSON.stringify({ auth: A, data: { bind_delete: [{ bind_id: "1x" }] } }),
			1002,
		],
	] as const)("%s → %s", async ([, body, code], { expect }) => {
		const { res, json } = await call("target/get", body);
		expect(res.status).toBe(200);
		expect(json.code).toBe(code);
		expect(json.msg).not.toBe("");
		expect(json.taskid).toMatch(UUID);
	});

	it("rejects invalid UTF-8", async ({ expect }) => {
		const res = await SELF.fetch("https://sandbox.test/rta/info/get", {
			method: "POST",
			body: new Uint8Array([0x7b, 0xff, 0x7d]),
		});
		expect(await res.json()).toMatchObject({ code: 1001, msg: "body is not valid UTF-8" });
	});

	it("rejects a body over 1 MiB", async ({ expect }) => {
		const { json } = await call("info/get", JSON.stringify({ auth: A, pad: "x".repeat(1024 * 1024) }));
		expect(json.code).toBe(1005);
	});

	it("ignores unknown fields, like the upstream's extras", async ({ expect }) => {
		const { json } = await call("info/get", {
			auth: A,
			sandbox: true,
			extra: { x: 1 },
			data: { whatever: 1 },
		});
		expect(json.code).toBe(0);
	});
});

describe("auth", () => {
	it.for([
		["no auth", {}, 2001],
		["empty token", { auth: { dspid: "10001", token: "" } }, 2001],
		["no dspid", { auth: { token: "token-one" } }, 2001],
		["wrong token", { auth: { dspid: "10001", token: "token-two" } }, 2002],
		["unknown dspid", { auth: { dspid: "99999", token: "token-one" } }, 2002],
	] as const)("%s → %s", async ([, body, code], { expect }) => {
		const { res, json } = await call("target/get", body);
		expect(res.status).toBe(200);
		expect(json).toMatchObject({ code, sandbox: true, data: {} });
	});

	it("authenticates before saying whether a function exists", async ({ expect }) => {
		expect((await call("nope/get", {})).json.code).toBe(2001);
	});
});

describe("functions", () => {
	it.for([
		["nope/get", 1003, /unknown function "nope"/],
		["info/set", 1003, /unknown operate "set" for info; expected one of get/],
		["target/put", 1003, /expected one of get, set, delete/],
		["exp/get", 1004, /not simulated/],
		["bitmap/set", 1004, /not simulated/],
		["filter/delete", 1004, /not simulated/],
	] as const)("%s → %s", async ([path, code, msg], { expect }) => {
		const { json } = await call(path, { auth: A });
		expect(json.code).toBe(code);
		expect(json.msg).toMatch(msg);
	});
});

describe("info/get", () => {
	it("returns the configured profile, named after the dspid", async ({ expect }) => {
		const { json } = await call("info/get", { auth: A, data: {} });
		expect(Object.keys(json.data)).toEqual(["info_get"]);
		expect(json.data.info_get).toMatchObject({
			enable: 1,
			rta_name: "sandbox-10001",
			company_name: "txad sandbox",
			qps_limit: 1000,
			cache_second: 3600,
			rules: {
				os: [
					{ value: 1, desc: "iOS (demo)" },
					{ value: 2, desc: "Android (demo)" },
				],
				siteset: [],
			},
		});
	});
});

describe("sign/get, sign/set", () => {
	it("replaces the whole set, keeps order, and an empty list disables it", async ({ expect }) => {
		expect((await call("sign/get", { auth: A })).json.data).toEqual({ sign_get: [] });
		const first = [
			{ key: "X-Rta-B", value: "2" },
			{ key: "X-Rta-A", value: "1" },
		];
		expect((await call("sign/set", { auth: A, data: { sign_set: first } })).json).toMatchObject({ code: 0 });
		expect((await call("sign/get", { auth: A })).json.data.sign_get).toEqual(first);
		await call("sign/set", { auth: A, data: { sign_set: [{ key: "X-Only", value: "v" }] } });
		expect((await call("sign/get", { auth: A })).json.data.sign_get).toEqual([{ key: "X-Only", value: "v" }]);
		const off = await call("sign/set", { auth: A, data: { sign_set: [] } });
		expect(off.json).toMatchObject({ code: 0, msg: "success: header signature disabled" });
		expect((await call("sign/get", { auth: A })).json.data.sign_get).toEqual([]);
	});

	it("refuses a missing sign_set instead of disabling the signature", async ({ expect }) => {
		await call("sign/set", { auth: A, data: { sign_set: [{ key: "X-A", value: "1" }] } });
		const { json } = await call("sign/set", { auth: A, data: {} });
		expect(json).toMatchObject({ code: 1002, msg: "data.sign_set: is required and must be a list" });
		expect((await call("sign/get", { auth: A })).json.data.sign_get).toHaveLength(1);
	});

	it.for([
		[[{ key: "bad key", value: "v" }], 1002, "sign_set[0].key"],
		[[{ key: "Host", value: "v" }], 1002, "sign_set[0].key"],
		[
			[
				{ key: "x-a", value: "v" },
				{ key: "X-A", value: "w" },
			],
			1002,
			"sign_set[1].key",
		],
		[[{ key: "x-a", value: "" }], 1002, "sign_set[0].value"],
		[Array.from({ length: 11 }, (_, i) => ({ key: `x-${i}`, value: "v" })), 3004, "at most 10"],
	] as const)("rejects bad pairs, keeping the old set (case %#)", async ([signs, code, msg], { expect }) => {
		await call("sign/set", { auth: A, data: { sign_set: [{ key: "X-Keep", value: "1" }] } });
		const { json } = await call("sign/set", { auth: A, data: { sign_set: signs } });
		expect(json.code).toBe(code);
		expect(json.msg).toContain(msg);
		expect((await call("sign/get", { auth: A })).json.data.sign_get).toEqual([{ key: "X-Keep", value: "1" }]);
	});

	it("keeps accounts apart", async ({ expect }) => {
		await call("sign/set", { auth: A, data: { sign_set: [{ key: "X-A", value: "a" }] } });
		expect((await call("sign/get", { auth: B })).json.data.sign_get).toEqual([]);
	});
});

describe("target/*", () => {
	it("creates, updates and pages strategies with a total", async ({ expect }) => {
		await seedTargets(A, ["t3", "t1", "t2", "t5", "t4"]);
		await call("target/set", { auth: A, data: { target_set: { target_id: "t1", target_desc: "changed" } } });
		const page2 = await call("target/get", { auth: A, data: { target_get: { page_num: 2, page_size: 2 } } });
		expect(page2.json.data).toEqual({
			target_get: {
				page_num: 2,
				page_size: 2,
				total: 5,
				targets: [
					{ target_id: "t3", target_desc: "d-t3" },
					{ target_id: "t4", target_desc: "d-t4" },
				],
			},
		});
		const first = await call("target/get", { auth: A, data: { target_get: { page_num: 1, page_size: 1 } } });
		expect(first.json.data.target_get).toMatchObject({
			targets: [{ target_id: "t1", target_desc: "changed" }],
		});
		const beyond = await call("target/get", { auth: A, data: { target_get: { page_num: 9, page_size: 2 } } });
		expect(beyond.json.data.target_get).toMatchObject({ page_num: 9, total: 5, targets: [] });
	});

	it("returns everything with get_all, ignoring the paging fields", async ({ expect }) => {
		await seedTargets(A, ["a", "b", "c"]);
		const { json } = await call("target/get", {
			auth: A,
			data: { target_get: { page_num: 2, page_size: 1, get_all: true } },
		});
		expect(json.data.target_get).toMatchObject({ page_num: 1, page_size: 3, total: 3 });
	});

	it("defaults to page 1 of 100 when paging is absent", async ({ expect }) => {
		await seedTargets(A, ["a"]);
		const { json } = await call("target/get", { auth: A });
		expect(json.data.target_get).toMatchObject({ page_num: 1, page_size: 100, total: 1 });
	});

	it.for([
		[{ page_num: -1, page_size: 10 }, "target_get.page_num"],
		[{ page_num: 1, page_size: 1001 }, "target_get.page_size"],
		[{ page_num: 1, page_size: -5 }, "target_get.page_size"],
	] as const)("rejects paging %j", async ([paging, field], { expect }) => {
		const { json } = await call("target/get", { auth: A, data: { target_get: paging } });
		expect(json.code).toBe(1002);
		expect(json.msg).toContain(field);
	});

	it.for([
		[{}, "data.target_set"],
		[{ target_set: { target_id: "" } }, "target_set.target_id"],
		[{ target_set: { target_id: " padded" } }, "target_set.target_id"],
		[{ target_set: { target_id: "x".repeat(65) } }, "target_set.target_id"],
		[{ target_set: { target_id: "t", target_desc: "d".repeat(257) } }, "target_set.target_desc"],
	] as const)("target/set rejects %j", async ([data, field], { expect }) => {
		const { json } = await call("target/set", { auth: A, data });
		expect(json.code).toBe(1002);
		expect(json.msg).toContain(field);
	});

	it("enforces the per-dspid strategy limit, but still allows updates at the limit", async ({ expect }) => {
		await seedTargets(
			A,
			Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, "0")}`),
		);
		const over = await call("target/set", { auth: A, data: { target_set: { target_id: "one-more" } } });
		expect(over.json).toMatchObject({ code: 3004, msg: "at most 25 strategies per dspid" });
		const update = await call("target/set", {
			auth: A,
			data: { target_set: { target_id: "t00", target_desc: "x" } },
		});
		expect(update.json.code).toBe(0);
		expect((await call("target/set", { auth: B, data: { target_set: { target_id: "b" } } })).json.code).toBe(
			0,
		);
	});

	it("deletes all or nothing: unknown ids → 3001, bound ids → 3002", async ({ expect }) => {
		await seedTargets(A, ["keep", "bound", "free"]);
		await call("bind/set", {
			auth: A,
			data: { bind_set: [{ bind_id: 1, bind_type: 1, target_id: "bound" }] },
		});
		const unknown = await call("target/delete", {
			auth: A,
			data: { target_delete: [{ target_id: "free" }, { target_id: "ghost" }] },
		});
		expect(unknown.json).toMatchObject({ code: 3001, msg: "no such target_id: ghost; nothing deleted" });
		const inUse = await call("target/delete", {
			auth: A,
			data: { target_delete: [{ target_id: "free" }, { target_id: "bound" }] },
		});
		expect(inUse.json).toMatchObject({ code: 3002 });
		expect(inUse.json.msg).toContain("bound (1)");
		expect((await call("target/get", { auth: A })).json.data.target_get).toMatchObject({ total: 3 });
		const ok = await call("target/delete", {
			auth: A,
			data: { target_delete: [{ target_id: "free" }, { target_id: "keep" }] },
		});
		expect(ok.json).toMatchObject({ code: 0, data: {} });
		expect((await call("target/get", { auth: A })).json.data.target_get).toMatchObject({ total: 1 });
	});

	it("target/delete needs a non-empty list of valid ids", async ({ expect }) => {
		expect((await call("target/delete", { auth: A, data: {} })).json.code).toBe(1002);
		expect((await call("target/delete", { auth: A, data: { target_delete: [] } })).json.code).toBe(1002);
		expect(
			(await call("target/delete", { auth: A, data: { target_delete: [{ target_id: "" }] } })).json.msg,
		).toContain("target_delete[0].target_id");
	});

	it("keeps accounts apart", async ({ expect }) => {
		await seedTargets(A, ["mine"]);
		expect((await call("target/get", { auth: B })).json.data.target_get).toMatchObject({
			total: 0,
			targets: [],
		});
		expect(
			(await call("target/delete", { auth: B, data: { target_delete: [{ target_id: "mine" }] } })).json.code,
		).toBe(3001);
	});
});

describe("bind/*", () => {
	it("binds, reads back exact int64 ids, and records bind_source ThirdPartyApi", async ({ expect }) => {
		await seedTargets(A, ["t1"]);
		const body = `{"auth":{"dspid":"10001","token":"token-one"},"data":{"bind_set":[
			{"bind_id":9223372036854775807,"bind_type":1,"target_id":"t1","account_id":9007199254740993,"bind_source":3},
			{"bind_id":"42","bind_type":"SkuId","target_id":"t1"}]}}`;
		const set = await call("bind/set", body);
		expect(set.json).toMatchObject({
			code: 0,
			data: { bind_set: { success_num: 2, error_num: 0, errors: [] } },
		});
		const got = await call("bind/get", { auth: A, data: { bind_get: { page_num: 1, page_size: 10 } } });
		expect(got.text).toContain(
			'{"bind_id":9223372036854775807,"bind_type":1,"target_id":"t1","account_id":9007199254740993,"bind_source":1}',
		);
		expect(got.text).toContain(
			'{"bind_id":42,"bind_type":5,"target_id":"t1","account_id":0,"bind_source":1}',
		);
		const row = await env.SANDBOX_DB.prepare(
			"SELECT CAST(bind_id AS TEXT) AS id FROM binds WHERE bind_type = 1 AND dspid = '10001'",
		).first<{ id: string }>();
		expect(row?.id).toBe("9223372036854775807");
	});

	it("answers partial success (-1) with every failed record and why", async ({ expect }) => {
		await seedTargets(A, ["t1"]);
		const { json } = await call("bind/set", {
			auth: A,
			data: {
				bind_set: [
					{ bind_id: 1, bind_type: 1, target_id: "t1" },
					{ bind_id: 2, bind_type: 9, target_id: "t1" },
					{ bind_id: 3, bind_type: 2, target_id: "ghost" },
					{ bind_id: 1, bind_type: 1, target_id: "t1" },
					{ bind_id: 0, bind_type: 3, target_id: "t1" },
					{ bind_id: 4, bind_type: 4, target_id: "" },
					{ bind_id: 5, bind_type: 4, target_id: "t1" },
				],
			},
		});
		expect(json.code).toBe(-1);
		expect(json.msg).toBe("partial success: 5 of 7 records failed");
		const result = json.data.bind_set as {
			success_num: number;
			error_num: number;
			errors: { bind_id: number; bind_type: number; reason: string }[];
		};
		expect(result.success_num).toBe(2);
		expect(result.error_num).toBe(5);
		expect(result.errors.map((e) => [e.bind_id, e.bind_type])).toEqual([
			[2, 9],
			[3, 2],
			[1, 1],
			[0, 3],
			[4, 4],
		]);
		expect(result.errors[0]?.reason).toMatch(/^bind_type must be one of 1 \(AdgroupId\)/);
		expect(result.errors[1]?.reason).toBe('target_id "ghost" does not exist');
		expect(result.errors[2]?.reason).toBe("duplicate of record 0 in this request");
		expect(result.errors[3]?.reason).toBe("bind_id must be a positive integer");
		const all = await call("bind/get", { auth: A, data: { bind_get: { get_all: true } } });
		expect(all.json.data.bind_get).toMatchObject({ total: 2 });
	});

	it("answers 3003 with the per-record errors when every record fails, and writes nothing", async ({
		expect,
	}) => {
		const { json } = await call("bind/set", {
			auth: A,
			data: { bind_set: [{ bind_id: 7, bind_type: 1, target_id: "ghost" }] },
		});
		expect(json).toMatchObject({
			code: 3003,
			msg: "all 1 records failed",
			data: { bind_set: { success_num: 0, error_num: 1, errors: [{ bind_id: 7, bind_type: 1 }] } },
		});
		expect((await call("bind/get", { auth: A })).json.data.bind_get).toMatchObject({ total: 0 });
	});

	it("moves a bound object to another strategy", async ({ expect }) => {
		await seedTargets(A, ["t1", "t2"]);
		await call("bind/set", { auth: A, data: { bind_set: [{ bind_id: 5, bind_type: 2, target_id: "t1" }] } });
		await call("bind/set", {
			auth: A,
			data: { bind_set: [{ bind_id: 5, bind_type: 2, target_id: "t2", account_id: 8 }] },
		});
		const { json } = await call("bind/get", { auth: A, data: { bind_get: { get_all: true } } });
		expect(json.data.bind_get).toMatchObject({
			total: 1,
			binds: [{ bind_id: 5, target_id: "t2", account_id: 8 }],
		});
	});

	it("filters by target and pages", async ({ expect }) => {
		await seedTargets(A, ["t1", "t2"]);
		const binds = [1, 2, 3, 4, 5].map((id) => ({
			bind_id: id,
			bind_type: 1,
			target_id: id <= 3 ? "t1" : "t2",
		}));
		await call("bind/set", { auth: A, data: { bind_set: binds } });
		const t1 = await call("bind/get", {
			auth: A,
			data: { bind_get: { page_num: 2, page_size: 2, target_id: "t1" } },
		});
		expect(t1.json.data.bind_get).toMatchObject({
			page_num: 2,
			page_size: 2,
			total: 3,
			binds: [{ bind_id: 3 }],
		});
		const unknown = await call("bind/get", { auth: A, data: { bind_get: { target_id: "ghost" } } });
		expect(unknown.json).toMatchObject({ code: 0, data: { bind_get: { total: 0, binds: [] } } });
		const bad = await call("bind/get", { auth: A, data: { bind_get: { page_size: 5000 } } });
		expect(bad.json.code).toBe(1002);
	});

	it("deletes bindings with per-record errors", async ({ expect }) => {
		await seedTargets(A, ["t1"]);
		await call("bind/set", { auth: A, data: { bind_set: [{ bind_id: 1, bind_type: 1, target_id: "t1" }] } });
		const { json } = await call("bind/delete", {
			auth: A,
			data: {
				bind_delete: [
					{ bind_id: 1, bind_type: 1 },
					{ bind_id: 1, bind_type: 2 },
					{ bind_id: 3, bind_type: 0 },
				],
			},
		});
		expect(json).toMatchObject({
			code: -1,
			data: {
				bind_delete: {
					success_num: 1,
					error_num: 2,
					errors: [
						{ bind_id: 1, bind_type: 2, reason: "no such binding" },
						{ bind_id: 3, bind_type: 0 },
					],
				},
			},
		});
		const again = await call("bind/delete", {
			auth: A,
			data: { bind_delete: [{ bind_id: 1, bind_type: 1 }] },
		});
		expect(again.json.code).toBe(3003);
	});

	it.for([
		["bind/set", {}, 1002],
		["bind/set", { bind_set: [] }, 1002],
		["bind/delete", { bind_delete: {} }, 1002],
		[
			"bind/set",
			{
				bind_set: Array.from({ length: 1001 }, (_, i) => ({ bind_id: i + 1, bind_type: 1, target_id: "t" })),
			},
			3004,
		],
	] as const)(
		"%s rejects a malformed, empty or oversized list as a whole (case %#)",
		async ([path, data, code], { expect }) => {
			const { json } = await call(path, { auth: A, data });
			expect(json.code).toBe(code);
		},
	);

	it("keeps accounts apart: another dspid's strategy does not exist for you", async ({ expect }) => {
		await seedTargets(B, ["theirs"]);
		const { json } = await call("bind/set", {
			auth: A,
			data: { bind_set: [{ bind_id: 1, bind_type: 1, target_id: "theirs" }] },
		});
		expect(json.code).toBe(3003);
	});
});
