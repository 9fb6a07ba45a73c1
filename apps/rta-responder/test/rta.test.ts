/**
 * POST /rta through SELF.fetch with real protobuf and real KV: transport (header check, sizes),
 * decoding failures, ping, and the decision for seeded devices.
 * @module
 */

import { SELF } from "cloudflare:test";
import { toBinary } from "@bufbuild/protobuf";
import { hashDeviceId } from "@txad/muid";
import { CacheDeviceIdType, create, DeviceIdTag, decodeRtaResponse, RtaResponseSchema } from "@txad/proto";
import { beforeAll, describe, it } from "vitest";
import { RtaCode } from "../src/codes.ts";
import {
	admin,
	askRta,
	BASE,
	freshHash,
	freshImei,
	imeiRequest,
	postRta,
	putAudience,
	putConfig,
	rtaBytes,
	SIGN_HEADERS,
} from "./helpers.ts";

beforeAll(() => putConfig());

async function decoded(res: Response) {
	return decodeRtaResponse(new Uint8Array(await res.arrayBuffer()));
}

describe("header signature", () => {
	it("accepts the registered pairs, header names in any case", async ({ expect }) => {
		const res = await postRta(rtaBytes({ id: "h1", isPing: true }), {
			"x-rta-token": "tok-current",
			"X-RTA-SOURCE": "tencent",
		});
		expect(res.status).toBe(200);
	});

	it.for([
		["no headers", {}],
		["one pair missing", { "X-Rta-Token": "tok-current" }],
		["wrong value", { "X-Rta-Token": "tok-currenT", "X-Rta-Source": "tencent" }],
		["value with a suffix", { "X-Rta-Token": "tok-current2", "X-Rta-Source": "tencent" }],
		["previous token mixed with a wrong source", { "X-Rta-Token": "tok-previous", "X-Rta-Source": "other" }],
	] as const)("401 with an empty body: %s", async ([, headers], { expect }) => {
		const res = await postRta(rtaBytes({ id: "h2", isPing: true }), headers);
		expect(res.status).toBe(401);
		expect((await res.arrayBuffer()).byteLength).toBe(0);
	});

	it("accepts the previous set during the grace window", async ({ expect }) => {
		const res = await postRta(rtaBytes({ id: "h3", isPing: true }), {
			"X-Rta-Token": "tok-previous",
			"X-Rta-Source": "tencent",
		});
		expect(res.status).toBe(200);
	});
});

describe("transport and decoding", () => {
	it("answers 413 to a body over 64 KiB, before decoding", async ({ expect }) => {
		const res = await postRta(new Uint8Array(64 * 1024 + 1));
		expect(res.status).toBe(413);
	});

	it("accepts a body of exactly 64 KiB (then refuses it as undecodable)", async ({ expect }) => {
		const res = await postRta(new Uint8Array(64 * 1024).fill(0xff));
		expect(res.status).toBe(200);
		expect((await decoded(res)).code).toBe(RtaCode.UNDECODABLE);
	});

	it.for([
		["garbage bytes", new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x42])],
		// id (field 1, len 10) but only 3 bytes follow.
		["truncated protobuf", new Uint8Array([0x0a, 0x0a, 0x61, 0x62, 0x63])],
		// device (5) of 3 bytes whose imei_md5sum claims 32: runs past its sub-message.
		["a field past the end of its sub-message", new Uint8Array([0x2a, 0x03, 0x1a, 0x20, 0x61, 0x61])],
	] as const)("HTTP 200 with code UNDECODABLE for %s", async ([, body], { expect }) => {
		const res = await postRta(body);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("application/x-protobuf");
		const answer = await decoded(res);
		expect(answer.code).toBe(RtaCode.UNDECODABLE);
		expect(answer.outTargetId).toEqual([]);
	});

	it("treats an id with invalid UTF-8 as unusable, still HTTP 200", async ({ expect }) => {
		// device { imei_md5sum: bytes c3 28 } — not UTF-8; the decoder substitutes, the id is malformed.
		const res = await postRta(new Uint8Array([0x2a, 0x04, 0x1a, 0x02, 0xc3, 0x28]));
		expect(res.status).toBe(200);
		expect((await decoded(res)).code).toBe(RtaCode.NO_USABLE_ID);
	});

	it("skips a known field sent with another wire type, as protobuf C++/Java/Go do", async ({ expect }) => {
		// field 5 (device) as a varint: an unknown field, so the request has no device.
		const res = await postRta(new Uint8Array([0x28, 0x01]));
		expect((await decoded(res)).code).toBe(RtaCode.NO_DEVICE);
	});

	it("routes /rta with a query string like /rta, and nothing else ending in /rta", async ({ expect }) => {
		const ping = rtaBytes({ id: "q1", isPing: true });
		const init = { method: "POST", headers: { ...SIGN_HEADERS }, body: ping };
		const withQuery = await SELF.fetch(`${BASE}/rta?probe=1`, init);
		expect((await decoded(withQuery)).code).toBe(RtaCode.PING);
		expect((await SELF.fetch(`${BASE}/other/rta`, { ...init, body: ping })).status).toBe(404);
	});

	it("refuses an empty body as a request with no device", async ({ expect }) => {
		const res = await postRta(new Uint8Array());
		expect(res.status).toBe(200);
		expect((await decoded(res)).code).toBe(RtaCode.NO_DEVICE);
	});

	it("keeps unknown fields working: a request with a field from the future is decided", async ({
		expect,
	}) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["vip"] }]);
		const known = rtaBytes(imeiRequest(hash, { id: "future" }));
		// field 99, varint 7
		const withUnknown = new Uint8Array([...known, 0x98, 0x06, 0x07]);
		const answer = await decoded(await postRta(withUnknown));
		expect(answer.code).toBe(RtaCode.TAKE);
		expect(answer.outTargetId).toEqual(["st_vip"]);
	});
});

describe("ping", () => {
	it("answers only code and request_id", async ({ expect }) => {
		const res = await postRta(rtaBytes({ id: "ping-1", isPing: true, device: { imeiMd5sum: freshHash() } }));
		const bytes = new Uint8Array(await res.arrayBuffer());
		const answer = decodeRtaResponse(bytes);
		expect(answer.code).toBe(RtaCode.PING);
		expect(answer.requestId).toBe("ping-1");
		// Nothing else on the wire: exactly request_id and code.
		expect(bytes).toEqual(
			toBinary(RtaResponseSchema, create(RtaResponseSchema, { requestId: "ping-1", code: RtaCode.PING })),
		);
	});
});

describe("decisions", () => {
	it("takes a device in a segment, with bid fields, cache time and the echoed id", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["new_user"] }]);
		const answer = await askRta(imeiRequest(hash, { id: "take-1" }));
		expect(answer.code).toBe(RtaCode.TAKE);
		expect(answer.requestId).toBe("take-1");
		expect(answer.outTargetId).toEqual(["st_new_user"]);
		expect(answer.targetInfos).toHaveLength(1);
		expect(answer.targetInfos[0]?.outTargetId).toBe("st_new_user");
		expect(answer.targetInfos[0]?.cpcPrice).toBe(120);
		expect(answer.targetInfos[0]?.userWeightFactor).toBe(1.5);
		expect(answer.targetInfos[0]?.dspTagStr).toBe("nu");
		expect(answer.responseCacheTime).toBe(7200);
		expect(answer.processingTimeMs).toBeGreaterThanOrEqual(0);
	});

	it("lists every selected strategy, target_infos only for those with bid fields", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["new_user", "vip"] }]);
		const answer = await askRta(imeiRequest(hash));
		expect(answer.outTargetId).toEqual(["st_new_user", "st_vip"]);
		expect(answer.targetInfos.map((t) => t.outTargetId)).toEqual(["st_new_user"]);
	});

	it("refuses an excluded device with NO_STRATEGY (never code 0 with no strategy)", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["new_user", "installed"] }]);
		const answer = await askRta(imeiRequest(hash));
		expect(answer.code).toBe(RtaCode.NO_STRATEGY);
		expect(answer.outTargetId).toEqual([]);
		expect(answer.targetInfos).toEqual([]);
	});

	it("refuses a device with no record (missing device) with NO_STRATEGY, twice (negative cache)", async ({
		expect,
	}) => {
		const hash = freshHash();
		expect((await askRta(imeiRequest(hash))).code).toBe(RtaCode.NO_STRATEGY);
		expect((await askRta(imeiRequest(hash))).code).toBe(RtaCode.NO_STRATEGY);
	});

	it("refuses a request without device with NO_DEVICE", async ({ expect }) => {
		const answer = await askRta({ id: "nodev" });
		expect(answer.code).toBe(RtaCode.NO_DEVICE);
		expect(answer.requestId).toBe("nodev");
	});

	it.for([
		["all ids empty", { os: 2 }],
		["placeholder hash (md5 of empty)", { imeiMd5sum: "d41d8cd98f00b204e9800998ecf8427e" }],
		["placeholder hash (md5 of 15 zeros)", { imeiMd5sum: hashDeviceId("imei", "000000000000000") }],
		["malformed hash", { imeiMd5sum: "not-a-hash" }],
	] as const)("refuses NO_USABLE_ID: %s", async ([, device], { expect }) => {
		const answer = await askRta({ id: "nouse", device });
		expect(answer.code).toBe(RtaCode.NO_USABLE_ID);
	});

	it("skips ids listed as doubtful even when they have a record", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["vip"] }]);
		const answer = await askRta({
			id: "doubt",
			device: { imeiMd5sum: hash, doubtfulIdsList: [DeviceIdTag.IMEI_MD5_DOUBTFUL] },
		});
		expect(answer.code).toBe(RtaCode.NO_USABLE_ID);
	});

	it("unites the segments of all the device's ids, whichever id Tencent caches under", async ({ expect }) => {
		const imei = freshImei();
		const oaid = freshHash();
		await putAudience([
			{ type: "imei", id: imei.raw, segments: ["vip"] },
			{ type: "oaid_md5", hash: oaid, segments: ["new_user"] },
		]);
		for (const cachedDeviceidType of [CacheDeviceIdType.IMEI_MD5, CacheDeviceIdType.OAID_MD5, undefined]) {
			const answer = await askRta({
				device: {
					imeiMd5sum: imei.hash,
					oaidMd5sum: oaid,
					...(cachedDeviceidType === undefined ? {} : { cachedDeviceidType }),
				},
			});
			expect(answer.outTargetId).toEqual(["st_new_user", "st_vip"]);
		}
	});

	it("excludes a device excluded under its OAID even when its IMEI is what matched", async ({ expect }) => {
		const imei = freshImei();
		const oaid = freshHash();
		await putAudience([
			{ type: "imei", id: imei.raw, segments: ["new_user"] },
			{ type: "oaid_md5", hash: oaid, segments: ["installed"] },
		]);
		const answer = await askRta({
			device: { imeiMd5sum: imei.hash, oaidMd5sum: oaid, cachedDeviceidType: CacheDeviceIdType.IMEI_MD5 },
		});
		expect(answer.code).toBe(RtaCode.NO_STRATEGY);
		expect((await askRta(imeiRequest(imei.hash))).outTargetId).toEqual(["st_new_user"]);
	});

	it("falls through to another id when the cached one has no record", async ({ expect }) => {
		const idfa = freshHash();
		await putAudience([{ type: "idfa_md5", hash: idfa, segments: ["vip"] }]);
		const answer = await askRta({
			device: {
				os: 1,
				idfaMd5sum: idfa,
				macMd5sum: freshHash(),
				cachedDeviceidType: CacheDeviceIdType.MAC_MD5,
			},
		});
		expect(answer.outTargetId).toEqual(["st_vip"]);
	});

	it("accepts upper-case hashes in the request", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["vip"] }]);
		expect((await askRta(imeiRequest(hash.toUpperCase()))).outTargetId).toEqual(["st_vip"]);
	});

	it("looks CAID up by qaid_md5sum or by the hashed qaid", async ({ expect }) => {
		const caid = `caid-${crypto.randomUUID()}`;
		await putAudience([{ type: "caid", id: caid, segments: ["vip"] }]);
		expect(
			(await askRta({ device: { os: 1, qaidInfos: [{ version: 1, qaid: caid }] } })).outTargetId,
		).toEqual(["st_vip"]);
		expect(
			(await askRta({ device: { os: 1, qaidInfos: [{ qaidMd5sum: hashDeviceId("caid", caid) }] } }))
				.outTargetId,
		).toEqual(["st_vip"]);
	});

	it("applies experiment overrides by exp_id", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["new_user"] }]);
		const disabled = await askRta(imeiRequest(hash, { exps: [{ expId: 1001 }] }));
		expect(disabled.code).toBe(RtaCode.NO_STRATEGY);
		const boosted = await askRta(imeiRequest(hash, { exps: [{ expId: 7 }, { expId: 1002 }] }));
		expect(boosted.targetInfos[0]?.cpcFactor).toBe(2);
		expect(boosted.targetInfos[0]?.cpcPrice).toBe(120);
		const plain = await askRta(imeiRequest(hash, { exps: [{ expId: 9 }] }));
		expect(plain.targetInfos[0]?.cpcFactor).toBe(0);
	});

	it("ignores expired segments", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([
			{
				type: "imei",
				id: raw,
				segments: ["vip", { id: "new_user", until: Math.floor(Date.now() / 1000) + 3600 }],
			},
		]);
		const answer = await askRta(imeiRequest(hash));
		expect(answer.outTargetId).toEqual(["st_new_user", "st_vip"]);
	});

	it("decides is_test requests normally", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["vip"] }]);
		const answer = await askRta(imeiRequest(hash, { isTest: true }));
		expect(answer.code).toBe(RtaCode.TAKE);
		expect(answer.outTargetId).toEqual(["st_vip"]);
	});

	it("sees an admin delete at once", async ({ expect }) => {
		const { raw, hash } = freshImei();
		await putAudience([{ type: "imei", id: raw, segments: ["vip"] }]);
		expect((await askRta(imeiRequest(hash))).code).toBe(RtaCode.TAKE);
		expect((await admin("DELETE", `/admin/audience/imei_md5/${hash}`)).status).toBe(200);
		expect((await askRta(imeiRequest(hash))).code).toBe(RtaCode.NO_STRATEGY);
	});
});

describe("cached_deviceid_type absent or present", () => {
	it("decides (never INTERNAL) whether the field is absent or names any type, IDFA_MD5 (0) and NIL included", async ({
		expect,
	}) => {
		const idfa = freshHash();
		const oaid = freshHash();
		await putAudience([
			{ type: "idfa_md5", hash: idfa, segments: ["vip"] },
			{ type: "oaid_md5", hash: oaid, segments: ["new_user"] },
		]);
		// Absent reads as IDFA_MD5 (0) on a proto2 decoder: presence is what counts.
		const absent = await askRta({ id: "abs", device: { idfaMd5sum: idfa, oaidMd5sum: oaid } });
		expect(absent.code).toBe(RtaCode.TAKE);
		expect(absent.outTargetId).toEqual(["st_new_user", "st_vip"]);
		const device = { idfaMd5sum: idfa, oaidMd5sum: oaid };
		for (const cachedDeviceidType of [
			CacheDeviceIdType.IDFA_MD5,
			CacheDeviceIdType.OAID_MD5,
			CacheDeviceIdType.OAID,
			CacheDeviceIdType.NIL,
		])
			expect((await askRta({ device: { ...device, cachedDeviceidType } })).outTargetId).toEqual([
				"st_new_user",
				"st_vip",
			]);
		const withoutIdfa = await askRta({ device: { oaidMd5sum: oaid, imeiMd5sum: freshHash() } });
		expect(withoutIdfa.outTargetId).toEqual(["st_new_user"]);
	});

	it("decides on the other ids when the named type is not in the request", async ({ expect }) => {
		const oaid = freshHash();
		await putAudience([{ type: "oaid_md5", hash: oaid, segments: ["vip"] }]);
		const answer = await askRta({ device: { oaidMd5sum: oaid, cachedDeviceidType: CacheDeviceIdType.QAID } });
		expect(answer.code).toBe(RtaCode.TAKE);
		expect(answer.outTargetId).toEqual(["st_vip"]);
	});
});

describe("CAIDs", () => {
	it("looks up every CAID entry, not only the last", async ({ expect }) => {
		const caid = `caid-${crypto.randomUUID()}`;
		await putAudience([{ type: "caid", id: caid, segments: ["vip"] }]);
		const answer = await askRta({
			device: {
				os: 1,
				qaidInfos: [
					{ version: 20230330, qaid: caid },
					{ version: 20250325, qaidMd5sum: freshHash() },
				],
			},
		});
		expect(answer.outTargetId).toEqual(["st_vip"]);
	});

	it("uses the raw qaid when qaid_md5sum is malformed", async ({ expect }) => {
		const caid = `caid-${crypto.randomUUID()}`;
		await putAudience([{ type: "caid", id: caid, segments: ["vip"] }]);
		const answer = await askRta({ device: { os: 1, qaidInfos: [{ qaid: caid, qaidMd5sum: "garbage" }] } });
		expect(answer.outTargetId).toEqual(["st_vip"]);
	});

	it("looks up at most 16 ids per request", async ({ expect }) => {
		const hashes = Array.from({ length: 17 }, () => freshHash());
		await putAudience([{ type: "caid_md5", hash: hashes[16], segments: ["vip"] }]);
		const device = (n: number) => ({ os: 1, qaidInfos: hashes.slice(0, n).map((h) => ({ qaidMd5sum: h })) });
		expect((await askRta({ device: device(17) })).code).toBe(RtaCode.NO_STRATEGY);
		await putAudience([{ type: "caid_md5", hash: hashes[15], segments: ["vip"] }]);
		expect((await askRta({ device: device(17) })).outTargetId).toEqual(["st_vip"]);
	});
});

describe("segment ends", () => {
	it("a membership whose every segment has ended counts for nothing: the other ids decide", async ({
		expect,
	}) => {
		const { hash } = freshImei();
		const oaid = freshHash();
		const soon = Math.floor(Date.now() / 1000) + 2;
		await putAudience([
			{
				type: "imei_md5",
				hash,
				segments: [
					{ id: "vip", until: soon },
					{ id: "installed", until: soon },
				],
			},
			{ type: "oaid_md5", hash: oaid, segments: ["new_user"] },
		]);
		const device = { imeiMd5sum: hash, oaidMd5sum: oaid, cachedDeviceidType: CacheDeviceIdType.IMEI_MD5 };
		expect((await askRta({ device })).outTargetId).toEqual(["st_vip"]);
		await new Promise((r) => setTimeout(r, (soon + 1) * 1000 - Date.now()));
		expect((await askRta({ device })).outTargetId).toEqual(["st_new_user"]);
		expect((await askRta(imeiRequest(hash))).code).toBe(RtaCode.NO_STRATEGY);
	});

	it("shortens response_cache_time to the end of the segment that selected the strategy, never below the platform minimum", async ({
		expect,
	}) => {
		const now = Math.floor(Date.now() / 1000);
		const a = freshHash();
		const b = freshHash();
		const c = freshHash();
		await putAudience([
			{ type: "imei_md5", hash: a, segments: [{ id: "vip", until: now + 5000 }] },
			{ type: "imei_md5", hash: b, segments: [{ id: "vip", until: now + 120 }] },
			{ type: "imei_md5", hash: c, segments: ["vip", { id: "promo", until: now + 120 }] },
		]);
		const at = async (hash: string) => (await askRta(imeiRequest(hash))).responseCacheTime;
		expect([4999, 5000]).toContain(await at(a)); // config asks for 7200
		expect(await at(b)).toBe(3600); // PLATFORM_CACHE_TIME_SECONDS
		expect(await at(c)).toBe(7200); // the selecting segment never ends
	});
});
