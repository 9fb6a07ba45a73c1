/**
 * One NDJSON line of `POST /admin/audience`, validated into the delta operation it stands for.
 * Pure.
 *
 * Line forms (one JSON object per line):
 * - by hash: `{"type":"imei_md5","hash":"b496…","segments":["new_user"]}`
 * - by raw id, hashed here with @txad/muid: `{"type":"imei","id":"354649050046412","segments":[…]}`
 *   (`type` one of imei, idfa, oaid, android_id, mac, caid; omitted = detected from the id's shape)
 * - openid mode: `{"type":"openid","id":"o6_bmjrPTlm6_2sgVt7hMZOPfL2M","segments":[…]}`
 * A segment is a name or `{"id":"vip","until":1767225600}` (epoch seconds or ISO 8601, up to
 * 9999-12-31); `ttl_seconds` (≥ 60) ends every segment of the line that long from now at the
 * latest. Ends are stored with the operation (no KV expiration is involved), so any end the
 * format holds is fine and `merge` never touches the ends of segments the line does not list.
 * @module
 */
import {
	type IdType,
	idTypeOfKind,
	isIdType,
	isPlaceholderHash,
	isPlaceholderOpenid,
	isSegmentName,
	MAX_OPENID_LENGTH,
	MAX_SEGMENTS_PER_RECORD,
	MAX_UNTIL_SECONDS,
	type SegmentEntry,
} from "@txad/audience";
import {
	type DeviceIdKind,
	detectDeviceIdKind,
	hashDeviceId,
	isDeviceIdKind,
	isNonDeviceRawId,
	normalizeDeviceIdHash,
} from "@txad/muid";
import { audienceKey } from "./decide/ids.ts";

/** Smallest `ttl_seconds`: a membership shorter than a minute is a mistake. */
export const MIN_TTL_SECONDS = 60;

/** A valid line. */
export interface AudienceWrite {
	type: IdType;
	/** Hash or openid. */
	value: string;
	/** `<type>:<value>`. */
	key: string;
	/** Segments with their ends (epoch seconds; 0 = open-ended). */
	entries: SegmentEntry[];
}

/** Result of parsing a line. */
export type LineResult = { ok: true; write: AudienceWrite } | { ok: false; field: string; message: string };

const LINE_KEYS = new Set(["type", "hash", "id", "os", "segments", "ttl_seconds"]);

/**
 * Resolves an id type and id value as given in a URL or line: an id type takes a hash (or an
 * openid), a raw kind takes a raw id which is hashed.
 * @param type - id type (`imei_md5`, `openid`, …) or raw kind (`imei`, …)
 * @param id - hash, openid or raw id
 * @returns the id type and stored value, or an error message
 */
export function resolveId(
	type: string,
	id: string,
): { type: IdType; value: string } | { error: string; field: string } {
	if (type === "openid") {
		const v = id.trim();
		if (v === "" || v.length > MAX_OPENID_LENGTH)
			return { field: "id", error: "openid must be 1–128 characters" };
		if (isPlaceholderOpenid(v)) return { field: "id", error: "openid is a placeholder (null/unknown/zeros)" };
		return { type, value: v };
	}
	if (isIdType(type)) {
		let hash: string;
		try {
			hash = normalizeDeviceIdHash(id);
		} catch {
			return { field: "hash", error: `${type} must be 32 hex characters (md5)` };
		}
		if (isPlaceholderHash(hash))
			return { field: "hash", error: "hash of a placeholder id (empty, zeros, null…): identifies no device" };
		return { type, value: hash };
	}
	if (isDeviceIdKind(type)) {
		if (id.trim() === "") return { field: "id", error: "id is empty" };
		if (isNonDeviceRawId(id))
			return { field: "id", error: "placeholder id (zeros, null, unknown…): identifies no device" };
		const hashed = hashDeviceId(type, id);
		if (isPlaceholderHash(hashed))
			return { field: "id", error: "hashes to a placeholder id: identifies no device" };
		return { type: idTypeOfKind(type), value: hashed };
	}
	return {
		field: "type",
		error: `unknown type "${type}": use an id type (idfa_md5, imei_md5, oaid_md5, android_id_md5, mac_md5, caid_md5, openid) or a raw kind (imei, idfa, oaid, android_id, mac, caid)`,
	};
}

/**
 * Validates one parsed line.
 * @param line - parsed JSON
 * @param nowSeconds - epoch seconds
 * @returns the write, or the field at fault
 * @example parseAudienceLine({ type: "imei", id: "354649050046412", segments: ["new_user"] }, now)
 */
export function parseAudienceLine(line: unknown, nowSeconds: number): LineResult {
	if (typeof line !== "object" || line === null || Array.isArray(line))
		return { ok: false, field: "", message: "a line must be a JSON object" };
	const l = line as Record<string, unknown>;
	for (const k of Object.keys(l))
		if (!LINE_KEYS.has(k)) return { ok: false, field: k, message: "unknown field" };

	let type = l.type;
	const hash = l.hash;
	const id = l.id;
	if (hash !== undefined && id !== undefined)
		return { ok: false, field: "id", message: "give either hash or id, not both" };
	if (hash === undefined && id === undefined)
		return { ok: false, field: "id", message: "give hash (with an id type) or id" };
	const given = hash ?? id;
	if (typeof given !== "string")
		return { ok: false, field: hash !== undefined ? "hash" : "id", message: "must be a string" };
	if (type === undefined) {
		if (hash !== undefined)
			return { ok: false, field: "type", message: "a hash needs its id type, e.g. imei_md5" };
		const os = l.os === "ios" || l.os === "android" ? l.os : undefined;
		if (l.os !== undefined && os === undefined)
			return { ok: false, field: "os", message: 'must be "ios" or "android"' };
		const kind: DeviceIdKind | null = detectDeviceIdKind(given, os === undefined ? {} : { os });
		if (kind === null)
			return { ok: false, field: "type", message: "cannot tell the id's kind from its shape: give type" };
		type = kind;
	}
	if (typeof type !== "string") return { ok: false, field: "type", message: "must be a string" };
	if (hash !== undefined && !isIdType(type))
		return { ok: false, field: "type", message: "a hash needs an id type (…_md5), a raw id a raw kind" };
	if (id !== undefined && isIdType(type) && type !== "openid")
		return {
			ok: false,
			field: "type",
			message: `${type} takes a hash: send "hash", or type "${type.replace(/_md5$/, "")}" with the raw id`,
		};
	const resolved = resolveId(type, given);
	if ("error" in resolved) return { ok: false, field: resolved.field, message: resolved.error };

	let ttlEnd = 0;
	if (l.ttl_seconds !== undefined) {
		const ttl = l.ttl_seconds;
		if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS)
			return { ok: false, field: "ttl_seconds", message: `must be an integer ≥ ${MIN_TTL_SECONDS}` };
		if (nowSeconds + ttl > MAX_UNTIL_SECONDS)
			return { ok: false, field: "ttl_seconds", message: "ends after 9999-12-31" };
		ttlEnd = nowSeconds + ttl;
	}

	if (!Array.isArray(l.segments) || l.segments.length === 0)
		return { ok: false, field: "segments", message: "must be a non-empty array of segment names" };
	if (l.segments.length > MAX_SEGMENTS_PER_RECORD)
		return { ok: false, field: "segments", message: `at most ${MAX_SEGMENTS_PER_RECORD} segments` };
	const entries: SegmentEntry[] = [];
	for (const [i, s] of l.segments.entries()) {
		const field = `segments[${i}]`;
		let name: unknown = s;
		let end = 0;
		if (typeof s === "object" && s !== null && !Array.isArray(s)) {
			const o = s as Record<string, unknown>;
			name = o.id;
			if (o.until !== undefined) {
				const t =
					typeof o.until === "number"
						? o.until
						: typeof o.until === "string"
							? Date.parse(o.until) / 1000
							: Number.NaN;
				if (!Number.isFinite(t) || t <= 0)
					return {
						ok: false,
						field: `${field}.until`,
						message: "must be epoch seconds or an ISO 8601 instant",
					};
				if (t <= nowSeconds) return { ok: false, field: `${field}.until`, message: "is in the past" };
				if (t > MAX_UNTIL_SECONDS)
					return { ok: false, field: `${field}.until`, message: "is after 9999-12-31" };
				end = Math.floor(t);
			}
		}
		if (!isSegmentName(name))
			return {
				ok: false,
				field,
				message: "must be a segment name (1–64 of A-Z a-z 0-9 _ . : -) or {id, until}",
			};
		if (ttlEnd > 0 && (end === 0 || end > ttlEnd)) end = ttlEnd;
		const at = entries.findIndex(([n]) => n === name);
		if (at >= 0) entries.splice(at, 1);
		entries.push([name, end]);
	}
	return {
		ok: true,
		write: {
			type: resolved.type,
			value: resolved.value,
			key: audienceKey(resolved.type, resolved.value),
			entries,
		},
	};
}
