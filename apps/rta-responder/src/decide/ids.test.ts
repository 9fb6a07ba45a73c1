/**
 * Which ids of a request are looked up, in which order, under which key, and why the others are
 * skipped (docs/rta/wire-protocol.md RtaRequest.Device, docs/rta/http-behaviour.md "Known
 * non-device ids").
 * @module
 */
import { MAX_OPENID_LENGTH } from "@txad/audience";
import { hashDeviceId } from "@txad/muid";
import {
	CacheDeviceIdType,
	create,
	DeviceIdTag,
	encodeRtaRequest,
	type RtaDeviceSchema,
	type RtaDeviceView,
	RtaRequestSchema,
	readRtaRequest,
} from "@txad/proto";
import { md5Hex } from "@txad/signing";
import { describe, it } from "vitest";
import {
	audienceKey,
	cachedIdType,
	collectIds,
	ID_TYPE_ORDER,
	ID_TYPES,
	isIdType,
	MAX_CANDIDATE_IDS,
	MAX_RAW_ID_LENGTH,
	type SkippedId,
} from "./ids.ts";

const DEVICE_MODE = { kind: "device_id" } as const;

const idfa = hashDeviceId("idfa", "1E2DFA89-496A-47FD-9941-DF1FC4E6484A");
const imei = hashDeviceId("imei", "354649050046412");
const oaid = hashDeviceId("oaid", "demo-oaid-0001");
const androidId = hashDeviceId("android_id", "demo-android-0001");
const mac = hashDeviceId("mac", "a4:5e:60:c1:22:33");
const caid = hashDeviceId("caid", "caid-demo-0001");

/** A device carrying every hashed id once. */
const everyId = {
	idfaMd5sum: idfa,
	imeiMd5sum: imei,
	oaidMd5sum: oaid,
	androidIdMd5sum: androidId,
	macMd5sum: mac,
	qaidInfos: [{ version: 1, qaidMd5sum: caid }],
};

/** A distinct md5-shaped value per number. */
function hashOf(n: number): string {
	return hashDeviceId("caid", `caid-${n}`);
}

/** The device as /rta reads it: written to the wire and read back. */
function device(init: Parameters<typeof create<typeof RtaDeviceSchema>>[1]): RtaDeviceView {
	const view = readRtaRequest(encodeRtaRequest(create(RtaRequestSchema, { device: init ?? {} }))).device;
	if (view === undefined) throw new Error("no device");
	return view;
}

describe("id types", () => {
	it("are the six device hashes and openid", ({ expect }) => {
		expect(ID_TYPES).toEqual([
			"idfa_md5",
			"imei_md5",
			"oaid_md5",
			"android_id_md5",
			"mac_md5",
			"caid_md5",
			"openid",
		]);
		for (const t of ID_TYPES) expect(isIdType(t)).toBe(true);
	});

	it.for(["imei", "IMEI_MD5", "", "idfa_md5 ", "toString"])("%j is not an id type", (value, { expect }) => {
		expect(isIdType(value)).toBe(false);
	});

	it("rejects non-strings", ({ expect }) => {
		expect(isIdType(undefined)).toBe(false);
		expect(isIdType(["idfa_md5"])).toBe(false);
	});

	it("builds KV keys as <type>:<value>", ({ expect }) => {
		expect(audienceKey("imei_md5", imei)).toBe(`imei_md5:${imei}`);
		expect(audienceKey("openid", "o_1")).toBe("openid:o_1");
	});
});

describe("cachedIdType", () => {
	it.for([
		[CacheDeviceIdType.IDFA_MD5, "idfa_md5"],
		[CacheDeviceIdType.IMEI_MD5, "imei_md5"],
		[CacheDeviceIdType.OAID, "oaid_md5"],
		[CacheDeviceIdType.OAID_MD5, "oaid_md5"],
		[CacheDeviceIdType.ANDROIDID_MD5, "android_id_md5"],
		[CacheDeviceIdType.MAC_MD5, "mac_md5"],
		[CacheDeviceIdType.QAID, "caid_md5"],
		[CacheDeviceIdType.NIL, undefined],
		[99 as CacheDeviceIdType, undefined],
	] as const)("present %i → %s", ([value, type], { expect }) => {
		expect(cachedIdType(device({ cachedDeviceidType: value }))).toBe(type);
	});

	it("is undefined when the field is absent (a full decode would read IDFA_MD5 = 0)", ({ expect }) => {
		// proto2: an absent enum decodes to its first value (docs/rta/wire-protocol.md "proto2 presence").
		expect(cachedIdType(device({ idfaMd5sum: idfa }))).toBeUndefined();
		expect(cachedIdType(device({ idfaMd5sum: idfa, cachedDeviceidType: CacheDeviceIdType.IDFA_MD5 }))).toBe(
			"idfa_md5",
		);
	});
});

describe("collectIds in device-id mode", () => {
	it("looks every id up, iOS ids first, then Android ids from most to least stable", ({ expect }) => {
		expect(ID_TYPE_ORDER).toEqual([
			"idfa_md5",
			"caid_md5",
			"oaid_md5",
			"imei_md5",
			"android_id_md5",
			"mac_md5",
		]);
		const skipped: SkippedId[] = [];
		expect(collectIds(device(everyId), DEVICE_MODE, undefined, skipped)).toEqual([
			{ type: "idfa_md5", value: idfa, key: `idfa_md5:${idfa}`, source: "device.idfa_md5sum" },
			{
				type: "caid_md5",
				value: caid,
				key: `caid_md5:${caid}`,
				source: "device.qaid_infos[0].qaid_md5sum",
			},
			{ type: "oaid_md5", value: oaid, key: `oaid_md5:${oaid}`, source: "device.oaid_md5sum" },
			{ type: "imei_md5", value: imei, key: `imei_md5:${imei}`, source: "device.imei_md5sum" },
			{
				type: "android_id_md5",
				value: androidId,
				key: `android_id_md5:${androidId}`,
				source: "device.android_id_md5sum",
			},
			{ type: "mac_md5", value: mac, key: `mac_md5:${mac}`, source: "device.mac_md5sum" },
		]);
		expect(skipped).toEqual([]);
	});

	it.for(ID_TYPE_ORDER)(
		"puts the cached type %s first, the rest in order, each once",
		(cached, { expect }) => {
			const types = collectIds(device(everyId), DEVICE_MODE, cached).map((c) => c.type);
			expect(types).toEqual([cached, ...ID_TYPE_ORDER.filter((t) => t !== cached)]);
		},
	);

	it("falls back to the order when the cached type's id is absent", ({ expect }) => {
		const ids = collectIds(device({ idfaMd5sum: idfa, oaidMd5sum: oaid }), DEVICE_MODE, "mac_md5");
		expect(ids.map((c) => c.type)).toEqual(["idfa_md5", "oaid_md5"]);
	});

	it("returns nothing, and skips nothing, for a device without ids", ({ expect }) => {
		const skipped: SkippedId[] = [];
		expect(collectIds(device({ os: 2, ip: "10.0.0.1" }), DEVICE_MODE, "imei_md5", skipped)).toEqual([]);
		expect(skipped).toEqual([]);
	});

	it("lower-cases upper-case hashes", ({ expect }) => {
		const [c] = collectIds(device({ imeiMd5sum: imei.toUpperCase() }), DEVICE_MODE, undefined);
		expect(c).toEqual({
			type: "imei_md5",
			value: imei,
			key: `imei_md5:${imei}`,
			source: "device.imei_md5sum",
		});
	});

	it.for([
		["31 hex digits", imei.slice(1)],
		["33 hex digits", `${imei}0`],
		["a non-hex letter", `g${imei.slice(1)}`],
		["a prefix", ` ${imei}`],
		["a suffix", `${imei}\n`],
		["a dashed UUID", "1e2dfa89-496a-47fd-9941-df1fc4e6"],
	] as const)("skips a malformed hash: %s", ([, value], { expect }) => {
		const skipped: SkippedId[] = [];
		expect(collectIds(device({ imeiMd5sum: value }), DEVICE_MODE, undefined, skipped)).toEqual([]);
		expect(skipped).toEqual([{ type: "imei_md5", value, source: "device.imei_md5sum", reason: "malformed" }]);
	});

	it.for([
		[DeviceIdTag.IDFA_MD5_DOUBTFUL, "idfa_md5"],
		[DeviceIdTag.IMEI_MD5_DOUBTFUL, "imei_md5"],
		[DeviceIdTag.ANDROIDID_MD5_DOUBTFUL, "android_id_md5"],
		[DeviceIdTag.MAC_MD5_DOUBTFUL, "mac_md5"],
		[DeviceIdTag.OAID_MD5_DOUBTFUL, "oaid_md5"],
		[DeviceIdTag.OAID_DOUBTFUL, "oaid_md5"],
		[DeviceIdTag.QAID_DOUBTFUL, "caid_md5"],
	] as const)("skips the id tag %i marks as doubtful (%s) and only that one", ([tag, type], { expect }) => {
		const skipped: SkippedId[] = [];
		const ids = collectIds(device({ ...everyId, doubtfulIdsList: [tag] }), DEVICE_MODE, undefined, skipped);
		expect(ids.map((c) => c.type)).toEqual(ID_TYPE_ORDER.filter((t) => t !== type));
		expect(skipped).toEqual([expect.objectContaining({ type, reason: "doubtful" })]);
	});

	it("checks every doubtful tag, not just the first", ({ expect }) => {
		const tags = [DeviceIdTag.MAC_MD5_DOUBTFUL, DeviceIdTag.IMEI_MD5_DOUBTFUL];
		const ids = collectIds(device({ ...everyId, doubtfulIdsList: tags }), DEVICE_MODE, undefined);
		expect(ids.map((c) => c.type)).toEqual(["idfa_md5", "caid_md5", "oaid_md5", "android_id_md5"]);
	});

	it("skips placeholder hashes as non-device ids, with the lower-cased value", ({ expect }) => {
		const md5OfZero = "cfcd208495d565ef66e7dff9f98764da";
		const skipped: SkippedId[] = [];
		const ids = collectIds(
			device({ androidIdMd5sum: md5OfZero.toUpperCase(), oaidMd5sum: oaid }),
			DEVICE_MODE,
			undefined,
			skipped,
		);
		expect(ids.map((c) => c.type)).toEqual(["oaid_md5"]);
		expect(skipped).toEqual([
			{ type: "android_id_md5", value: md5OfZero, source: "device.android_id_md5sum", reason: "non_device" },
		]);
	});

	it("works without a skipped list", ({ expect }) => {
		const ids = collectIds(
			device({
				imeiMd5sum: "bad",
				macMd5sum: "d41d8cd98f00b204e9800998ecf8427e",
				oaidMd5sum: oaid,
				doubtfulIdsList: [DeviceIdTag.OAID_MD5_DOUBTFUL],
				qaidInfos: [{ qaid: "null" }, { qaidMd5sum: caid }, { qaidMd5sum: caid }],
			}),
			DEVICE_MODE,
			undefined,
		);
		expect(ids.map((c) => c.key)).toEqual([`caid_md5:${caid}`]);
	});
});

describe("collectIds: the placeholder list the admin API and the CLI refuse", () => {
	it.for(["UNKNOWN", "02:00:00:00:00:00", "nil", "undefined", "NULL", ""])(
		"skips the md5 of %j as non_device",
		(raw, { expect }) => {
			const hash = md5Hex(raw);
			const skipped: SkippedId[] = [];
			const ids = collectIds(device({ imeiMd5sum: hash, oaidMd5sum: oaid }), DEVICE_MODE, undefined, skipped);
			expect(ids.map((c) => c.type)).toEqual(["oaid_md5"]);
			expect(skipped).toEqual([
				{ type: "imei_md5", value: hash, source: "device.imei_md5sum", reason: "non_device" },
			]);
		},
	);
});

describe("collectIds: CAID (qaid_infos)", () => {
	it("looks every CAID up, in request order, by qaid_md5sum or the md5 of qaid", ({ expect }) => {
		const skipped: SkippedId[] = [];
		const ids = collectIds(
			device({
				idfaMd5sum: idfa,
				qaidInfos: [
					{ version: 20220111, qaid: "caid-v1" },
					{ version: 20230330, qaidMd5sum: hashOf(2) },
					{ version: 20250325, qaid: "caid-v3", qaidMd5sum: hashOf(3) },
				],
			}),
			DEVICE_MODE,
			"caid_md5",
			skipped,
		);
		expect(ids.map((c) => [c.key, c.source])).toEqual([
			[`caid_md5:${hashDeviceId("caid", "caid-v1")}`, "device.qaid_infos[0].qaid"],
			[`caid_md5:${hashOf(2)}`, "device.qaid_infos[1].qaid_md5sum"],
			[`caid_md5:${hashOf(3)}`, "device.qaid_infos[2].qaid_md5sum"],
			[`idfa_md5:${idfa}`, "device.idfa_md5sum"],
		]);
		expect(skipped).toEqual([]);
	});

	it("does not hash a raw qaid longer than MAX_RAW_ID_LENGTH", ({ expect }) => {
		const skipped: SkippedId[] = [];
		const ids = collectIds(
			device({ qaidInfos: [{ qaid: "c".repeat(MAX_RAW_ID_LENGTH + 1) }, { qaid: "caid-v2" }] }),
			DEVICE_MODE,
			undefined,
			skipped,
		);
		expect(ids.map((c) => c.source)).toEqual(["device.qaid_infos[1].qaid"]);
		expect(skipped.map((s) => [s.source, s.reason])).toEqual([["device.qaid_infos[0].qaid", "too_long"]]);
	});

	it("uses the qaid when qaid_md5sum is malformed", ({ expect }) => {
		const skipped: SkippedId[] = [];
		const ids = collectIds(
			device({ qaidInfos: [{ qaid: "caid-v1", qaidMd5sum: "not-a-digest" }] }),
			DEVICE_MODE,
			undefined,
			skipped,
		);
		expect(ids.map((c) => [c.value, c.source])).toEqual([
			[hashDeviceId("caid", "caid-v1"), "device.qaid_infos[0].qaid"],
		]);
		expect(skipped).toEqual([
			{
				type: "caid_md5",
				value: "not-a-digest",
				source: "device.qaid_infos[0].qaid_md5sum",
				reason: "malformed",
			},
		]);
	});

	it("skips a CAID equal to any earlier one, not only the first", ({ expect }) => {
		const skipped: SkippedId[] = [];
		const qaidInfos = [{ qaidMd5sum: hashOf(1) }, { qaidMd5sum: hashOf(2) }, { qaidMd5sum: hashOf(2) }];
		const ids = collectIds(device({ qaidInfos }), DEVICE_MODE, undefined, skipped);
		expect(ids.map((c) => c.value)).toEqual([hashOf(1), hashOf(2)]);
		expect(skipped).toEqual([
			{ type: "caid_md5", value: hashOf(2), source: "device.qaid_infos[2].qaid_md5sum", reason: "duplicate" },
		]);
	});

	it("skips placeholder qaids, empty entries and duplicates", ({ expect }) => {
		const skipped: SkippedId[] = [];
		const ids = collectIds(
			device({
				qaidInfos: [
					{ version: 1 },
					{ qaid: "00000000-0000-0000-0000-000000000000" },
					{ qaid: "caid-v1" },
					{ qaidMd5sum: hashDeviceId("caid", "caid-v1").toUpperCase() },
				],
			}),
			DEVICE_MODE,
			undefined,
			skipped,
		);
		expect(ids.map((c) => c.source)).toEqual(["device.qaid_infos[2].qaid"]);
		expect(skipped).toEqual([
			{
				type: "caid_md5",
				value: "00000000-0000-0000-0000-000000000000",
				source: "device.qaid_infos[1].qaid",
				reason: "non_device",
			},
			{
				type: "caid_md5",
				value: hashDeviceId("caid", "caid-v1"),
				source: "device.qaid_infos[3].qaid_md5sum",
				reason: "duplicate",
			},
		]);
	});
});

describe(`collectIds: at most ${MAX_CANDIDATE_IDS} ids per request`, () => {
	it("is sixteen", ({ expect }) => {
		expect(MAX_CANDIDATE_IDS).toBe(16);
	});

	it("keeps exactly sixteen: the five device hashes and eleven CAIDs", ({ expect }) => {
		const qaidInfos = Array.from({ length: 11 }, (_, i) => ({ qaidMd5sum: hashOf(i) }));
		const skipped: SkippedId[] = [];
		const ids = collectIds(device({ ...everyId, qaidInfos }), DEVICE_MODE, undefined, skipped);
		expect(ids).toHaveLength(16);
		expect(skipped).toEqual([]);
	});

	it("skips the ids after the sixteenth in decision order as over_limit", ({ expect }) => {
		const qaidInfos = Array.from({ length: 12 }, (_, i) => ({ qaidMd5sum: hashOf(i) }));
		const skipped: SkippedId[] = [];
		const ids = collectIds(device({ ...everyId, qaidInfos }), DEVICE_MODE, "imei_md5", skipped);
		expect(ids).toHaveLength(16);
		expect(ids.map((c) => c.type).slice(0, 3)).toEqual(["imei_md5", "idfa_md5", "caid_md5"]);
		expect(ids.at(-1)?.type).toBe("android_id_md5");
		expect(skipped).toEqual([
			{ type: "mac_md5", value: mac, source: "device.mac_md5sum", reason: "over_limit" },
		]);
	});

	it("stops collecting CAIDs at sixteen without hashing the rest", ({ expect }) => {
		const qaidInfos = [
			...Array.from({ length: 16 }, (_, i) => ({ qaid: `caid-${i}` })),
			{ qaid: "caid-16" },
			{ qaidMd5sum: hashOf(17), qaid: "caid-17" },
			{ version: 3 },
		];
		const skipped: SkippedId[] = [];
		const ids = collectIds(device({ qaidInfos }), DEVICE_MODE, undefined, skipped);
		expect(ids.map((c) => c.source)).toEqual(
			Array.from({ length: 16 }, (_, i) => `device.qaid_infos[${i}].qaid`),
		);
		expect(skipped).toEqual([
			{ type: "caid_md5", value: "caid-16", source: "device.qaid_infos[16]", reason: "over_limit" },
			{ type: "caid_md5", value: hashOf(17), source: "device.qaid_infos[17]", reason: "over_limit" },
		]);
	});

	it("caps without a skipped list", ({ expect }) => {
		const qaidInfos = Array.from({ length: 18 }, (_, i) => ({ qaidMd5sum: hashOf(i) }));
		expect(collectIds(device({ ...everyId, qaidInfos }), DEVICE_MODE, undefined)).toHaveLength(16);
		expect(collectIds(device({ qaidInfos }), DEVICE_MODE, undefined)).toHaveLength(16);
	});

	it("caps openids too", ({ expect }) => {
		const wxOpenid = Array.from({ length: 17 }, (_, i) => ({ appid: "wx_a", openid: `o${i}` }));
		const skipped: SkippedId[] = [];
		const ids = collectIds(device({ wxOpenid }), { kind: "openid", appid: "wx_a" }, undefined, skipped);
		expect(ids.map((c) => c.value)).toEqual(Array.from({ length: 16 }, (_, i) => `o${i}`));
		expect(skipped).toEqual([
			{ type: "openid", value: "o16", source: "device.wx_openid[16]", reason: "over_limit" },
		]);
	});
});

describe("collectIds in openid mode", () => {
	const mode = { kind: "openid", appid: "wx_a" } as const;

	it("uses only the configured appid's openids, and no device id", ({ expect }) => {
		const skipped: SkippedId[] = [];
		const ids = collectIds(
			device({
				...everyId,
				wxOpenid: [
					{ appid: "wx_a", openid: "o1" },
					{ appid: "wx_b", openid: "o2" },
					{ appid: "wx_a", openid: "" },
					{ appid: "wx_a", openid: "null" },
					{ appid: "wx_a", openid: "o1" },
					{ appid: "wx_a", openid: "o3" },
				],
			}),
			mode,
			"imei_md5",
			skipped,
		);
		expect(ids).toEqual([
			{ type: "openid", value: "o1", key: "openid:o1", source: "device.wx_openid[0]" },
			{ type: "openid", value: "o3", key: "openid:o3", source: "device.wx_openid[5]" },
		]);
		expect(skipped).toEqual([
			{ type: "openid", value: "o2", source: "device.wx_openid[1]", reason: "other_appid" },
			{ type: "openid", value: "null", source: "device.wx_openid[3]", reason: "non_device" },
			{ type: "openid", value: "o1", source: "device.wx_openid[4]", reason: "duplicate" },
		]);
	});

	it("treats an openid longer than any stored one as unusable, before any lookup (KV keys are ≤ 512 bytes)", ({
		expect,
	}) => {
		const long = "o".repeat(MAX_OPENID_LENGTH + 1);
		const skipped: SkippedId[] = [];
		const ids = collectIds(
			device({
				wxOpenid: [
					{ appid: "wx_a", openid: "o".repeat(600) },
					{ appid: "wx_a", openid: long },
					{ appid: "wx_a", openid: "o".repeat(MAX_OPENID_LENGTH) },
				],
			}),
			mode,
			undefined,
			skipped,
		);
		expect(ids.map((c) => c.value)).toEqual(["o".repeat(MAX_OPENID_LENGTH)]);
		expect(skipped.map((s) => [s.source, s.reason, s.value.length])).toEqual([
			["device.wx_openid[0]", "too_long", 65],
			["device.wx_openid[1]", "too_long", 65],
		]);
		// Only garbage ids: NO_USABLE_ID, never a lookup (so never a storage error nor a FALLBACK take).
		expect(collectIds(device({ wxOpenid: [{ appid: "wx_a", openid: long }] }), mode, undefined)).toEqual([]);
	});

	it("skips an empty openid of another appid silently", ({ expect }) => {
		const skipped: SkippedId[] = [];
		expect(collectIds(device({ wxOpenid: [{ appid: "wx_b" }] }), mode, undefined, skipped)).toEqual([]);
		expect(skipped).toEqual([]);
	});

	it("works without a skipped list", ({ expect }) => {
		const ids = collectIds(
			device({
				wxOpenid: [
					{ appid: "wx_b", openid: "o2" },
					{ appid: "wx_a", openid: "unknown" },
					{ appid: "wx_a", openid: "o1" },
					{ appid: "wx_a", openid: "o1" },
				],
			}),
			mode,
			undefined,
		);
		expect(ids.map((c) => c.key)).toEqual(["openid:o1"]);
	});
});
