/**
 * `@txad/rta-admin` end to end against the sandbox: the real client, its fetch routed to SELF,
 * real D1 behind it. Proves the two agree on URLs, bodies, int64, paging, every error shape and
 * partial failures. Accounts 30003 and 40004.
 * @module
 */
import { SELF } from "cloudflare:test";
import { BindSourceType, BindType } from "@txad/proto";
import {
	assertBindComplete,
	createRtaAdminClient,
	fetchSignHeadersSecret,
	isRtaAdminError,
	type RtaAdminError,
} from "@txad/rta-admin";
import { beforeEach, describe, it } from "vitest";
import { resetAccounts, UUID } from "./helpers.ts";

function client(dspid = "30003", token = "token-three") {
	return createRtaAdminClient({
		baseUrl: "https://sandbox.test",
		dspid,
		token,
		fetch: (input, init) => SELF.fetch(input, init),
		retryDelayMs: 0,
	});
}

async function caught(p: Promise<unknown>): Promise<RtaAdminError> {
	try {
		await p;
	} catch (e) {
		if (isRtaAdminError(e)) return e;
		throw e;
	}
	throw new Error("expected a rejection");
}

beforeEach(async () => {
	await resetAccounts("30003", "40004");
});

describe("client ↔ sandbox", () => {
	it("reads the RTA profile", async ({ expect }) => {
		const info = await client().infoGet();
		expect(info.sandbox).toBe(true);
		expect(info.taskid).toMatch(UUID);
		expect(info.data).toMatchObject({
			enable: 1,
			rtaName: "sandbox-30003",
			qpsLimit: 1000,
			cacheSecond: 3600,
		});
		expect(info.data.rules?.os.map((r) => r.value)).toEqual([1, 2]);
	});

	it("syncs the header signature into the RTA_SIGN_HEADERS secret, and disables it", async ({ expect }) => {
		const rta = client();
		await rta.signSet([
			{ key: "X-Rta-Token", value: "tok-1" },
			{ key: "X-Rta-Dsp", value: "30003" },
		]);
		expect((await rta.signGet()).data.map((s) => [s.key, s.value])).toEqual([
			["X-Rta-Token", "tok-1"],
			["X-Rta-Dsp", "30003"],
		]);
		const synced = await fetchSignHeadersSecret(rta);
		expect(synced.secret).toBe('{"x-rta-dsp":"30003","x-rta-token":"tok-1"}');
		expect(synced.taskid).toMatch(UUID);
		await rta.signSet([]);
		expect((await fetchSignHeadersSecret(rta)).secret).toBe("{}");
	});

	it("manages strategies: set, page, get all both ways, delete", async ({ expect }) => {
		const rta = client();
		for (const id of ["s1", "s2", "s3", "s4", "s5"])
			await rta.targetSet({ targetId: id, targetDesc: `拉活 ${id}` });
		await rta.targetSet({ targetId: "s1", targetDesc: "updated" });
		const page = await rta.targetGet({ pageNum: 2, pageSize: 2 });
		expect(page.data).toMatchObject({ pageNum: 2, pageSize: 2, total: 5 });
		expect(page.data.targets.map((t) => t.targetId)).toEqual(["s3", "s4"]);
		const one = await rta.targetGetAll();
		expect(one.taskids).toHaveLength(1);
		expect(one.items.map((t) => [t.targetId, t.targetDesc])[0]).toEqual(["s1", "updated"]);
		const paged = await rta.targetGetAll({ pageSize: 2 });
		expect(paged.taskids).toHaveLength(3);
		expect(paged.items.map((t) => t.targetId)).toEqual(one.items.map((t) => t.targetId));
		const pages: number[] = [];
		for await (const p of rta.targetPages({ pageSize: 4 })) pages.push(p.targets.length);
		expect(pages).toEqual([4, 1]);
		await rta.targetDelete(["s4", "s5"]);
		expect((await rta.targetGetAll()).total).toBe(3);
	});

	it("binds with exact int64 ids and reads them back", async ({ expect }) => {
		const rta = client();
		await rta.targetSet({ targetId: "s1" });
		const result = await rta.bindSet([
			{
				bindId: 9223372036854775807n,
				bindType: BindType.AdgroupId,
				targetId: "s1",
				accountId: "9007199254740993",
			},
			{ bindId: 77, bindType: BindType.AgencyId, targetId: "s1" },
		]);
		expect(assertBindComplete(result)).toMatchObject({ status: "ok", code: 0, successNum: 2, errorNum: 0 });
		const all = await rta.bindGetAll({ targetId: "s1" });
		expect(all.items.map((b) => [b.bindId, b.bindType, b.accountId, b.bindSource])).toEqual([
			[9223372036854775807n, BindType.AdgroupId, 9007199254740993n, BindSourceType.ThirdPartyApi],
			[77n, BindType.AgencyId, 0n, BindSourceType.ThirdPartyApi],
		]);
		const paged = await rta.bindGetAll({ pageSize: 1 });
		expect(paged.items).toHaveLength(2);
		expect(paged.taskids).toHaveLength(2);
	});

	it("surfaces a partial bind/set: status partial, every failed record, and PARTIAL_FAILURE on demand", async ({
		expect,
	}) => {
		const rta = client();
		await rta.targetSet({ targetId: "s1" });
		const result = await rta.bindSet([
			{ bindId: 1, bindType: BindType.AdgroupId, targetId: "s1" },
			{ bindId: 2, bindType: BindType.CampaignId, targetId: "missing" },
			{ bindId: 3, bindType: BindType.SkuId, targetId: "s1" },
		]);
		expect(result).toMatchObject({ status: "partial", code: -1, successNum: 2, errorNum: 1, sandbox: true });
		expect(result.errors.map((e) => [e.bindId, e.bindType, e.reason])).toEqual([
			[2n, BindType.CampaignId, 'target_id "missing" does not exist'],
		]);
		const e = await caught(Promise.resolve().then(() => assertBindComplete(result)));
		expect(e).toMatchObject({ code: "PARTIAL_FAILURE", apiCode: -1, taskid: result.taskid });
		expect(e.bindErrors).toHaveLength(1);
		expect((await rta.bindGetAll()).total).toBe(2);
	});

	it("throws API_ERROR 3003 with the per-record errors when every record fails", async ({ expect }) => {
		const e = await caught(client().bindSet([{ bindId: 5, bindType: BindType.AccountId, targetId: "none" }]));
		expect(e).toMatchObject({ code: "API_ERROR", apiCode: 3003, operation: "bind/set" });
		expect(e.taskid).toMatch(UUID);
		expect(e.bindErrors.map((b) => [b.bindId, b.reason])).toEqual([[5n, 'target_id "none" does not exist']]);
	});

	it("surfaces a partial bind/delete", async ({ expect }) => {
		const rta = client();
		await rta.targetSet({ targetId: "s1" });
		await rta.bindSet([{ bindId: 1, bindType: BindType.AdgroupId, targetId: "s1" }]);
		const result = await rta.bindDelete([
			{ bindId: 1, bindType: BindType.AdgroupId },
			{ bindId: 2, bindType: BindType.AdgroupId },
		]);
		expect(result).toMatchObject({ status: "partial", successNum: 1, errorNum: 1 });
		expect(result.errors[0]).toMatchObject({ bindId: 2n, reason: "no such binding" });
	});

	it("refuses to delete a bound strategy (3002), then deletes it once unbound", async ({ expect }) => {
		const rta = client();
		await rta.targetSet({ targetId: "s1" });
		await rta.bindSet([{ bindId: 10, bindType: BindType.CampaignId, targetId: "s1" }]);
		const e = await caught(rta.targetDelete("s1"));
		expect(e).toMatchObject({
			code: "API_ERROR",
			apiCode: 3002,
			operation: "target/delete",
			httpStatus: 200,
		});
		expect(e.msg).toContain("s1 (1)");
		assertBindComplete(await rta.bindDelete([{ bindId: 10, bindType: BindType.CampaignId }]));
		expect((await rta.targetDelete("s1")).code).toBe(0);
		expect((await caught(rta.targetDelete("s1"))).apiCode).toBe(3001);
	});

	it("throws API_ERROR 2002 for a wrong token, without retrying", async ({ expect }) => {
		const e = await caught(client("30003", "wrong").infoGet());
		expect(e).toMatchObject({
			code: "API_ERROR",
			apiCode: 2002,
			attempts: 1,
			msg: "unknown dspid or wrong token",
		});
		expect(e.taskid).toMatch(UUID);
	});

	it("keeps accounts apart", async ({ expect }) => {
		await client().targetSet({ targetId: "mine" });
		expect((await client("40004", "token-four").targetGetAll()).items).toEqual([]);
	});

	it("reaches unsimulated functions through raw() and reports their code", async ({ expect }) => {
		const e = await caught(client().raw("exp", "get", { exp_get: {} }));
		expect(e).toMatchObject({ code: "API_ERROR", apiCode: 1004 });
		expect((await caught(client().raw("nope", "get"))).apiCode).toBe(1003);
		const ok = await client().raw("info", "get");
		expect(ok.data).toHaveProperty("info_get");
	});

	it("answers the sandbox's limit (3004) as an API_ERROR", async ({ expect }) => {
		const rta = client();
		for (let i = 0; i < 25; i++) await rta.targetSet({ targetId: `t${i}` });
		const e = await caught(rta.targetSet({ targetId: "one-too-many" }));
		expect(e).toMatchObject({ code: "API_ERROR", apiCode: 3004 });
	});

	it("reports a wrong path as HTTP 404 with the envelope's code", async ({ expect }) => {
		const rta = createRtaAdminClient({
			baseUrl: "https://sandbox.test/wrong-prefix",
			dspid: "30003",
			token: "token-three",
			fetch: (input, init) => SELF.fetch(input, init),
		});
		const e = await caught(rta.infoGet());
		expect(e).toMatchObject({ code: "API_ERROR", apiCode: 1003, httpStatus: 404, attempts: 1 });
	});
});
