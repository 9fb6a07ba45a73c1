/**
 * The console's debug tool form (our local 自助联调, docs/rta/advanced-features.md "Debug tool")
 * turned into the RtaRequest Tencent would send: raw ids hashed the way Tencent hashes them
 * (@txad/muid), hashed ids passed through as typed (so a malformed one shows how the responder
 * skips it), OS, openids, experiments, and first stage or an ad list (second stage). Pure; every
 * problem names its form field.
 * @module
 */
import { type DeviceIdKind, hashDeviceId, isDeviceIdKind } from "@txad/muid";
import {
	CacheDeviceIdType,
	create,
	OperatingSystem,
	RequestType,
	type RtaRequest,
	RtaRequestSchema,
} from "@txad/proto";
import { invalidField } from "../errors.ts";

/** Hashed id types and the device field each goes into. */
const HASHED_FIELDS = {
	idfa_md5: "idfaMd5sum",
	imei_md5: "imeiMd5sum",
	oaid_md5: "oaidMd5sum",
	android_id_md5: "androidIdMd5sum",
	mac_md5: "macMd5sum",
} as const;

/** The id types the form takes: raw kinds (hashed here), their md5 forms, and caid_md5. */
export const DEBUG_ID_TYPES: readonly string[] = [
	"imei",
	"idfa",
	"oaid",
	"android_id",
	"mac",
	"caid",
	...Object.keys(HASHED_FIELDS),
	"caid_md5",
];

const OS: Record<string, OperatingSystem> = {
	unknown: OperatingSystem.OS_UNKNOWN,
	ios: OperatingSystem.OS_IOS,
	android: OperatingSystem.OS_ANDROID,
	harmony: OperatingSystem.OS_HARMONY,
};

/** Most ids and ads a form may carry (a real request has a handful; the responder reads 16 ids). */
const MAX_ENTRIES = 64;

/**
 * Builds the request from the form.
 * @param form - the parsed JSON body of `POST /admin/debug`
 * @param nowMs - epoch ms, for the default request id
 * @returns the request
 * @throws ResponderError 400 `INVALID_FIELD` naming the field, e.g. `ids[1].type`
 * @example debugRequest({ ids: [{ type: "imei", value: "354649050046412" }], os: "android" }, Date.now())
 */
export function debugRequest(form: unknown, nowMs: number): RtaRequest {
	if (typeof form !== "object" || form === null || Array.isArray(form))
		throw invalidField("body", "must be a JSON object (the debug form)");
	const f = form as Record<string, unknown>;
	const allowed = [
		"request_id",
		"is_test",
		"os",
		"cached_deviceid_type",
		"ids",
		"openids",
		"exps",
		"stage",
		"ad_infos",
	];
	for (const key of Object.keys(f))
		if (!allowed.includes(key)) throw invalidField(key, `unknown field (allowed: ${allowed.join(", ")})`);

	const device: Record<string, unknown> = {};
	const os = optionalString(f, "os");
	if (os !== undefined) {
		const value = OS[os];
		if (value === undefined) throw invalidField("os", `must be one of ${Object.keys(OS).join(", ")}`);
		device.os = value;
	}
	const cached = optionalString(f, "cached_deviceid_type");
	if (cached !== undefined && cached !== "") {
		const value = (CacheDeviceIdType as unknown as Record<string, number>)[cached];
		if (typeof value !== "number")
			throw invalidField(
				"cached_deviceid_type",
				`must be one of ${Object.keys(CacheDeviceIdType)
					.filter((k) => Number.isNaN(Number(k)))
					.join(", ")}`,
			);
		device.cachedDeviceidType = value;
	}
	const qaids: Record<string, unknown>[] = [];
	for (const [i, entry] of list(f, "ids").entries()) {
		const at = `ids[${i}]`;
		const e = object(entry, at);
		const type = requiredString(e, "type", at);
		const value = requiredString(e, "value", at).trim();
		if (!DEBUG_ID_TYPES.includes(type))
			throw invalidField(`${at}.type`, `must be one of ${DEBUG_ID_TYPES.join(", ")}`);
		if (type === "caid" || type === "caid_md5") {
			const version = e.caid_version ?? 20230330;
			if (!Number.isInteger(version) || (version as number) < 0 || (version as number) > 0xffffffff)
				throw invalidField(`${at}.caid_version`, "must be a uint32, e.g. 20230330");
			qaids.push(type === "caid" ? { version, qaid: value } : { version, qaidMd5sum: value });
			continue;
		}
		if (value === "") throw invalidField(`${at}.value`, "is empty");
		const hashed = type in HASHED_FIELDS ? value : hashRaw(type as DeviceIdKind, value, `${at}.value`);
		const field = HASHED_FIELDS[(type in HASHED_FIELDS ? type : `${type}_md5`) as keyof typeof HASHED_FIELDS];
		device[field] = hashed;
	}
	if (qaids.length > 0) device.qaidInfos = qaids;
	const openids = list(f, "openids").map((entry, i) => {
		const at = `openids[${i}]`;
		const e = object(entry, at);
		return { appid: requiredString(e, "appid", at), openid: requiredString(e, "openid", at) };
	});
	if (openids.length > 0) device.wxOpenid = openids;

	const exps = list(f, "exps").map((x, i) => {
		if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > 0xffffffff)
			throw invalidField(`exps[${i}]`, "must be a uint32 experiment id");
		return { expId: x as number };
	});
	const stage = optionalString(f, "stage") ?? "first";
	if (stage !== "first" && stage !== "adlist") throw invalidField("stage", 'must be "first" or "adlist"');
	const ads = list(f, "ad_infos").map((entry, i) => adInfo(entry, `ad_infos[${i}]`));
	if (stage === "first" && ads.length > 0) throw invalidField("ad_infos", 'only with "stage": "adlist"');
	if (stage === "adlist" && ads.length === 0)
		throw invalidField("ad_infos", "an ad list request needs at least one ad (adgroup_id)");

	const isTest = f.is_test ?? true;
	if (typeof isTest !== "boolean") throw invalidField("is_test", "must be true or false");
	const id = optionalString(f, "request_id") ?? `console-${nowMs}`;
	return create(RtaRequestSchema, {
		id,
		isTest,
		device: Object.keys(device).length === 0 ? undefined : device,
		exps,
		...(stage === "adlist" ? { requestInfo: { requestType: RequestType.ADLIST_REQUEST }, adInfos: ads } : {}),
	});
}

function adInfo(entry: unknown, at: string): Record<string, unknown> {
	const e = object(entry, at);
	const allowed = ["adgroup_id", "advertiser_id", "out_target_id", "creative_ids", "products"];
	for (const key of Object.keys(e))
		if (!allowed.includes(key))
			throw invalidField(`${at}.${key}`, `unknown field (allowed: ${allowed.join(", ")})`);
	const ad: Record<string, unknown> = { adgroupId: uint64(e.adgroup_id, `${at}.adgroup_id`) };
	if (e.advertiser_id !== undefined) {
		if (
			!Number.isInteger(e.advertiser_id) ||
			(e.advertiser_id as number) < 0 ||
			(e.advertiser_id as number) > 0xffffffff
		)
			throw invalidField(`${at}.advertiser_id`, "must be a uint32");
		ad.advertiserId = e.advertiser_id;
	}
	if (e.out_target_id !== undefined) ad.outTargetId = requiredString(e, "out_target_id", at);
	const creatives = e.creative_ids ?? [];
	if (!Array.isArray(creatives)) throw invalidField(`${at}.creative_ids`, "must be a list of ids");
	ad.creativeInfos = creatives.map((c, j) => ({ creativeId: uint64(c, `${at}.creative_ids[${j}]`) }));
	const products = e.products ?? [];
	if (!Array.isArray(products)) throw invalidField(`${at}.products`, "must be a list");
	ad.productInfos = products.map((p, j) => {
		const pa = `${at}.products[${j}]`;
		const po = object(p, pa);
		return {
			productLib: uint64(po.product_lib, `${pa}.product_lib`),
			outProductId: requiredString(po, "out_product_id", pa),
		};
	});
	return ad;
}

/** uint64 ids come as decimal strings (they exceed 2^53) or safe integers. */
function uint64(value: unknown, field: string): bigint {
	if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
	if (typeof value === "string" && /^\d{1,20}$/.test(value) && BigInt(value) <= 0xffffffffffffffffn)
		return BigInt(value);
	throw invalidField(field, 'must be a uint64, as a decimal string ("1001") or an integer');
}

function hashRaw(kind: DeviceIdKind, raw: string, field: string): string {
	if (!isDeviceIdKind(kind)) throw invalidField(field, `unknown id kind ${kind}`);
	try {
		return hashDeviceId(kind, raw);
	} catch (e) {
		throw invalidField(field, e instanceof Error ? e.message : String(e));
	}
}

function list(f: Record<string, unknown>, key: string): unknown[] {
	const v = f[key];
	if (v === undefined || v === null) return [];
	if (!Array.isArray(v)) throw invalidField(key, "must be a list");
	if (v.length > MAX_ENTRIES) throw invalidField(key, `at most ${MAX_ENTRIES} entries`);
	return v;
}

function object(v: unknown, at: string): Record<string, unknown> {
	if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalidField(at, "must be an object");
	return v as Record<string, unknown>;
}

function optionalString(f: Record<string, unknown>, key: string, at = ""): string | undefined {
	const v = f[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== "string") throw invalidField(at === "" ? key : `${at}.${key}`, "must be a string");
	return v;
}

function requiredString(f: Record<string, unknown>, key: string, at: string): string {
	const v = optionalString(f, key, at);
	if (v === undefined) throw invalidField(`${at}.${key}`, "is required");
	return v;
}
