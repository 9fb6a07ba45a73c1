/**
 * The console's endpoints through SELF against the real KV: `POST /admin/debug` (the debug tool
 * through the real /rta path and explain), `GET /admin/metrics` (this isolate's counters in the
 * `txad rta stats` shape) and `GET /admin/ui/` (static files with a self-only CSP). Each refuses
 * a missing or wrong token and names the field of bad input.
 * @module
 */
import { SELF } from "cloudflare:test";
import { decodeRtaRequest } from "@txad/proto";
import { beforeAll, describe, it } from "vitest";
import { CONSOLE_CSP } from "../src/handlers/console.ts";
import { admin, askRta, BASE, freshImei, imeiRequest, putAudience, putConfig } from "./helpers.ts";

beforeAll(() => putConfig());

interface Debugged {
	request: { bytes: number; hex: string; base64: string; json: Record<string, unknown> };
	http_status: number;
	response: { bytes: number; hex: string; base64: string; json: Record<string, unknown> } | null;
	explain: {
		code: number;
		code_name: string;
		strategies: { id: string; selected: boolean; reason: string }[];
	};
	agrees: boolean;
}

async function debug(form: unknown): Promise<Debugged> {
	const res = await admin("POST", "/admin/debug", form);
	if (res.status !== 200) throw new Error(`debug: ${res.status} ${await res.text()}`);
	return (await res.json()) as Debugged;
}

describe("POST /admin/debug", () => {
	it("sends the form's request through /rta: exact bytes, decoded answer and trace for a take", async ({
		expect,
	}) => {
		const imei = freshImei();
		await putAudience([{ type: "imei", id: imei.raw, segments: ["new_user"] }]);
		const d = await debug({
			ids: [{ type: "imei", value: imei.raw }],
			os: "android",
			cached_deviceid_type: "IMEI_MD5",
			exps: [1002],
			request_id: "dbg-1",
		});
		expect(d.http_status).toBe(200);
		expect(d.request.json).toMatchObject({
			id: "dbg-1",
			is_test: true,
			device: { os: "OS_ANDROID", imei_md5sum: imei.hash, cached_deviceid_type: "IMEI_MD5" },
			exps: [{ exp_id: 1002 }],
		});
		// The bytes shown are the bytes sent: they decode to the same request.
		const bytes = Uint8Array.from(atob(d.request.base64), (c) => c.charCodeAt(0));
		expect(bytes.byteLength).toBe(d.request.bytes);
		expect(decodeRtaRequest(bytes).device?.imeiMd5sum).toBe(imei.hash);
		expect(d.request.hex).toHaveLength(2 * d.request.bytes);
		expect(d.response?.json).toMatchObject({
			request_id: "dbg-1",
			out_target_id: ["st_new_user"],
			target_infos: [{ out_target_id: "st_new_user", cpc_factor: 2 }],
		});
		expect(d.explain.code_name).toBe("TAKE");
		expect(d.explain.strategies.find((s) => s.id === "st_new_user")).toMatchObject({
			selected: true,
			reason: "included by new_user",
		});
		expect(d.agrees).toBe(true);
	});

	it("shows a refusal and why: an excluded device (code 4)", async ({ expect }) => {
		const imei = freshImei();
		await putAudience([{ type: "imei_md5", hash: imei.hash, segments: ["new_user", "installed"] }]);
		const d = await debug({ ids: [{ type: "imei_md5", value: imei.hash }], is_test: false });
		expect(d.request.json).toMatchObject({ is_test: false });
		expect(d.response?.json).toMatchObject({ code: 4 });
		expect(d.explain.strategies.find((s) => s.id === "st_new_user")?.reason).toBe("excluded by installed");
	});

	it("builds an ad-list (second stage) request", async ({ expect }) => {
		const d = await debug({
			ids: [{ type: "caid", value: "caid-demo", caid_version: 20230330 }],
			stage: "adlist",
			ad_infos: [
				{ adgroup_id: "18446744073709551615", creative_ids: ["7"], out_target_id: "st_vip" },
				{ adgroup_id: 1002 },
			],
		});
		expect(d.request.json).toMatchObject({
			request_info: { request_type: "ADLIST_REQUEST" },
			ad_infos: [
				{
					adgroup_id: "18446744073709551615",
					creative_infos: [{ creative_id: "7" }],
					out_target_id: "st_vip",
				},
				{ adgroup_id: "1002" },
			],
			device: { qaid_infos: [{ version: 20230330, qaid: "caid-demo" }] },
		});
		expect(d.http_status).toBe(200);
	});

	it("requires the bearer token", async ({ expect }) => {
		expect((await admin("POST", "/admin/debug", {}, "wrong")).status).toBe(401);
		const res = await SELF.fetch(`${BASE}/admin/debug`, { method: "POST", body: "{}" });
		expect(res.status).toBe(401);
	});

	it("names the field of bad input", async ({ expect }) => {
		for (const [form, field] of [
			[{ ids: [{ type: "imsi", value: "1" }] }, "ids[0].type"],
			[{ ids: [{ type: "imei" }] }, "ids[0].value"],
			[{ os: "beos" }, "os"],
			[{ cached_deviceid_type: "IMEI" }, "cached_deviceid_type"],
			[{ exps: [-1] }, "exps[0]"],
			[{ stage: "adlist" }, "ad_infos"],
			[{ stage: "adlist", ad_infos: [{ adgroup_id: "1e3" }] }, "ad_infos[0].adgroup_id"],
			[{ idz: [] }, "idz"],
			[[1], "body"],
		] as const) {
			const res = await admin("POST", "/admin/debug", form);
			expect(res.status, JSON.stringify(form)).toBe(400);
			expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
		}
	});
});

describe("GET /admin/metrics", () => {
	it("serves this isolate's decisions in the report shape: live ones counted, the debug tool's as tests", async ({
		expect,
	}) => {
		type Report = Record<string, unknown> & {
			requests: number;
			tests: number;
			takes: number;
			by_code: Record<string, number>;
			tiers: Record<string, number>;
			per_minute: { requests: number }[];
		};
		const read = async () => (await (await admin("GET", "/admin/metrics?minutes=5")).json()) as Report;
		const before = await read();
		await debug({ ids: [{ type: "imei", value: freshImei().raw }] });
		const imei = freshImei();
		await putAudience([{ type: "imei", id: imei.raw, segments: ["new_user"] }]);
		expect((await askRta(imeiRequest(imei.hash))).code).toBe(0);
		const after = await read();
		expect(after).toMatchObject({
			source: "isolate",
			minutes: 5,
			fallbacks: { deadline: expect.any(Number), storage_error: expect.any(Number) },
			processing_ms: { p50: expect.any(Number), p99: expect.any(Number) },
			analytics: { dataset: "bound" },
		});
		expect(after.tests).toBe(before.tests + 1);
		expect(after.requests).toBe(before.requests + 1);
		expect(after.takes).toBe(before.takes + 1);
		expect(after.by_code.TAKE).toBe((before.by_code.TAKE ?? 0) + 1);
		const tiers = (r: Report) => Object.values(r.tiers).reduce((a, b) => a + b, 0);
		expect(tiers(after)).toBe(tiers(before) + 1);
		expect(after.per_minute.reduce((n, m) => n + m.requests, 0)).toBe(after.requests);
	});

	it("requires the bearer token and names a bad window", async ({ expect }) => {
		expect((await SELF.fetch(`${BASE}/admin/metrics`)).status).toBe(401);
		expect((await admin("GET", "/admin/metrics", undefined, "wrong")).status).toBe(401);
		for (const minutes of ["0", "61", "x", "1.5"]) {
			const res = await admin("GET", `/admin/metrics?minutes=${minutes}`);
			expect(res.status).toBe(400);
			expect(((await res.json()) as { error: { field: string } }).error.field).toBe("minutes");
		}
	});
});

describe("GET /admin/ui/", () => {
	it("serves the console's files with a CSP that allows this origin only, ETags and 404s", async ({
		expect,
	}) => {
		const res = await SELF.fetch(`${BASE}/admin/ui/`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		expect(res.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
		expect(await res.text()).toContain("<title>");
		const etag = res.headers.get("etag") ?? "";
		expect((await SELF.fetch(`${BASE}/admin/ui/`, { headers: { "if-none-match": etag } })).status).toBe(304);
		const script = await SELF.fetch(`${BASE}/admin/ui/app.js`);
		expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
		expect(await script.text()).toContain("sessionStorage");
		expect((await SELF.fetch(`${BASE}/admin/ui/missing.js`)).status).toBe(404);
		const redirect = await SELF.fetch(`${BASE}/admin/ui`, { redirect: "manual" });
		expect(redirect.status).toBe(308);
		expect(redirect.headers.get("location")).toBe(`${BASE}/admin/ui/`);
	});
});
