/**
 * Client behaviour against crafted answers, through the injectable `fetch` seam: argument
 * checks (nothing sent), request bodies, every envelope and error shape, timeouts, abort and
 * the retry policy. End-to-end behaviour against the sandbox lives in apps/rta-admin-sandbox.
 * @module
 */
import { BindType } from "@txad/proto";
import { describe, it } from "vitest";
import { assertBindComplete, type BindWriteResult, createRtaAdminClient, type FetchLike } from "./client.ts";
import { isRtaAdminError, type RtaAdminError } from "./errors.ts";

interface Call {
	url: string;
	body: Record<string, unknown>;
	text: string;
}

const TASKID = "5f0c3c2e-8a0a-4c1e-9a55-0c0f1d9e2b11";

/** A fetch answering from a queue of responders and recording what was sent. */
function fakeFetch(...answers: ((call: Call, init: RequestInit) => Response | Promise<Response>)[]) {
	const calls: Call[] = [];
	const fetch: FetchLike = async (url, init) => {
		const text = String(init.body);
		const call = { url, text, body: JSON.parse(text) as Record<string, unknown> };
		calls.push(call);
		const answer = answers[Math.min(calls.length, answers.length) - 1];
		if (answer === undefined) throw new Error("no answer queued");
		return answer(call, init);
	};
	return { fetch, calls };
}

function envelope(code: number, data: unknown = {}, extra: Record<string, unknown> = {}) {
	return () =>
		Response.json({
			code,
			msg: code === 0 ? "" : `msg for ${code}`,
			taskid: TASKID,
			sandbox: false,
			data,
			...extra,
		});
}

function client(fetch: FetchLike, extra: Partial<Parameters<typeof createRtaAdminClient>[0]> = {}) {
	return createRtaAdminClient({
		baseUrl: "https://api.test/base/",
		dspid: "123",
		token: "tok",
		fetch,
		retryDelayMs: 0,
		...extra,
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

describe("construction", () => {
	it.for([
		[{ baseUrl: "not a url" }, "baseUrl"],
		[{ baseUrl: "ftp://x.test" }, "baseUrl"],
		[{ dspid: "" }, "dspid"],
		[{ token: "" }, "token"],
		[{ timeoutMs: 0 }, "timeoutMs"],
		[{ retries: -1 }, "retries"],
		[{ retries: 1.5 }, "retries"],
		[{ retryDelayMs: Number.NaN }, "retryDelayMs"],
	] as const)("rejects %o", ([override, field], { expect }) => {
		const base = { baseUrl: "https://api.test", dspid: "1", token: "t" };
		expect(() => createRtaAdminClient({ ...base, ...override })).toThrow(
			expect.objectContaining({ code: "INVALID_ARGUMENT", field }),
		);
	});
});

describe("requests", () => {
	it("POSTs JSON to {base}/rta/{function}/{operate} with auth and only the operation's node", async ({
		expect,
	}) => {
		const { fetch, calls } = fakeFetch(
			envelope(0, { target_get: { page_num: 2, page_size: 10, total: 0, targets: [] } }),
		);
		let init: RequestInit | undefined;
		const spy: FetchLike = (url, i) => {
			init = i;
			return fetch(url, i);
		};
		await client(spy).targetGet({ pageNum: 2, pageSize: 10 });
		expect(calls[0]?.url).toBe("https://api.test/base/rta/target/get");
		expect(init?.method).toBe("POST");
		expect(new Headers(init?.headers).get("content-type")).toBe("application/json; charset=utf-8");
		expect(calls[0]?.body).toEqual({
			auth: { dspid: "123", token: "tok" },
			sandbox: false,
			data: { target_get: { page_num: 2, page_size: 10, get_all: false } },
		});
	});

	it("sends info/get and sign/get with an empty data object", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(
			envelope(0, { info_get: { rta_name: "x" } }),
			envelope(0, { sign_get: [] }),
		);
		const c = client(fetch, { sandbox: true });
		await c.infoGet();
		await c.signGet();
		expect(calls.map((x) => x.url)).toEqual([
			"https://api.test/base/rta/info/get",
			"https://api.test/base/rta/sign/get",
		]);
		expect(calls[0]?.body).toEqual({ auth: { dspid: "123", token: "tok" }, sandbox: true, data: {} });
		expect(calls[1]?.body.data).toEqual({});
	});

	it("writes int64 ids as exact JSON numbers and enums as integers", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(
			envelope(0, { bind_set: { success_num: 3, error_num: 0, errors: [] } }),
		);
		await client(fetch).bindSet([
			{ bindId: "9223372036854775807", bindType: BindType.AdgroupId, targetId: "t1", accountId: 42n },
			{ bindId: 9007199254740991, bindType: BindType.CampaignId, targetId: "t1" },
			{ bindId: 9123456789012345678n, bindType: BindType.SkuId, targetId: "t2" },
		]);
		const text = calls[0]?.text ?? "";
		expect(text).toContain('"bind_id":9223372036854775807,"bind_type":1,"target_id":"t1","account_id":42');
		expect(text).toContain('"bind_id":9007199254740991,"bind_type":2');
		expect(text).toContain('"bind_id":9123456789012345678,"bind_type":5');
	});

	it("sends sign/set with an explicit empty list to disable the signature", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(envelope(0));
		const ack = await client(fetch).signSet([]);
		expect(calls[0]?.body.data).toEqual({ sign_set: [] });
		expect(ack).toEqual({ code: 0, msg: "", taskid: TASKID, sandbox: false });
	});

	it("sends get_all for the *GetAll helpers without a page size", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(
			envelope(0, {
				target_get: {
					page_num: 1,
					page_size: 2,
					total: 2,
					targets: [{ target_id: "a" }, { target_id: "b" }],
				},
			}),
			envelope(0, {
				bind_get: { total: 1, binds: [{ bind_id: "7", bind_type: "CampaignId", target_id: "a" }] },
			}),
		);
		const c = client(fetch);
		const targets = await c.targetGetAll();
		const binds = await c.bindGetAll({ targetId: "a" });
		expect(calls[0]?.body.data).toEqual({ target_get: { page_num: 0, page_size: 0, get_all: true } });
		expect(calls[1]?.body.data).toEqual({
			bind_get: { page_num: 0, page_size: 0, target_id: "a", get_all: true },
		});
		expect(targets.items.map((t) => t.targetId)).toEqual(["a", "b"]);
		expect(targets.taskids).toEqual([TASKID]);
		expect(binds.items[0]?.bindId).toBe(7n);
		expect(binds.items[0]?.bindType).toBe(BindType.CampaignId);
	});

	it("walks pages until total when a page size is given", async ({ expect }) => {
		const page = (n: number, ids: string[]) =>
			envelope(0, {
				target_get: { page_num: n, page_size: 2, total: 5, targets: ids.map((target_id) => ({ target_id })) },
			});
		const { fetch, calls } = fakeFetch(page(1, ["a", "b"]), page(2, ["c", "d"]), page(3, ["e"]));
		const all = await client(fetch).targetGetAll({ pageSize: 2 });
		expect(all.items.map((t) => t.targetId)).toEqual(["a", "b", "c", "d", "e"]);
		expect(all.total).toBe(5);
		expect(all.taskids).toHaveLength(3);
		expect(
			calls.map((c) => (c.body.data as { target_get: { page_num: number } }).target_get.page_num),
		).toEqual([1, 2, 3]);
	});

	it("stops walking pages at an empty page even if total says more", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(
			envelope(0, { bind_get: { total: 10, binds: [{ bind_id: 1, bind_type: 1, target_id: "a" }] } }),
			envelope(0, { bind_get: { total: 10, binds: [] } }),
		);
		const pages = [];
		for await (const p of client(fetch).bindPages({ pageSize: 1 })) pages.push(p.binds.length);
		expect(pages).toEqual([1, 0]);
		expect(calls).toHaveLength(2);
	});
});

describe("argument validation (nothing is sent)", () => {
	const { fetch, calls } = fakeFetch(envelope(0));
	const c = client(fetch);
	const bind = { bindId: 1, bindType: BindType.AdgroupId, targetId: "t" };
	it.for([
		["page_num 0", () => c.targetGet({ pageNum: 0, pageSize: 10 }), "page_num"],
		["page_size 0", () => c.targetGet({ pageNum: 1, pageSize: 0 }), "page_size"],
		["page_size 1001", () => c.bindGet({ pageNum: 1, pageSize: 1001 }), "page_size"],
		["page_size 1.5", () => c.targetGetAll({ pageSize: 1.5 }), "page_size"],
		["empty target_id", () => c.targetSet({ targetId: "" }), "target_set.target_id"],
		["padded target_id", () => c.targetSet({ targetId: " t" }), "target_set.target_id"],
		["long target_id", () => c.targetSet({ targetId: "x".repeat(65) }), "target_set.target_id"],
		[
			"long target_desc",
			() => c.targetSet({ targetId: "t", targetDesc: "d".repeat(257) }),
			"target_set.target_desc",
		],
		["no ids to delete", () => c.targetDelete([]), "target_delete"],
		["duplicate delete", () => c.targetDelete(["a", "a"]), "target_delete[1].target_id"],
		["bad bind_get filter", () => c.bindGet({ pageNum: 1, pageSize: 1, targetId: "" }), "bind_get.target_id"],
		["header name with space", () => c.signSet([{ key: "X Rta", value: "v" }]), "sign_set[0].key"],
		["header name reserved", () => c.signSet([{ key: "Content-Type", value: "v" }]), "sign_set[0].key"],
		[
			"header name twice",
			() =>
				c.signSet([
					{ key: "x-a", value: "1" },
					{ key: "X-A", value: "2" },
				]),
			"sign_set[1].key",
		],
		["header value with newline", () => c.signSet([{ key: "x-a", value: "a\r\nb" }]), "sign_set[0].value"],
		["header value empty", () => c.signSet([{ key: "x-a", value: "" }]), "sign_set[0].value"],
		[
			"too many headers",
			() => c.signSet(Array.from({ length: 11 }, (_, i) => ({ key: `x-${i}`, value: "v" }))),
			"sign_set",
		],
		["empty bind list", () => c.bindSet([]), "bind_set"],
		[
			"too many binds",
			() => c.bindSet(Array.from({ length: 1001 }, (_, i) => ({ ...bind, bindId: i + 1 }))),
			"bind_set",
		],
		["unknown bind_type", () => c.bindSet([{ ...bind, bindType: 9 as BindType }]), "bind_set[0].bind_type"],
		[
			"bind_type 0",
			() => c.bindDelete([{ bindId: 1, bindType: BindType.UnknownBindType }]),
			"bind_delete[0].bind_type",
		],
		["bind_id 0", () => c.bindSet([{ ...bind, bindId: 0 }]), "bind_set[0].bind_id"],
		["unsafe number bind_id", () => c.bindSet([{ ...bind, bindId: 2 ** 53 }]), "bind_set[0].bind_id"],
		["bind_id not digits", () => c.bindSet([{ ...bind, bindId: "12a" }]), "bind_set[0].bind_id"],
		["bind_id above int64", () => c.bindSet([{ ...bind, bindId: 2n ** 63n }]), "bind_set[0].bind_id"],
		["negative account_id", () => c.bindSet([{ ...bind, accountId: -1 }]), "bind_set[0].account_id"],
		["bind target_id empty", () => c.bindSet([{ ...bind, targetId: "" }]), "bind_set[0].target_id"],
		[
			"duplicate bind",
			() => c.bindDelete([bind, { bindId: "1", bindType: BindType.AdgroupId }]),
			"bind_delete[1]",
		],
		["raw function", () => c.raw("Exp/x", "get"), "function"],
	] as const)("%s", async ([, call, field], { expect }) => {
		const e = await caught(call());
		expect(e.code).toBe("INVALID_ARGUMENT");
		expect(e.field).toBe(field);
		expect(calls).toHaveLength(0);
	});
});

describe("envelopes and error shapes", () => {
	it("returns data with code, msg, taskid and sandbox", async ({ expect }) => {
		const { fetch } = fakeFetch(
			envelope(
				0,
				{
					info_get: {
						enable: 1,
						rta_name: "demo",
						qps_limit: 500,
						rules: { os: [{ value: 1, desc: "iOS" }] },
					},
				},
				{ sandbox: true },
			),
		);
		const r = await client(fetch).infoGet();
		expect(r.taskid).toBe(TASKID);
		expect(r.sandbox).toBe(true);
		expect(r.data.rtaName).toBe("demo");
		expect(r.data.qpsLimit).toBe(500);
		expect(r.data.rules?.os[0]?.desc).toBe("iOS");
	});

	it("reads task_id as well as taskid, and falls back to status when msg is empty", async ({ expect }) => {
		const { fetch } = fakeFetch(() =>
			Response.json({ code: 0, status: "success", task_id: "t-1", data: { sign_get: null } }),
		);
		const r = await client(fetch).signGet();
		expect(r).toMatchObject({ taskid: "t-1", msg: "success", data: [] });
	});

	it("throws API_ERROR with apiCode, msg, taskid for code > 0, and is not retried", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(envelope(2002));
		const e = await caught(client(fetch, { retries: 3 }).targetGet({ pageNum: 1, pageSize: 1 }));
		expect(e).toMatchObject({
			code: "API_ERROR",
			apiCode: 2002,
			msg: "msg for 2002",
			taskid: TASKID,
			operation: "target/get",
			httpStatus: 200,
			attempts: 1,
		});
		expect(e.message).toContain(TASKID);
		expect(calls).toHaveLength(1);
	});

	it("keeps per-record errors on an API_ERROR from bind/set", async ({ expect }) => {
		const errors = [{ bind_id: 5, bind_type: 1, reason: "target not found" }];
		const { fetch } = fakeFetch(envelope(3003, { bind_set: { success_num: 0, error_num: 1, errors } }));
		const e = await caught(
			client(fetch).bindSet([{ bindId: 5, bindType: BindType.AdgroupId, targetId: "nope" }]),
		);
		expect(e.code).toBe("API_ERROR");
		expect(e.bindErrors).toHaveLength(1);
		expect(e.bindErrors[0]).toMatchObject({ bindId: 5n, bindType: 1, reason: "target not found" });
		expect(e.data?.bindSet?.errorNum).toBe(1);
	});

	it("returns a partial bind/set as status partial with every per-record error", async ({ expect }) => {
		const errors = [
			{ bind_id: "9223372036854775807", bind_type: 1, reason: "target not found" },
			{ bind_id: 3, bind_type: 4, reason: "duplicate" },
		];
		const { fetch } = fakeFetch(envelope(-1, { bind_set: { success_num: 1, error_num: 2, errors } }));
		const r = await client(fetch).bindSet([
			{ bindId: 1, bindType: BindType.AdgroupId, targetId: "a" },
			{ bindId: "9223372036854775807", bindType: BindType.AdgroupId, targetId: "x" },
			{ bindId: 3, bindType: BindType.AgencyId, targetId: "a" },
		]);
		expect(r).toMatchObject({ status: "partial", code: -1, successNum: 1, errorNum: 2, taskid: TASKID });
		expect(r.errors.map((x) => [x.bindId, x.reason])).toEqual([
			[9223372036854775807n, "target not found"],
			[3n, "duplicate"],
		]);
		const e = await caught(Promise.resolve().then(() => assertBindComplete(r)));
		expect(e).toMatchObject({ code: "PARTIAL_FAILURE", apiCode: -1, taskid: TASKID });
		expect(e.bindErrors).toHaveLength(2);
	});

	it("treats code 0 with listed errors as partial, never as ok", async ({ expect }) => {
		const { fetch } = fakeFetch(
			envelope(0, {
				bind_delete: {
					success_num: 0,
					error_num: 1,
					errors: [{ bind_id: 1, bind_type: 1, reason: "not bound" }],
				},
			}),
		);
		const r = await client(fetch).bindDelete([{ bindId: 1, bindType: BindType.AdgroupId }]);
		expect(r.status).toBe("partial");
	});

	it("returns ok for a complete bind/delete, and assertBindComplete passes it through", async ({
		expect,
	}) => {
		const { fetch } = fakeFetch(envelope(0, { bind_delete: { success_num: 1, error_num: 0, errors: [] } }));
		const r: BindWriteResult = await client(fetch).bindDelete([{ bindId: 1, bindType: BindType.AdgroupId }]);
		expect(r.status).toBe("ok");
		expect(assertBindComplete(r)).toBe(r);
	});

	it("throws PARTIAL_FAILURE for code < 0 on an operation without per-record results", async ({ expect }) => {
		const { fetch } = fakeFetch(envelope(-1));
		const e = await caught(client(fetch).targetDelete("a"));
		expect(e).toMatchObject({ code: "PARTIAL_FAILURE", apiCode: -1, operation: "target/delete" });
	});

	it.for([
		["HTML from a proxy", () => new Response("<html>oops</html>", { status: 200 }), "INVALID_RESPONSE"],
		["a JSON array", () => Response.json([1]), "INVALID_RESPONSE"],
		["no code", () => Response.json({ msg: "x", data: {} }), "INVALID_RESPONSE"],
		["a string code", () => Response.json({ code: "0", data: {} }), "INVALID_RESPONSE"],
		["no data on success", () => Response.json({ code: 0, taskid: "t" }), "INVALID_RESPONSE"],
		["a wrongly typed field", () => Response.json({ code: 0, taskid: 5, data: {} }), "INVALID_RESPONSE"],
		["no info_get node", () => Response.json({ code: 0, data: {} }), "INVALID_RESPONSE"],
		["HTTP 500 without an envelope", () => new Response("bad gateway", { status: 502 }), "HTTP_ERROR"],
		["HTTP 404 with code 0", () => Response.json({ code: 0, data: {} }, { status: 404 }), "HTTP_ERROR"],
		[
			"HTTP 401 with an envelope",
			() => Response.json({ code: 2002, msg: "bad token", data: {} }, { status: 401 }),
			"API_ERROR",
		],
	] as const)("%s → %s", async ([, answer, code], { expect }) => {
		const { fetch } = fakeFetch(answer);
		const e = await caught(client(fetch, { retries: 0 }).infoGet());
		expect(e.code).toBe(code);
		expect(e.operation).toBe("info/get");
	});

	it("reports the HTTP status of a non-2xx envelope", async ({ expect }) => {
		const { fetch } = fakeFetch(() =>
			Response.json({ code: 2001, msg: "no auth", taskid: "t", data: {} }, { status: 401 }),
		);
		const e = await caught(client(fetch).signGet());
		expect(e).toMatchObject({ code: "API_ERROR", apiCode: 2001, httpStatus: 401 });
	});

	it("raw() returns the envelope data untyped and still throws for code > 0", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(envelope(0, { exp_get: { exps: [1, 2] } }), envelope(1004));
		const c = client(fetch);
		const r = await c.raw("exp", "get", { exp_get: { page_num: 1 } });
		expect(r.data).toEqual({ exp_get: { exps: [1, 2] } });
		expect(calls[0]?.url).toBe("https://api.test/base/rta/exp/get");
		expect(calls[0]?.body.data).toEqual({ exp_get: { page_num: 1 } });
		expect((await caught(c.raw("bitmap", "set"))).apiCode).toBe(1004);
	});
});

describe("timeouts, abort and retries", () => {
	const hang: (c: Call, init: RequestInit) => Promise<Response> = () => new Promise<Response>(() => {});

	it("times out a fetch that never answers, even one that ignores the signal", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(hang);
		const e = await caught(client(fetch, { timeoutMs: 30 }).targetSet({ targetId: "t" }));
		expect(e).toMatchObject({ code: "TIMEOUT", operation: "target/set", attempts: 1 });
		expect(calls).toHaveLength(1);
	});

	it("times out a body that never ends", async ({ expect }) => {
		const stalled = () => new Response(new ReadableStream({ start() {} }), { status: 200 });
		const { fetch } = fakeFetch(stalled);
		const e = await caught(client(fetch, { timeoutMs: 30, retries: 0 }).signGet());
		expect(e.code).toBe("TIMEOUT");
	});

	it("passes an AbortSignal to fetch that fires on timeout", async ({ expect }) => {
		let signal: AbortSignal | undefined;
		const { fetch } = fakeFetch((_c, init) => {
			signal = init.signal ?? undefined;
			return hang(_c, init);
		});
		await caught(client(fetch, { timeoutMs: 20 }).targetDelete("t"));
		expect(signal?.aborted).toBe(true);
	});

	it("retries a get after a timeout, a network error and a 503, then succeeds", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(
			hang,
			() => Promise.reject(new TypeError("connection reset")),
			() => new Response("unavailable", { status: 503 }),
			envelope(0, { sign_get: [{ key: "x-a", value: "1" }] }),
		);
		const r = await client(fetch, { timeoutMs: 20, retries: 3 }).signGet();
		expect(r.data.map((s) => s.key)).toEqual(["x-a"]);
		expect(calls).toHaveLength(4);
	});

	it("gives up after the configured retries and reports the attempts", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(() => new Response("down", { status: 500 }));
		const e = await caught(client(fetch, { retries: 2 }).bindGet({ pageNum: 1, pageSize: 5 }));
		expect(e).toMatchObject({ code: "HTTP_ERROR", httpStatus: 500, attempts: 3 });
		expect(calls).toHaveLength(3);
	});

	it.for([
		["target/set", (c: ReturnType<typeof client>) => c.targetSet({ targetId: "t" })],
		["target/delete", (c: ReturnType<typeof client>) => c.targetDelete(["t"])],
		["sign/set", (c: ReturnType<typeof client>) => c.signSet([])],
		[
			"bind/set",
			(c: ReturnType<typeof client>) =>
				c.bindSet([{ bindId: 1, bindType: BindType.AdgroupId, targetId: "t" }]),
		],
		[
			"bind/delete",
			(c: ReturnType<typeof client>) => c.bindDelete([{ bindId: 1, bindType: BindType.AdgroupId }]),
		],
	] as const)("never retries %s", async ([operation, call], { expect }) => {
		const { fetch, calls } = fakeFetch(() => new Response("down", { status: 503 }));
		const e = await caught(call(client(fetch, { retries: 5 })));
		expect(e).toMatchObject({ code: "HTTP_ERROR", operation, attempts: 1 });
		expect(calls).toHaveLength(1);
	});

	it.for([
		["400", 400],
		["404", 404],
	] as const)("does not retry HTTP %s", async ([, status], { expect }) => {
		const { fetch, calls } = fakeFetch(() => new Response("no", { status }));
		await caught(client(fetch, { retries: 3 }).infoGet());
		expect(calls).toHaveLength(1);
	});

	it("does not retry an invalid 2xx answer", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(() => new Response("{", { status: 200 }));
		await caught(client(fetch, { retries: 3 }).infoGet());
		expect(calls).toHaveLength(1);
	});

	it("gives up at once when Retry-After is too long, and records it", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(
			() => new Response("slow down", { status: 429, headers: { "retry-after": "60" } }),
		);
		const e = await caught(client(fetch, { retries: 3 }).infoGet());
		expect(e).toMatchObject({ code: "HTTP_ERROR", httpStatus: 429, retryAfterMs: 60_000 });
		expect(calls).toHaveLength(1);
	});

	it("waits out a short Retry-After", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(
			() => new Response("slow down", { status: 429, headers: { "retry-after": "0" } }),
			envelope(0, { sign_get: [] }),
		);
		await client(fetch, { retries: 1 }).signGet();
		expect(calls).toHaveLength(2);
	});

	it("aborts on the caller's signal, before sending and during backoff", async ({ expect }) => {
		const { fetch, calls } = fakeFetch(() => new Response("down", { status: 503 }));
		const c = client(fetch, { retries: 3, retryDelayMs: 10_000 });
		const already = AbortSignal.abort();
		expect((await caught(c.infoGet({ signal: already }))).code).toBe("ABORTED");
		expect(calls).toHaveLength(0);
		const controller = new AbortController();
		const pending = caught(c.infoGet({ signal: controller.signal }));
		setTimeout(() => controller.abort(), 20);
		const e = await pending;
		expect(e).toMatchObject({ code: "ABORTED", attempts: 1 });
		expect(calls).toHaveLength(1);
	});

	it("aborts an in-flight request on the caller's signal", async ({ expect }) => {
		const { fetch } = fakeFetch(hang);
		const controller = new AbortController();
		const pending = caught(
			client(fetch, { timeoutMs: 10_000 }).targetSet({ targetId: "t" }, { signal: controller.signal }),
		);
		setTimeout(() => controller.abort(), 10);
		expect((await pending).code).toBe("ABORTED");
	});

	it("lets one call override the timeout", async ({ expect }) => {
		const { fetch } = fakeFetch(hang);
		const e = await caught(client(fetch, { timeoutMs: 60_000, retries: 0 }).infoGet({ timeoutMs: 15 }));
		expect(e.code).toBe("TIMEOUT");
		expect(e.message).toContain("15 ms");
	});
});
