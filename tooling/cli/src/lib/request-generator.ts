/**
 * Realistic, varied RtaRequests for the load test, reproducible from a seed: iOS and Android
 * devices from a fixed pool (so ids repeat as real traffic does), IDFA/CAID or IMEI/OAID/Android ID
 * hashes, doubtful ids with their tags, the cached_deviceid_type the platform would pick, 0–3
 * experiment layers, ~1 % pings and some is_test calls (docs/rta/wire-protocol.md,
 * docs/rta/http-behaviour.md).
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { hashDeviceId } from "@txad/muid";
import {
	CacheDeviceIdType,
	DeviceIdTag,
	encodeRtaRequest,
	OperatingSystem,
	type RtaRequest,
	RtaRequest_Device_QaidInfoSchema,
	RtaRequest_Device_WxOpenidSchema,
	RtaRequest_DeviceSchema,
	RtaRequest_ExperimentSchema,
	RtaRequestSchema,
} from "@txad/proto";
import type { DeviceRef } from "./device-ids.ts";
import { createRandom, type Random } from "./prng.ts";

/** Mix of the generated traffic. Rates are probabilities per request. */
export interface GeneratorOptions {
	/** PRNG seed: the same seed gives the same request sequence. */
	seed: number;
	/** Distinct synthetic devices (default 5000). */
	devices?: number;
	/** Share of iOS devices (default 0.35). */
	iosShare?: number;
	/** is_ping probes (default 0.01). */
	pingRate?: number;
	/** is_test calls (default 0.02). */
	testRate?: number;
	/** Requests carrying a placeholder id flagged in doubtful_ids_list (default 0.05). */
	doubtfulRate?: number;
	/** Known audience ids to mix in (e.g. a positive sample), so some requests hit. */
	known?: readonly DeviceRef[];
	/** Share of non-ping requests drawn from `known` (default 0.2 when known is given). */
	knownRate?: number;
}

/** One request ready to send. */
export interface GeneratedRequest {
	id: string;
	ping: boolean;
	request: RtaRequest;
	bytes: Uint8Array;
}

interface SyntheticDevice {
	os: OperatingSystem;
	idfa?: string;
	imei?: string;
	oaid?: string;
	androidId?: string;
	caid?: string;
	ip: string;
}

// Placeholders real SDKs send; their md5s are what doubtful_ids_list flags
// (docs/rta/http-behaviour.md "Known non-device ids").
const ZERO_IDFA_MD5 = hashDeviceId("idfa", "00000000-0000-0000-0000-000000000000");
const EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
// CAID versions in circulation (CAID is re-issued per algorithm version).
const CAID_VERSIONS = [20220111, 20230330];

function uuid(rnd: Random): string {
	const h = rnd.hex(16);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function imei(rnd: Random): string {
	let digits = "86";
	while (digits.length < 15) digits += String(rnd.int(10));
	return digits;
}

function publicIp(rnd: Random): string {
	return `${1 + rnd.int(222)}.${rnd.int(256)}.${rnd.int(256)}.${1 + rnd.int(254)}`;
}

function syntheticDevice(rnd: Random, iosShare: number): SyntheticDevice {
	if (rnd.chance(iosShare)) {
		const d: SyntheticDevice = { os: OperatingSystem.OS_IOS, ip: publicIp(rnd) };
		// Since ATT most iOS devices have no IDFA; CAID fills the gap.
		if (rnd.chance(0.4)) d.idfa = hashDeviceId("idfa", uuid(rnd));
		if (d.idfa === undefined || rnd.chance(0.6)) d.caid = hashDeviceId("caid", rnd.hex(16));
		return d;
	}
	const d: SyntheticDevice = {
		os: rnd.chance(0.05) ? OperatingSystem.OS_HARMONY : OperatingSystem.OS_ANDROID,
		ip: publicIp(rnd),
	};
	if (rnd.chance(0.25)) d.imei = hashDeviceId("imei", imei(rnd));
	if (rnd.chance(0.85)) d.oaid = hashDeviceId("oaid", uuid(rnd));
	if (d.imei === undefined && d.oaid === undefined) d.androidId = hashDeviceId("android_id", rnd.hex(8));
	else if (rnd.chance(0.3)) d.androidId = hashDeviceId("android_id", rnd.hex(8));
	return d;
}

function fromKnown(ref: DeviceRef, rnd: Random): SyntheticDevice {
	const ip = publicIp(rnd);
	switch (ref.kind) {
		case "idfa":
			return { os: OperatingSystem.OS_IOS, idfa: ref.hash, ip };
		case "caid":
			return { os: OperatingSystem.OS_IOS, caid: ref.hash, ip };
		case "oaid":
			return { os: OperatingSystem.OS_ANDROID, oaid: ref.hash, ip };
		case "android_id":
			return { os: OperatingSystem.OS_ANDROID, androidId: ref.hash, ip };
		default:
			return { os: OperatingSystem.OS_ANDROID, imei: ref.hash, ip };
	}
}

/**
 * Builds the request device for a synthetic device, optionally with a doubtful id.
 * @param d - the device
 * @param rnd - random source
 * @param doubtful - add a placeholder id and flag it
 * @returns the Device message init
 */
function deviceMessage(d: SyntheticDevice, rnd: Random, doubtful: boolean) {
	const device = create(RtaRequest_DeviceSchema, { os: d.os, ip: d.ip });
	if (d.idfa) device.idfaMd5sum = d.idfa;
	if (d.imei) device.imeiMd5sum = d.imei;
	if (d.oaid) device.oaidMd5sum = d.oaid;
	if (d.androidId) device.androidIdMd5sum = d.androidId;
	if (d.caid) {
		device.qaidInfos.push(
			create(RtaRequest_Device_QaidInfoSchema, { version: rnd.pick(CAID_VERSIONS), qaidMd5sum: d.caid }),
		);
	}
	const tags: DeviceIdTag[] = [];
	if (doubtful) {
		if (d.os === OperatingSystem.OS_IOS && d.idfa === undefined) {
			device.idfaMd5sum = ZERO_IDFA_MD5;
			tags.push(DeviceIdTag.IDFA_MD5_DOUBTFUL);
		} else if (d.os !== OperatingSystem.OS_IOS && d.imei === undefined) {
			device.imeiMd5sum = EMPTY_MD5;
			tags.push(DeviceIdTag.IMEI_MD5_DOUBTFUL);
		} else {
			device.macMd5sum = EMPTY_MD5;
			tags.push(DeviceIdTag.MAC_MD5_DOUBTFUL);
		}
	}
	device.doubtfulIdsList = tags;
	// The platform caches under the first usable id; doubtful ids are never cache keys.
	const usable = (v: string | undefined, tag: DeviceIdTag) => v !== undefined && !tags.includes(tag);
	if (d.os === OperatingSystem.OS_IOS) {
		device.cachedDeviceidType = usable(d.idfa, DeviceIdTag.IDFA_MD5_DOUBTFUL)
			? CacheDeviceIdType.IDFA_MD5
			: d.caid !== undefined
				? CacheDeviceIdType.QAID
				: CacheDeviceIdType.NIL;
	} else {
		device.cachedDeviceidType = usable(d.imei, DeviceIdTag.IMEI_MD5_DOUBTFUL)
			? CacheDeviceIdType.IMEI_MD5
			: d.oaid !== undefined
				? CacheDeviceIdType.OAID_MD5
				: d.androidId !== undefined
					? CacheDeviceIdType.ANDROIDID_MD5
					: CacheDeviceIdType.NIL;
	}
	return device;
}

/** A request source. */
export interface RequestGenerator {
	/** The next request. */
	next(): GeneratedRequest;
}

/**
 * Creates a reproducible request source.
 * @param options - mix and seed
 * @returns the generator
 * @example const gen = createRequestGenerator({ seed: 1 }); const { bytes } = gen.next();
 */
export function createRequestGenerator(options: GeneratorOptions): RequestGenerator {
	const rnd = createRandom(options.seed);
	const iosShare = options.iosShare ?? 0.35;
	const pool = Array.from({ length: Math.max(1, options.devices ?? 5000) }, () =>
		syntheticDevice(rnd, iosShare),
	);
	const known = options.known ?? [];
	const knownRate = known.length === 0 ? 0 : (options.knownRate ?? 0.2);
	const pingRate = options.pingRate ?? 0.01;
	const testRate = options.testRate ?? 0.02;
	const doubtfulRate = options.doubtfulRate ?? 0.05;
	return {
		next() {
			const id = rnd.hex(16);
			if (rnd.chance(pingRate)) {
				const request = create(RtaRequestSchema, { id, isPing: true });
				return { id, ping: true, request, bytes: encodeRtaRequest(request) };
			}
			const source = rnd.chance(knownRate) ? fromKnown(rnd.pick(known), rnd) : rnd.pick(pool);
			const request = create(RtaRequestSchema, {
				id,
				isTest: rnd.chance(testRate),
				device: deviceMessage(source, rnd, rnd.chance(doubtfulRate)),
			});
			const layers = rnd.int(4);
			for (let layer = 1; layer <= layers; layer++) {
				request.exps.push(create(RtaRequest_ExperimentSchema, { expId: layer * 1000 + rnd.int(20) }));
			}
			return { id, ping: false, request, bytes: encodeRtaRequest(request) };
		},
	};
}

/**
 * Builds the request a readiness check sends for one sample id.
 * @param ref - the id (its kind decides the field; unknown kinds go in imei_md5sum)
 * @param id - request id
 * @param isTest - mark as a debug-tool call
 * @returns the request
 */
export function requestForDevice(ref: DeviceRef, id: string, isTest: boolean): RtaRequest {
	const rnd = createRandom(0);
	const device = deviceMessage(fromKnown(ref, rnd), rnd, false);
	device.ip = "";
	return create(RtaRequestSchema, { id, isTest, device });
}

/**
 * Builds the request a readiness check sends for one openid (openid mode,
 * docs/rta/admission.md 交互方式): the openid as it is, under the integration's WeChat appid in
 * `Device.wx_openid` (docs/rta/wire-protocol.md Device #14), and no device id to cache by.
 * @param openid - the sample openid
 * @param appid - the WeChat appid of the admission form
 * @param id - request id
 * @param isTest - mark as a debug-tool call
 * @returns the request
 */
export function requestForOpenid(openid: string, appid: string, id: string, isTest: boolean): RtaRequest {
	const device = create(RtaRequest_DeviceSchema, {
		wxOpenid: [create(RtaRequest_Device_WxOpenidSchema, { appid, openid })],
		cachedDeviceidType: CacheDeviceIdType.NIL,
	});
	return create(RtaRequestSchema, { id, isTest, device });
}
