import { create, toBinary } from "@bufbuild/protobuf";
import { describe, it } from "vitest";
import { isProtoError } from "./errors.ts";
import {
	RtaRequest_Device_CacheDeviceIdType as CacheDeviceIdType,
	RtaRequest_Device_DeviceIdTag as DeviceIdTag,
	RtaRequest_OperatingSystem as OperatingSystem,
	RtaRequestSchema,
	RtaResponseSchema,
} from "./gen/tencent/ad/rta/rta_pb.ts";
import { expectedRequest, requestBytes, responseBytes } from "./rta.testdata.ts";
import { decodeRtaRequest, decodeRtaResponse, encodeRtaRequest, encodeRtaResponse } from "./rta.ts";

describe("RtaRequest from hand-written wire bytes", () => {
	it("decodes every field", ({ expect }) => {
		const req = decodeRtaRequest(requestBytes);
		expect(req.id).toBe(expectedRequest.id);
		expect(req.isTest).toBe(true);
		expect(req.isPing).toBe(false);
		expect(req.device?.os).toBe(OperatingSystem.OS_ANDROID);
		expect(req.device?.imeiMd5sum).toBe(expectedRequest.imeiMd5);
		expect(req.device?.doubtfulIdsList).toEqual([DeviceIdTag.OAID_MD5_DOUBTFUL]);
		expect(req.device?.cachedDeviceidType).toBe(CacheDeviceIdType.IMEI_MD5);
		expect(req.exps.map((e) => e.expId)).toEqual(expectedRequest.expIds);
		expect(req.crtTemplateId).toEqual(expectedRequest.crtTemplateIds);
	});

	it("keeps an unknown field and re-encodes the same bytes", ({ expect }) => {
		const req = decodeRtaRequest(requestBytes);
		expect(req.$unknown?.map((f) => f.no)).toEqual([99]);
		expect(encodeRtaRequest(req)).toEqual(requestBytes);
	});

	it("reads the newer OS values OS_MAC and OS_HARMONY", ({ expect }) => {
		const bytes = Uint8Array.from([0x2a, 0x02, 0x08, 0x07]);
		expect(decodeRtaRequest(bytes).device?.os).toBe(OperatingSystem.OS_HARMONY);
		expect(OperatingSystem.OS_MAC).toBe(6);
	});

	it("accepts packed encoding of a repeated enum too (parsers must take both)", ({ expect }) => {
		const device = [0x4a, 0x02, 0x01, 0x04]; // doubtful_ids_list packed [1, 4]
		const req = decodeRtaRequest(Uint8Array.from([0x2a, device.length, ...device]));
		expect(req.device?.doubtfulIdsList).toEqual([
			DeviceIdTag.IMEI_MD5_DOUBTFUL,
			DeviceIdTag.OAID_MD5_DOUBTFUL,
		]);
	});

	it("decodes an empty body as an empty request (no id, no device)", ({ expect }) => {
		const req = decodeRtaRequest(new Uint8Array());
		expect(req.id).toBe("");
		expect(req.device).toBeUndefined();
	});
});

describe("RtaRequest: malformed bytes", () => {
	const bad: Array<[string, number[]]> = [
		["truncated string", [0x0a, 0x05, 0x72, 0x65]],
		["truncated varint", [0x10, 0x80]],
		["length past the end of a nested message", [0x2a, 0x10, 0x08, 0x02]],
		["invalid wire type 7", [0x0f, 0x00]],
		["field number 0", [0x00, 0x01]],
	];
	it.for(bad)("throws DECODE_FAILED for %s", ([, bytes], { expect }) => {
		let caught: unknown;
		try {
			decodeRtaRequest(Uint8Array.from(bytes));
		} catch (e) {
			caught = e;
		}
		expect(isProtoError(caught) && caught.code).toBe("DECODE_FAILED");
		expect(isProtoError(caught) && caught.typeName).toBe("tencent.ad.rta.RtaRequest");
	});
});

describe("RtaResponse", () => {
	it("encodes to the hand-written bytes, with code 0 present", ({ expect }) => {
		const response = create(RtaResponseSchema, {
			requestId: "req-1",
			code: 0,
			processingTimeMs: 3,
			responseCacheTime: 3600,
			outTargetId: ["s1"],
			targetInfos: [{ outTargetId: "s1", cpcPrice: 100, userWeightFactor: 1.5 }],
			aidWhitelist: [1n, 2n ** 32n],
		});
		expect(encodeRtaResponse(response)).toEqual(responseBytes);
	});

	it("decodes the hand-written bytes", ({ expect }) => {
		const res = decodeRtaResponse(responseBytes);
		expect(res.code).toBe(0);
		expect(res.targetInfos[0]?.userWeightFactor).toBe(1.5);
		expect(res.aidWhitelist).toEqual([1n, 4294967296n]);
	});

	it("leaves code off the wire when it was never set (callers must set it)", ({ expect }) => {
		expect(toBinary(RtaResponseSchema, create(RtaResponseSchema, {}))).toHaveLength(0);
	});

	it("carries raise_factor_to_tencent as field 12 float", ({ expect }) => {
		const res = create(RtaResponseSchema, {
			code: 0,
			adResults: [{ adgroupId: 5n, raiseFactorToTencent: 1.25 }],
		});
		const bytes = encodeRtaResponse(res);
		// ad_results (14, len) { adgroup_id 5; field 12 fixed32 1.25f = 00 00 a0 3f }
		expect(Array.from(bytes)).toEqual([0x10, 0x00, 0x72, 0x07, 0x08, 0x05, 0x65, 0x00, 0x00, 0xa0, 0x3f]);
	});

	it("round-trips a request built in code", ({ expect }) => {
		const req = create(RtaRequestSchema, { id: "x", isPing: true });
		expect(decodeRtaRequest(encodeRtaRequest(req)).isPing).toBe(true);
	});
});
