/**
 * POST /admin/explain: the local debug tool. Its verdict must match what /rta answers.
 * @module
 */

import { SELF } from "cloudflare:test";
import { CacheDeviceIdType, create, DeviceIdTag, encodeRtaRequest, RtaRequestSchema } from "@txad/proto";
import { beforeAll, describe, it } from "vitest";
import { RtaCode } from "../src/codes.ts";
import {
	ADMIN_TOKEN,
	admin,
	askRta,
	BASE,
	freshHash,
	freshImei,
	imeiRequest,
	publishSnapshot,
	putAudience,
	putConfig,
} from "./helpers.ts";

beforeAll(() => putConfig());

interface Explained {
	code: number;
	code_name: string;
	cached_deviceid_type: string | null;
	ids: {
		type: string;
		key: string;
		source: string;
		snapshot: { snapshot_id: string; record: unknown } | null;
		deltas: { ops: unknown[] }[];
		effective: { segments: string[]; active_segments: string[]; until: Record<string, number> } | null;
	}[];
	skipped_ids: { type: string; reason: string; source: string }[];
	used_ids: string[];
	segments: string[];
	response_cache_time: { sent: number | null; selection_ends: number | null };
	strategies: { id: string; selected: boolean; reason: string; experiments_applied: number[] }[];
	response: {
		code: number;
		out_target_id?: string[];
		target_infos?: { out_target_id: string; cpc_factor?: number }[];
	};
	reason: string;
}

async function explain(body: unknown): Promise<Explained> {
	const res = await admin("POST", "/admin/explain", body);
	if (res.status !== 200) throw new Error(`explain: ${res.status} ${await res.text()}`);
	return (await res.json()) as Explained;
}

describe("POST /admin/explain", () => {
	it("shows ids used and skipped, what snapshot and deltas say, united segments, and why each strategy was or was not selected", async ({
		expect,
	}) => {
		const imei = freshImei();
		const oaid = freshHash();
		await publishSnapshot([[{ type: "imei_md5", value: imei.hash }, [["new_user", 0]]]]);
		await putAudience([{ type: "imei", id: imei.raw, segments: ["vip"] }], "merge");
		const out = await explain({
			request: {
				id: "exp-1",
				device: {
					os: "OS_ANDROID",
					imei_md5sum: imei.hash,
					oaid_md5sum: oaid,
					mac_md5sum: "d41d8cd98f00b204e9800998ecf8427e",
					android_id_md5sum: freshHash(),
					doubtful_ids_list: ["ANDROIDID_MD5_DOUBTFUL"],
					cached_deviceid_type: "IMEI_MD5",
				},
				exps: [{ exp_id: 1002 }],
			},
		});
		expect(out.code).toBe(RtaCode.TAKE);
		expect(out.cached_deviceid_type).toBe("imei_md5");
		expect(out.ids.map((i) => i.type)).toEqual(["imei_md5", "oaid_md5"]);
		expect(out.ids[0]?.snapshot?.record).toEqual({
			segments: ["new_user"],
			active_segments: ["new_user"],
			until: {},
		});
		expect(out.ids[0]?.deltas.map((d) => d.ops)).toEqual([[{ op: "merge", segments: ["vip"] }]]);
		expect(out.ids[0]?.effective?.segments).toEqual(["new_user", "vip"]);
		expect(out.ids[1]?.snapshot?.record).toBeNull();
		expect(out.ids[1]?.effective).toBeNull();
		expect(out.skipped_ids.map((s) => [s.type, s.reason])).toEqual([
			["android_id_md5", "doubtful"],
			["mac_md5", "non_device"],
		]);
		expect(out.used_ids).toEqual([`imei_md5:${imei.hash}`]);
		expect(out.segments).toEqual(["new_user", "vip"]);
		expect(out.strategies).toEqual([
			expect.objectContaining({
				id: "st_new_user",
				selected: true,
				reason: "included by new_user",
				experiments_applied: [1002],
			}),
			expect.objectContaining({ id: "st_vip", selected: true }),
			expect.objectContaining({
				id: "st_fallback",
				selected: false,
				reason: "device has none of fallback_only",
			}),
		]);
		expect(out.response.out_target_id).toEqual(["st_new_user", "st_vip"]);
		expect(out.response.target_infos?.[0]?.cpc_factor).toBe(2);
	});

	it("agrees with /rta on the same request (protobuf body)", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["new_user", "installed"] }]);
		const init = imeiRequest(hash, { id: "agree" });
		const res = await SELF.fetch(`${BASE}/admin/explain`, {
			method: "POST",
			headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/x-protobuf" },
			body: encodeRtaRequest(create(RtaRequestSchema, init)),
		});
		const out = (await res.json()) as Explained;
		const live = await askRta(init);
		expect(out.code).toBe(live.code);
		expect(out.code_name).toBe("NO_STRATEGY");
		expect(out.strategies[0]?.reason).toBe("excluded by installed");
	});

	it("accepts request_base64 and explains refusals before lookup", async ({ expect }) => {
		const bytes = encodeRtaRequest(
			create(RtaRequestSchema, {
				device: {
					imeiMd5sum: freshHash(),
					doubtfulIdsList: [DeviceIdTag.IMEI_MD5_DOUBTFUL],
					cachedDeviceidType: CacheDeviceIdType.NIL,
				},
			}),
		);
		const out = await explain({ request_base64: btoa(String.fromCharCode(...bytes)) });
		expect(out.code_name).toBe("NO_USABLE_ID");
		expect(out.cached_deviceid_type).toBeNull();
		expect(out.skipped_ids[0]?.reason).toBe("doubtful");
		expect((await explain({ request: { is_ping: true } })).code_name).toBe("PING");
		expect((await explain({ request: { id: "x" } })).code_name).toBe("NO_DEVICE");
	});

	it("unites ids, skips ended memberships and ids over the limit, bounds the cache time, as /rta does", async ({
		expect,
	}) => {
		const { hash } = freshImei();
		const oaid = freshHash();
		const now = Math.floor(Date.now() / 1000);
		await putAudience([
			{ type: "imei_md5", hash, segments: [{ id: "vip", until: now + 2 }] },
			{ type: "oaid_md5", hash: oaid, segments: [{ id: "new_user", until: now + 5000 }] },
		]);
		await new Promise((r) => setTimeout(r, (now + 3) * 1000 - Date.now()));
		// The cached imei, 14 CAIDs and the oaid make 16 ids; the mac is the 17th.
		const caids = Array.from({ length: 14 }, () => ({ qaid_md5sum: freshHash() }));
		const mac = freshHash();
		const request = {
			device: {
				imei_md5sum: hash,
				oaid_md5sum: oaid,
				mac_md5sum: mac,
				cached_deviceid_type: "IMEI_MD5",
				qaid_infos: caids,
			},
		};
		const out = await explain({ request });
		expect(out.ids).toHaveLength(16);
		expect(out.ids[0]?.effective).toEqual({
			segments: ["vip"],
			active_segments: [],
			until: { vip: now + 2 },
		});
		expect(out.used_ids).toEqual([`oaid_md5:${oaid}`]);
		expect(out.skipped_ids).toEqual([
			{ type: "mac_md5", value: mac, source: "device.mac_md5sum", reason: "over_limit" },
		]);
		expect(out.response.out_target_id).toEqual(["st_new_user"]);
		expect(out.response_cache_time.selection_ends).toBe(now + 5000);
		expect(out.cached_deviceid_type).toBe("imei_md5");
		const live = await askRta({
			device: {
				imeiMd5sum: hash,
				oaidMd5sum: oaid,
				macMd5sum: mac,
				cachedDeviceidType: CacheDeviceIdType.IMEI_MD5,
				qaidInfos: caids.map((c) => ({ qaidMd5sum: c.qaid_md5sum })),
			},
		});
		expect(live.outTargetId).toEqual(["st_new_user"]);
		expect(live.responseCacheTime).toBe(out.response_cache_time.sent);
		const absent = await explain({ request: { device: { imei_md5sum: hash } } });
		expect(absent.cached_deviceid_type).toBeNull();
		expect(absent.reason).toBe(
			"no id has active audience segments and no strategy matches devices without one",
		);
	});

	it.for([
		["not JSON", "{"],
		["neither request nor request_base64", "{}"],
		["a request with a wrong field type", JSON.stringify({ request: { device: { os: 17.5 } } })],
		["an unknown request field", JSON.stringify({ request: { colour: "blue" } })],
		["bad base64", JSON.stringify({ request_base64: "!!!" })],
		["undecodable protobuf", JSON.stringify({ request_base64: btoa("\u00ff\u00ff\u00ff") })],
	] as const)("answers 400 to %s", async ([, body], { expect }) => {
		const res = await admin("POST", "/admin/explain", body);
		expect(res.status).toBe(400);
	});

	it("requires the admin token", async ({ expect }) => {
		const res = await SELF.fetch(`${BASE}/admin/explain`, { method: "POST", body: "{}" });
		expect(res.status).toBe(401);
	});
});
