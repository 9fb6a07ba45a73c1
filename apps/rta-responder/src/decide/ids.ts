/**
 * Which ids of a device can be looked up, and in which order.
 *
 * Order: the id Tencent will cache our answer under (`cached_deviceid_type`,
 * docs/rta/wire-protocol.md RtaRequest.Device #10) comes first, so the answer is decided on the
 * very key it is cached by; then the others in {@link ID_TYPE_ORDER}. Ids listed in
 * `doubtful_ids_list` (#9), empty ids, malformed hashes and known placeholder ids
 * (docs/rta/http-behaviour.md "Known non-device ids") are skipped: deciding on them would treat
 * millions of devices as one. In openid mode (docs/rta/admission.md 交互方式) only the openid of the
 * configured appid is used.
 *
 * Every usable CAID (`qaid_infos`, one entry per CAID version) is looked up, in request order. A
 * request yields at most {@link MAX_CANDIDATE_IDS} ids: a real device has five hashed ids and a
 * few CAID versions, and each id may cost a shard load.
 *
 * Id types, the key format and the placeholder-hash list come from @txad/audience, the format the
 * audience snapshots are built in, so the CLI, the admin API and `/rta` agree on them.
 * @module
 */
import { audienceKey, type IdType, isPlaceholderHash, MAX_OPENID_LENGTH } from "@txad/audience";
import { hashDeviceId, isNonDeviceRawId } from "@txad/muid";
import { CacheDeviceIdType, DeviceIdTag, type RtaDeviceView } from "@txad/proto";

export { audienceKey, ID_TYPES, type IdType, isIdType } from "@txad/audience";

/** Lookup order after the cached id type: iOS ids, then Android ids from most to least stable. */
export const ID_TYPE_ORDER: readonly IdType[] = [
	"idfa_md5",
	"caid_md5",
	"oaid_md5",
	"imei_md5",
	"android_id_md5",
	"mac_md5",
];

/** An id to look up. */
export interface CandidateId {
	type: IdType;
	/** Hash (lower-case md5) or openid. */
	value: string;
	/** `<type>:<value>`, as the admin API and explain name it. */
	key: string;
	/** Request field it came from, e.g. `device.imei_md5sum`. */
	source: string;
}

/** Why an id present in the request was not looked up. */
export type SkipReason =
	| "doubtful"
	| "non_device"
	| "malformed"
	| "too_long"
	| "other_appid"
	| "duplicate"
	| "over_limit";

/**
 * Longest raw CAID (`qaid_infos[].qaid`) hashed here. A CAID is 32 characters; anything far
 * longer is garbage, and bounding it keeps one request from hashing kilobytes per entry.
 */
export const MAX_RAW_ID_LENGTH = 128;

/** Longest id value an explanation repeats (a skipped over-long id is cut). */
const SHOWN_ID_LENGTH = 64;

/**
 * Most ids looked up per request; later ones in decision order are skipped as `over_limit`.
 * Five device hashes plus up to eleven CAID versions, or sixteen openids.
 */
export const MAX_CANDIDATE_IDS = 16;

/** An id present in the request but not looked up (explain output). */
export interface SkippedId {
	type: IdType;
	value: string;
	source: string;
	reason: SkipReason;
}

/** How the integration identifies users (RTA admission guide 交互方式). */
export type InteractionMode = { kind: "device_id" } | { kind: "openid"; appid: string };

// Device fields by id type (docs/rta/wire-protocol.md RtaRequest.Device #2–#6).
const HASH_FIELDS = [
	["idfa_md5", "idfaMd5sum", "device.idfa_md5sum"],
	["imei_md5", "imeiMd5sum", "device.imei_md5sum"],
	["oaid_md5", "oaidMd5sum", "device.oaid_md5sum"],
	["android_id_md5", "androidIdMd5sum", "device.android_id_md5sum"],
	["mac_md5", "macMd5sum", "device.mac_md5sum"],
] as const;

// docs/rta/wire-protocol.md Device.DeviceIdTag → the id type it makes doubtful.
const DOUBTFUL_TYPE: Readonly<Record<DeviceIdTag, IdType>> = {
	[DeviceIdTag.IDFA_MD5_DOUBTFUL]: "idfa_md5",
	[DeviceIdTag.IMEI_MD5_DOUBTFUL]: "imei_md5",
	[DeviceIdTag.ANDROIDID_MD5_DOUBTFUL]: "android_id_md5",
	[DeviceIdTag.MAC_MD5_DOUBTFUL]: "mac_md5",
	[DeviceIdTag.OAID_MD5_DOUBTFUL]: "oaid_md5",
	[DeviceIdTag.OAID_DOUBTFUL]: "oaid_md5",
	[DeviceIdTag.QAID_DOUBTFUL]: "caid_md5",
};

// docs/rta/wire-protocol.md Device.CacheDeviceIdType → id type; NIL (and unknown values) → none.
// The request carries no raw OAID, so OAID and OAID_MD5 both name the oaid_md5sum.
const CACHED_TYPE: Readonly<Partial<Record<CacheDeviceIdType, IdType>>> = {
	[CacheDeviceIdType.IDFA_MD5]: "idfa_md5",
	[CacheDeviceIdType.IMEI_MD5]: "imei_md5",
	[CacheDeviceIdType.OAID]: "oaid_md5",
	[CacheDeviceIdType.OAID_MD5]: "oaid_md5",
	[CacheDeviceIdType.ANDROIDID_MD5]: "android_id_md5",
	[CacheDeviceIdType.MAC_MD5]: "mac_md5",
	[CacheDeviceIdType.QAID]: "caid_md5",
};

/**
 * An md5 digest as the audience keys it: 32 hex digits, lower case.
 * @param raw - the field as sent
 * @returns `raw` itself when it already is one (no new string), lower-cased when it has upper-case
 *   digits, undefined when it is not 32 hex digits
 */
export function lowerHexDigest(raw: string): string | undefined {
	if (raw.length !== 32) return undefined;
	let upper = false;
	for (let i = 0; i < 32; i++) {
		const ch = raw.charCodeAt(i);
		if ((ch >= 0x30 && ch <= 0x39) || (ch >= 0x61 && ch <= 0x66)) continue;
		if (ch >= 0x41 && ch <= 0x46) upper = true;
		else return undefined;
	}
	return upper ? raw.toLowerCase() : raw;
}

// Each device id type's slot in Collector.byType.
const TYPE_SLOT: Readonly<Record<IdType, number>> = {
	idfa_md5: 0,
	caid_md5: 1,
	oaid_md5: 2,
	imei_md5: 3,
	android_id_md5: 4,
	mac_md5: 5,
	openid: 6,
};
const TYPE_SLOTS = 7;

// Lookup order per cached id type: that type first, then the rest of ID_TYPE_ORDER.
const ORDER_BY_CACHED_TYPE: ReadonlyMap<IdType | undefined, readonly IdType[]> = new Map(
	ID_TYPE_ORDER.map((first) => [first, [first, ...ID_TYPE_ORDER.filter((t) => t !== first)]]),
);

/**
 * The id type the platform caches our answer under.
 * @param device - the request's device (`cachedDeviceidType` undefined when absent from the wire:
 *   a proto2 enum reads 0 = IDFA_MD5 when absent, so presence comes from the reader)
 * @returns the id type, or undefined for NIL / absent
 */
export function cachedIdType(device: RtaDeviceView): IdType | undefined {
	const type = device.cachedDeviceidType;
	return type === undefined ? undefined : CACHED_TYPE[type as CacheDeviceIdType];
}

/**
 * Collects the ids to look up, best first.
 * @param device - the request's device
 * @param mode - interaction mode
 * @param cachedType - from {@link cachedIdType}
 * @param skipped - when given, receives every id present but not used, with the reason (explain)
 * @returns ids to look up, in decision order (may be empty)
 * @example collectIds(device, { kind: "device_id" }, "imei_md5")
 */
export function collectIds(
	device: RtaDeviceView,
	mode: InteractionMode,
	cachedType: IdType | undefined,
	skipped?: SkippedId[],
): CandidateId[] {
	const out: CandidateId[] = [];
	if (mode.kind === "openid") {
		for (const [i, wx] of device.wxOpenid.entries()) {
			const source = `device.wx_openid[${i}]`;
			if (wx.openid === "") continue;
			// No snapshot or delta holds a longer one (@txad/audience MAX_OPENID_LENGTH).
			if (wx.openid.length > MAX_OPENID_LENGTH) {
				skipped?.push({ type: "openid", value: shown(wx.openid), source, reason: "too_long" });
				continue;
			}
			if (wx.appid !== mode.appid) {
				skipped?.push({ type: "openid", value: wx.openid, source, reason: "other_appid" });
				continue;
			}
			if (isNonDeviceRawId(wx.openid)) {
				skipped?.push({ type: "openid", value: wx.openid, source, reason: "non_device" });
				continue;
			}
			if (out.some((c) => c.value === wx.openid)) {
				skipped?.push({ type: "openid", value: wx.openid, source, reason: "duplicate" });
				continue;
			}
			out.push({ type: "openid", value: wx.openid, key: audienceKey("openid", wx.openid), source });
		}
		return limited(out, skipped);
	}

	const c: Collector = { doubtful: device.doubtfulIdsList, byType: new Array(TYPE_SLOTS), skipped };
	const byType = c.byType;
	// Index loops, no iterator or destructuring per field: this runs once per request.
	for (let f = 0; f < HASH_FIELDS.length; f++) {
		const [type, field, source] = HASH_FIELDS[f] as (typeof HASH_FIELDS)[number];
		const raw = device[field];
		if (raw !== "") addHash(c, type, raw, source);
	}
	const qaids = device.qaidInfos;
	for (let i = 0; i < qaids.length; i++) {
		const info = qaids[i] as (typeof qaids)[number];
		// No more CAIDs than could be looked up: do not hash thousands of entries of one body.
		if ((byType[TYPE_SLOT.caid_md5]?.length ?? 0) >= MAX_CANDIDATE_IDS) {
			const value = info.qaidMd5sum || info.qaid;
			if (value !== "")
				skipped?.push({ type: "caid_md5", value, source: `device.qaid_infos[${i}]`, reason: "over_limit" });
			continue;
		}
		const md5 = info.qaidMd5sum;
		addHash(c, "caid_md5", md5, `device.qaid_infos[${i}].qaid_md5sum`);
		// The raw CAID when there is no usable digest of it: a malformed qaid_md5sum must not hide
		// a good qaid.
		if (info.qaid !== "" && lowerHexDigest(md5) === undefined) {
			const source = `device.qaid_infos[${i}].qaid`;
			if (info.qaid.length > MAX_RAW_ID_LENGTH)
				skipped?.push({ type: "caid_md5", value: shown(info.qaid), source, reason: "too_long" });
			else if (isNonDeviceRawId(info.qaid))
				skipped?.push({ type: "caid_md5", value: info.qaid, source, reason: "non_device" });
			else addHash(c, "caid_md5", hashDeviceId("caid", info.qaid), source);
		}
	}

	const order = ORDER_BY_CACHED_TYPE.get(cachedType) ?? ID_TYPE_ORDER;
	for (let t = 0; t < order.length; t++) {
		const list = byType[TYPE_SLOT[order[t] as IdType]];
		if (list !== undefined) for (let k = 0; k < list.length; k++) out.push(list[k] as CandidateId);
	}
	return limited(out, skipped);
}

/** What one collectIds call accumulates. */
interface Collector {
	doubtful: readonly number[];
	/** Per id type (TYPE_SLOT), the usable ids in request order: an array, not an object with changing keys. */
	byType: (CandidateId[] | undefined)[];
	skipped: SkippedId[] | undefined;
}

// A module-level function, not a closure per request: the hot path allocates less.
function addHash(c: Collector, type: IdType, raw: string, source: string): void {
	if (raw === "") return;
	const skipped = c.skipped;
	const value = lowerHexDigest(raw);
	if (value === undefined) {
		skipped?.push({ type, value: shown(raw), source, reason: "malformed" });
		return;
	}
	if (c.doubtful.length > 0 && isDoubtful(c.doubtful, type)) {
		skipped?.push({ type, value, source, reason: "doubtful" });
		return;
	}
	if (isPlaceholderHash(value)) {
		skipped?.push({ type, value, source, reason: "non_device" });
		return;
	}
	const slot = TYPE_SLOT[type];
	const list = c.byType[slot];
	if (list?.some((x) => x.value === value)) {
		skipped?.push({ type, value, source, reason: "duplicate" });
		return;
	}
	const candidate = { type, value, key: audienceKey(type, value), source };
	if (list === undefined) c.byType[slot] = [candidate];
	else list.push(candidate);
}

function limited(ids: CandidateId[], skipped: SkippedId[] | undefined): CandidateId[] {
	if (ids.length <= MAX_CANDIDATE_IDS) return ids;
	for (const c of ids.splice(MAX_CANDIDATE_IDS))
		skipped?.push({ type: c.type, value: c.value, source: c.source, reason: "over_limit" });
	return ids;
}

function isDoubtful(tags: readonly number[], type: IdType): boolean {
	for (const tag of tags) if (DOUBTFUL_TYPE[tag as DeviceIdTag] === type) return true;
	return false;
}

// An explanation repeats at most SHOWN_ID_LENGTH characters of a skipped id.
function shown(value: string): string {
	return value.length > SHOWN_ID_LENGTH ? `${value.slice(0, SHOWN_ID_LENGTH)}…` : value;
}
