/**
 * `readRtaRequest`: the fields of an `RtaRequest` a responder decides on, read straight from the
 * wire with the strict rules of strict-binary.ts (a known field with another wire type is skipped
 * as unknown; a field past the end of its sub-message is an error), into plain objects — no
 * message objects for the fields nobody reads, and the request id's exact bytes to echo.
 *
 * Read: `id` (#1, also as bytes), `is_ping` (#2), `is_test` (#3), `device` (#5: os, the five md5
 * ids, doubtful_ids_list, cached_deviceid_type with its presence, qaid_infos, wx_openid),
 * `request_info.request_type` (#8), `exps[].exp_id` (#9), `ad_infos` (#11: adgroup_id,
 * creative_infos, product_infos, advertiser_id, out_target_id). Every other field is checked as
 * `decodeRtaRequest` checks it (`fl_models` and the packed `crt_template_id` included) and
 * skipped, so the two accept and refuse exactly the same bytes (docs/rta/wire-protocol.md).
 * @module
 */
import {
	RtaRequest_Device_CacheDeviceIdTypeSchema,
	RtaRequest_FLModelSchema,
	RtaRequest_OperatingSystemSchema,
	RtaRequest_RequestInfo_RequestTypeSchema,
} from "./gen/tencent/ad/rta/rta_pb.ts";
import { decodeStrict } from "./strict-binary.ts";
import { Wire, WireReader } from "./wire-reader.ts";

/** A CAID entry (RtaRequest.Device.QaidInfo #2, #4). */
export interface QaidView {
	qaid: string;
	qaidMd5sum: string;
}

/** An openid per WeChat appid (RtaRequest.Device.WxOpenid). */
export interface WxOpenidView {
	appid: string;
	openid: string;
}

/** The device fields a responder reads (RtaRequest.Device). Absent strings are `""`. */
export interface RtaDeviceView {
	/** #1; undefined when absent or a value the schema does not declare. */
	os: number | undefined;
	idfaMd5sum: string;
	imeiMd5sum: string;
	androidIdMd5sum: string;
	macMd5sum: string;
	oaidMd5sum: string;
	/** #9, packed or not; values the schema does not declare are kept (they name no id). */
	doubtfulIdsList: number[];
	/** #10; undefined when absent or a value the schema does not declare (presence matters: 0 is IDFA_MD5). */
	cachedDeviceidType: number | undefined;
	qaidInfos: QaidView[];
	wxOpenid: WxOpenidView[];
}

/** A creative of an ad (RtaRequest.AdInfo.CreativeInfo). */
export interface CreativeInfoView {
	creativeId: bigint;
	crtTemplateId: number;
}

/** A product of an ad (RtaRequest.AdInfo.ProductInfo); the id's bytes too, to echo it exactly. */
export interface ProductInfoView {
	productLib: bigint;
	outProductId: string;
	outProductIdBytes: Uint8Array;
}

/** An ad of a second-stage request (RtaRequest.AdInfo). Absent numbers are 0. */
export interface AdInfoView {
	adgroupId: bigint;
	creativeInfos: CreativeInfoView[];
	productInfos: ProductInfoView[];
	advertiserId: number;
	outTargetId: string;
}

/** The request as a responder reads it. */
export interface RtaRequestView {
	/** #1 as text (invalid UTF-8 as U+FFFD): for logs and matching. */
	id: string;
	/** #1 exactly as sent (empty when absent): what `request_id` echoes. */
	idBytes: Uint8Array;
	isPing: boolean;
	isTest: boolean;
	device: RtaDeviceView | undefined;
	/** #8 `request_info.request_type`; undefined when absent (RequestType: 0 normal, 2 ADLIST). */
	requestType: number | undefined;
	/** #9 `exps[].exp_id`, in request order. */
	expIds: number[];
	/** #11, in request order. */
	adInfos: AdInfoView[];
}

// proto2 enums are closed: only the values the schema declares are read.
const valuesOf = (e: { values: readonly { number: number }[] }) => new Set(e.values.map((v) => v.number));
const OS_VALUES = /*@__PURE__*/ valuesOf(RtaRequest_OperatingSystemSchema);
const CACHED_TYPE_VALUES = /*@__PURE__*/ valuesOf(RtaRequest_Device_CacheDeviceIdTypeSchema);
const REQUEST_TYPE_VALUES = /*@__PURE__*/ valuesOf(RtaRequest_RequestInfo_RequestTypeSchema);
const EMPTY = new Uint8Array(0);

/**
 * Reads a request.
 * @param bytes - the HTTP body
 * @returns the fields a responder decides on
 * @throws Error for bytes that are not a well-formed RtaRequest
 * @example readRequestView(body).device?.imeiMd5sum
 */
export function readRequestView(bytes: Uint8Array): RtaRequestView {
	const r = new WireReader(bytes);
	const req: RtaRequestView = {
		id: "",
		idBytes: EMPTY,
		isPing: false,
		isTest: false,
		device: undefined,
		requestType: undefined,
		expIds: [],
		adInfos: [],
	};
	while (r.more()) {
		r.tag();
		const w = r.wireType;
		switch (r.fieldNo) {
			case 1:
				if (w !== Wire.LEN) break;
				req.idBytes = r.bytesField();
				req.id = req.idBytes.length === 0 ? "" : utf8.decode(req.idBytes);
				continue;
			case 2:
				if (w !== Wire.VARINT) break;
				req.isPing = r.bool();
				continue;
			case 3:
				if (w !== Wire.VARINT) break;
				req.isTest = r.bool();
				continue;
			case 5:
				if (w !== Wire.LEN) break;
				req.device = readDevice(r, req.device);
				continue;
			case 8:
				if (w !== Wire.LEN) break;
				req.requestType = readRequestType(r, req.requestType);
				continue;
			case 9:
				if (w !== Wire.LEN) break;
				readExperiment(r, req.expIds);
				continue;
			case 11:
				if (w !== Wire.LEN) break;
				req.adInfos.push(readAdInfo(r));
				continue;
			case 14:
				// fl_models: not read, but checked like any known sub-message.
				if (w !== Wire.LEN) break;
				decodeStrict(RtaRequest_FLModelSchema, r.bytesField());
				continue;
			case 15:
				// crt_template_id: not read; a packed list must still hold whole varints.
				if (w === Wire.VARINT) r.uint32();
				else if (w === Wire.LEN) {
					const outer = r.enter();
					while (r.more()) r.uint32();
					r.leave(outer);
				} else break;
				continue;
		}
		r.skip();
	}
	return req;
}

const utf8 = new TextDecoder();

function readDevice(r: WireReader, previous: RtaDeviceView | undefined): RtaDeviceView {
	// A singular message sent twice is merged (protobuf rules).
	const d: RtaDeviceView = previous ?? {
		os: undefined,
		idfaMd5sum: "",
		imeiMd5sum: "",
		androidIdMd5sum: "",
		macMd5sum: "",
		oaidMd5sum: "",
		doubtfulIdsList: [],
		cachedDeviceidType: undefined,
		qaidInfos: [],
		wxOpenid: [],
	};
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		const w = r.wireType;
		switch (r.fieldNo) {
			case 1:
				if (w !== Wire.VARINT) break;
				d.os = closedEnum(r.int32(), OS_VALUES, d.os);
				continue;
			case 2:
				if (w !== Wire.LEN) break;
				d.idfaMd5sum = r.string();
				continue;
			case 3:
				if (w !== Wire.LEN) break;
				d.imeiMd5sum = r.string();
				continue;
			case 4:
				if (w !== Wire.LEN) break;
				d.androidIdMd5sum = r.string();
				continue;
			case 5:
				if (w !== Wire.LEN) break;
				d.macMd5sum = r.string();
				continue;
			case 6:
				if (w !== Wire.LEN) break;
				d.oaidMd5sum = r.string();
				continue;
			case 9:
				if (w === Wire.VARINT) d.doubtfulIdsList.push(r.int32());
				else if (w === Wire.LEN) {
					const list = r.enter();
					while (r.more()) d.doubtfulIdsList.push(r.int32());
					r.leave(list);
				} else break;
				continue;
			case 10:
				if (w !== Wire.VARINT) break;
				d.cachedDeviceidType = closedEnum(r.int32(), CACHED_TYPE_VALUES, d.cachedDeviceidType);
				continue;
			case 13:
				if (w !== Wire.LEN) break;
				d.qaidInfos.push(readQaid(r));
				continue;
			case 14:
				if (w !== Wire.LEN) break;
				d.wxOpenid.push(readOpenid(r));
				continue;
		}
		r.skip(1);
	}
	r.leave(outer);
	return d;
}

// An undeclared value leaves the field as it was (protobuf keeps it as an unknown field).
function closedEnum(
	value: number,
	declared: ReadonlySet<number>,
	previous: number | undefined,
): number | undefined {
	return declared.has(value) ? value : previous;
}

function readQaid(r: WireReader): QaidView {
	const q: QaidView = { qaid: "", qaidMd5sum: "" };
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		if (r.wireType === Wire.LEN && r.fieldNo === 2) q.qaid = r.string();
		else if (r.wireType === Wire.LEN && r.fieldNo === 4) q.qaidMd5sum = r.string();
		else r.skip(2);
	}
	r.leave(outer);
	return q;
}

function readOpenid(r: WireReader): WxOpenidView {
	const o: WxOpenidView = { appid: "", openid: "" };
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		if (r.wireType === Wire.LEN && r.fieldNo === 1) o.appid = r.string();
		else if (r.wireType === Wire.LEN && r.fieldNo === 2) o.openid = r.string();
		else r.skip(2);
	}
	r.leave(outer);
	return o;
}

function readRequestType(r: WireReader, previous: number | undefined): number | undefined {
	let type = previous;
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		if (r.wireType === Wire.VARINT && r.fieldNo === 1)
			type = closedEnum(r.int32(), REQUEST_TYPE_VALUES, type);
		else r.skip(1);
	}
	r.leave(outer);
	return type;
}

function readExperiment(r: WireReader, into: number[]): void {
	let expId = 0;
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		if (r.wireType === Wire.VARINT && r.fieldNo === 1) expId = r.uint32();
		else r.skip(1);
	}
	r.leave(outer);
	into.push(expId);
}

function readAdInfo(r: WireReader): AdInfoView {
	const ad: AdInfoView = {
		adgroupId: 0n,
		creativeInfos: [],
		productInfos: [],
		advertiserId: 0,
		outTargetId: "",
	};
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		const w = r.wireType;
		switch (r.fieldNo) {
			case 1:
				if (w !== Wire.VARINT) break;
				ad.adgroupId = r.uint64();
				continue;
			case 2:
				if (w !== Wire.LEN) break;
				ad.creativeInfos.push(readCreative(r));
				continue;
			case 3:
				if (w !== Wire.LEN) break;
				ad.productInfos.push(readProduct(r));
				continue;
			case 4:
				if (w !== Wire.VARINT) break;
				ad.advertiserId = r.uint32();
				continue;
			case 5:
				if (w !== Wire.LEN) break;
				ad.outTargetId = r.string();
				continue;
		}
		r.skip(1);
	}
	r.leave(outer);
	return ad;
}

function readCreative(r: WireReader): CreativeInfoView {
	const c: CreativeInfoView = { creativeId: 0n, crtTemplateId: 0 };
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		if (r.wireType === Wire.VARINT && r.fieldNo === 1) c.creativeId = r.uint64();
		else if (r.wireType === Wire.VARINT && r.fieldNo === 2) c.crtTemplateId = r.uint32();
		else r.skip(2);
	}
	r.leave(outer);
	return c;
}

function readProduct(r: WireReader): ProductInfoView {
	const p: ProductInfoView = { productLib: 0n, outProductId: "", outProductIdBytes: EMPTY };
	const outer = r.enter();
	while (r.more()) {
		r.tag();
		if (r.wireType === Wire.VARINT && r.fieldNo === 1) p.productLib = r.uint64();
		else if (r.wireType === Wire.LEN && r.fieldNo === 2) {
			p.outProductIdBytes = r.bytesField();
			p.outProductId = utf8.decode(p.outProductIdBytes);
		} else r.skip(2);
	}
	r.leave(outer);
	return p;
}
