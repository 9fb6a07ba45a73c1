import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import { describe, it } from "vitest";
import { isProtoError } from "./errors.ts";
import {
	RtaRequest_Device_CacheDeviceIdType as CacheDeviceIdType,
	type RtaRequest,
	RtaRequest_DeviceSchema,
	RtaRequest_RequestInfoSchema,
	RtaRequestSchema,
} from "./gen/tencent/ad/rta/rta_pb.ts";
import { decodeRtaRequest, readRtaRequest } from "./rta.ts";
import type { RtaRequestView } from "./rta-request-view.ts";
import {
	adlistRequest,
	expsAsVarint,
	fieldPastItsSubMessage,
	IMEI_MD5,
	idNotUtf8,
	idWithBom,
	sitesetFixed32ThenPing,
	unifiedRequestIdAsVarint,
} from "./strict.testdata.ts";

function decodeError(read: () => unknown): string {
	try {
		read();
	} catch (e) {
		if (isProtoError(e) && e.code === "DECODE_FAILED") return e.message;
		throw e;
	}
	throw new Error("decoded");
}

describe("a known field with another wire type is skipped as an unknown field", () => {
	it("unified_request_id (#12) as a varint: the rest of the request is read", ({ expect }) => {
		const req = decodeRtaRequest(unifiedRequestIdAsVarint);
		expect(req.id).toBe("r1");
		expect(req.unifiedRequestId).toBe("");
		expect(req.device?.imeiMd5sum).toBe(IMEI_MD5);
		expect(req.$unknown).toEqual([{ no: 12, wireType: 0, data: Uint8Array.from([0x96, 0x01]) }]);
		const view = readRtaRequest(unifiedRequestIdAsVarint);
		expect([view.id, view.device?.imeiMd5sum]).toEqual(["r1", IMEI_MD5]);
	});

	it("exps (#9) as a varint: no experiment, and the device after it is still the device", ({ expect }) => {
		const req = decodeRtaRequest(expsAsVarint);
		expect(req.exps).toEqual([]);
		expect(req.device?.imeiMd5sum).toBe(IMEI_MD5);
		const view = readRtaRequest(expsAsVarint);
		expect(view.expIds).toEqual([]);
		expect(view.device?.imeiMd5sum).toBe(IMEI_MD5);
	});

	it("siteset_id (#6) as fixed32 followed by is_ping = 1: the request is a ping", ({ expect }) => {
		expect(decodeRtaRequest(sitesetFixed32ThenPing).isPing).toBe(true);
		expect(decodeRtaRequest(sitesetFixed32ThenPing).sitesetId).toBe(0n);
		expect(readRtaRequest(sitesetFixed32ThenPing).isPing).toBe(true);
	});

	it("re-encodes the skipped field unchanged (after the known ones)", ({ expect }) => {
		const req = decodeRtaRequest(unifiedRequestIdAsVarint);
		expect(decodeRtaRequest(toBinary(RtaRequestSchema, req)).$unknown).toEqual(req.$unknown);
	});

	it("inside sub-messages too: imei_md5sum as a varint is not an id", ({ expect }) => {
		// device { 3 imei_md5sum as varint 1; 6 oaid_md5sum "ab" }
		const bytes = Uint8Array.from([0x2a, 0x06, 0x18, 0x01, 0x32, 0x02, 0x61, 0x62]);
		expect(decodeRtaRequest(bytes).device?.imeiMd5sum).toBe("");
		expect(readRtaRequest(bytes).device).toEqual(
			expect.objectContaining({ imeiMd5sum: "", oaidMd5sum: "ab" }),
		);
	});
});

describe("a field running past the end of its sub-message", () => {
	it("makes the request undecodable (device of 3 bytes whose imei_md5sum claims 32)", ({ expect }) => {
		// The length of imei_md5sum is the first byte past the device's end.
		expect(decodeError(() => decodeRtaRequest(fieldPastItsSubMessage))).toMatch(/premature end of message/);
		expect(decodeError(() => readRtaRequest(fieldPastItsSubMessage))).toMatch(/premature end of message/);
		// A device of 4 bytes holds the length: the value runs past it.
		const longer = Uint8Array.from(fieldPastItsSubMessage);
		longer[5] = 0x04;
		expect(decodeError(() => decodeRtaRequest(longer))).toMatch(/field 3 runs past the end of its message/);
		expect(decodeError(() => readRtaRequest(longer))).toMatch(/field 3 runs past the end of its message/);
	});

	it("also deeper down (a qaid_infos entry) and in packed lists", ({ expect }) => {
		// device { 13 qaid_infos, 2 bytes: { 2 qaid len 5 … } } + 5 more bytes outside the entry
		const qaid = Uint8Array.from([0x2a, 0x09, 0x6a, 0x02, 0x12, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65]);
		expect(decodeError(() => decodeRtaRequest(qaid))).toMatch(/past the end/);
		expect(decodeError(() => readRtaRequest(qaid))).toMatch(/past the end/);
		// 15 crt_template_id packed, 1 byte: a varint cut by the end of the list (80 | 01 outside)
		const packed = Uint8Array.from([0x7a, 0x01, 0x80, 0x01]);
		expect(decodeError(() => decodeRtaRequest(packed))).toMatch(/premature end/);
		expect(decodeError(() => readRtaRequest(packed))).toMatch(/premature end/);
	});
});

describe("request_id bytes", () => {
	it("are kept exactly: invalid UTF-8 and a leading byte-order mark", ({ expect }) => {
		expect(readRtaRequest(idNotUtf8).idBytes).toEqual(Uint8Array.from([0xc3, 0x28]));
		expect(readRtaRequest(idWithBom).idBytes).toEqual(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]));
		// The text form is for logs: U+FFFD for the invalid byte, the mark dropped.
		expect(readRtaRequest(idNotUtf8).id).toBe("\ufffd(");
		expect(readRtaRequest(idWithBom).id).toBe("A");
	});
});

describe("readRtaRequest", () => {
	it("reads a second-stage request: request type, ads, creatives, products, uint64 past 2^53", ({
		expect,
	}) => {
		const view = readRtaRequest(adlistRequest);
		expect(view.requestType).toBe(2);
		expect(view.adInfos).toEqual([
			{
				adgroupId: 1001n,
				creativeInfos: [{ creativeId: 5001n, crtTemplateId: 7 }],
				productInfos: [
					{ productLib: 77n, outProductId: "sku-1", outProductIdBytes: new TextEncoder().encode("sku-1") },
				],
				advertiserId: 20285,
				outTargetId: "s",
			},
			{ adgroupId: 2n ** 63n + 1n, creativeInfos: [], productInfos: [], advertiserId: 0, outTargetId: "" },
		]);
	});

	it("tells an absent cached_deviceid_type from IDFA_MD5 (0), and drops undeclared values", ({ expect }) => {
		const absent = readRtaRequest(Uint8Array.from([0x2a, 0x02, 0x08, 0x02]));
		expect(absent.device?.cachedDeviceidType).toBeUndefined();
		const idfa = readRtaRequest(Uint8Array.from([0x2a, 0x02, 0x50, 0x00]));
		expect(idfa.device?.cachedDeviceidType).toBe(CacheDeviceIdType.IDFA_MD5);
		const undeclared = readRtaRequest(Uint8Array.from([0x2a, 0x04, 0x50, 0x01, 0x50, 0x63]));
		expect(undeclared.device?.cachedDeviceidType).toBe(CacheDeviceIdType.IMEI_MD5);
	});

	it("reads doubtful_ids_list packed and unpacked", ({ expect }) => {
		const view = readRtaRequest(Uint8Array.from([0x2a, 0x06, 0x48, 0x01, 0x4a, 0x02, 0x04, 0x06]));
		expect(view.device?.doubtfulIdsList).toEqual([1, 4, 6]);
	});

	it.for([
		["truncated varint", [0x10, 0x80]],
		["field number 0", [0x00, 0x01]],
		["wire type 7", [0x0f, 0x00]],
		["a stray end-group tag", [0x0c]],
		["an unclosed group", [0x3b, 0x08, 0x01]],
		["a varint of 11 bytes", [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
		["a malformed fl_models entry", [0x72, 0x03, 0x2a, 0x01, 0x00]],
	] as const)("refuses %s, like decodeRtaRequest", ([, bytes], { expect }) => {
		const body = Uint8Array.from(bytes);
		expect(decodeError(() => readRtaRequest(body))).toEqual(expect.any(String));
		expect(decodeError(() => decodeRtaRequest(body))).toEqual(expect.any(String));
	});

	it("skips a well-formed unknown group", ({ expect }) => {
		// 7 start-group { 1 varint 1 } 7 end-group, then 2 is_ping 1
		const view = readRtaRequest(Uint8Array.from([0x3b, 0x08, 0x01, 0x3c, 0x10, 0x01]));
		expect(view.isPing).toBe(true);
	});
});

/** What a decoded message says about the fields the view reads, for comparing the two. */
function project(req: RtaRequest, expect: { any: (c: unknown) => unknown }): unknown {
	const d = req.device;
	return {
		id: req.id,
		isPing: req.isPing,
		isTest: req.isTest,
		device:
			d === undefined
				? undefined
				: {
						os: isFieldSet(d, RtaRequest_DeviceSchema.field.os) ? d.os : undefined,
						idfaMd5sum: d.idfaMd5sum,
						imeiMd5sum: d.imeiMd5sum,
						androidIdMd5sum: d.androidIdMd5sum,
						macMd5sum: d.macMd5sum,
						oaidMd5sum: d.oaidMd5sum,
						doubtfulIdsList: [...d.doubtfulIdsList],
						cachedDeviceidType: isFieldSet(d, RtaRequest_DeviceSchema.field.cachedDeviceidType)
							? d.cachedDeviceidType
							: undefined,
						qaidInfos: d.qaidInfos.map((q) => ({ qaid: q.qaid, qaidMd5sum: q.qaidMd5sum })),
						wxOpenid: d.wxOpenid.map((o) => ({ appid: o.appid, openid: o.openid })),
					},
		requestType:
			req.requestInfo !== undefined &&
			isFieldSet(req.requestInfo, RtaRequest_RequestInfoSchema.field.requestType)
				? req.requestInfo.requestType
				: undefined,
		expIds: req.exps.map((e) => e.expId),
		adInfos: req.adInfos.map((a) => ({
			adgroupId: a.adgroupId,
			creativeInfos: a.creativeInfos.map((c) => ({
				creativeId: c.creativeId,
				crtTemplateId: c.crtTemplateId,
			})),
			productInfos: a.productInfos.map((p) => ({
				productLib: p.productLib,
				outProductId: p.outProductId,
				// The view keeps the exact bytes; the text of both is what is compared.
				outProductIdBytes: expect.any(Uint8Array),
			})),
			advertiserId: a.advertiserId,
			outTargetId: a.outTargetId,
		})),
	};
}

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe("readRtaRequest and decodeRtaRequest agree", () => {
	const seeds = toBinary(
		RtaRequestSchema,
		create(RtaRequestSchema, {
			id: "seed-1",
			isTest: true,
			device: {
				os: 2,
				imeiMd5sum: IMEI_MD5,
				oaidMd5sum: "d41d8cd98f00b204e9800998ecf8427e",
				doubtfulIdsList: [1],
				cachedDeviceidType: 1,
				qaidInfos: [{ version: 1, qaid: "caid", qaidMd5sum: "x" }],
				wxOpenid: [{ appid: "wx1", openid: "o1" }],
				ip: "10.0.0.1",
			},
			requestInfo: { requestType: 2 },
			exps: [{ expId: 7 }, { expId: 300 }],
			adInfos: [
				{
					adgroupId: 1001n,
					advertiserId: 9,
					outTargetId: "s",
					creativeInfos: [{ creativeId: 5n, crtTemplateId: 1 }],
					productInfos: [{ productLib: 77n, outProductId: "sku" }],
				},
			],
			flModels: [{ modelId: 1n, modelName: "m", embedding: [0.5, 1.5] }],
			crtTemplateId: [1, 150],
			rtaTraceIdList: ["t1"],
			adRequestTime: 1_700_000_000n,
			unifiedRequestId: "u",
			sitesetId: 3n,
		}),
	);

	it("on 2,400 mutated requests: both refuse, or both read the same fields", ({ expect }) => {
		const random = prng(12);
		let refused = 0;
		for (let n = 0; n < 2400; n++) {
			const bytes = Array.from(seeds);
			const edits = 1 + Math.floor(random() * 3);
			for (let e = 0; e < edits; e++) {
				const at = Math.floor(random() * bytes.length);
				const kind = random();
				if (kind < 0.5) bytes[at] = Math.floor(random() * 256);
				else if (kind < 0.7) bytes.splice(at, 1);
				else if (kind < 0.9) bytes.splice(at, 0, Math.floor(random() * 256));
				else bytes.length = at;
			}
			const body = Uint8Array.from(bytes);
			let full: RtaRequest | undefined;
			let view: RtaRequestView | undefined;
			try {
				full = decodeRtaRequest(body);
			} catch {}
			try {
				view = readRtaRequest(body);
			} catch {}
			expect([n, full === undefined]).toEqual([n, view === undefined]);
			if (full === undefined || view === undefined) {
				refused++;
				continue;
			}
			const { idBytes, ...rest } = view;
			expect(rest).toEqual(project(full, expect));
			expect(new TextDecoder().decode(idBytes)).toBe(full.id);
			for (const ad of view.adInfos)
				for (const p of ad.productInfos)
					expect(new TextDecoder().decode(p.outProductIdBytes)).toBe(p.outProductId);
		}
		// Both outcomes are exercised.
		expect(refused).toBeGreaterThan(200);
		expect(refused).toBeLessThan(2200);
	});
});

describe("why: fromBinary of @bufbuild/protobuf 2.17 reads these differently", () => {
	it("misreads a known field of another wire type and reads past a sub-message's end", ({ expect }) => {
		expect(() => fromBinary(RtaRequestSchema, unifiedRequestIdAsVarint)).toThrow();
		expect(fromBinary(RtaRequestSchema, expsAsVarint).device).toBeUndefined();
		expect(fromBinary(RtaRequestSchema, sitesetFixed32ThenPing).isPing).toBe(false);
		expect(fromBinary(RtaRequestSchema, fieldPastItsSubMessage).device?.imeiMd5sum).toBe(IMEI_MD5);
	});
});
