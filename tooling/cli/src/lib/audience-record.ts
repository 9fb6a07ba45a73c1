/**
 * The responder's admin audience API as the CLI calls it (apps/rta-responder README "Audience"):
 * `POST /admin/audience?mode=replace|merge` with NDJSON lines, at most
 * `MAX_DELTA_OPS` (@txad/audience) per request.
 * @module
 */
import { type IdType, MAX_DELTA_OPS, type SegmentEntry } from "@txad/audience";

/** Admin endpoint taking NDJSON audience lines. */
export const AUDIENCE_UPLOAD_PATH = "/admin/audience";
/** Most lines the admin API takes per request: one request is one delta. */
export const MAX_UPLOAD_LINES = MAX_DELTA_OPS;

/**
 * The NDJSON line for one id: `{"type":"imei_md5","hash":…,"segments":["a",{"id":"b","until":…}]}`
 * (an openid goes as `"id"`).
 * @param type - id type
 * @param value - md5 or openid
 * @param entries - segments with ends (0 = open-ended)
 * @returns one JSON line without the newline
 */
export function uploadLine(type: IdType, value: string, entries: readonly SegmentEntry[]): string {
	return JSON.stringify({
		type,
		...(type === "openid" ? { id: value } : { hash: value }),
		segments: entries.map(([id, until]) => (until === 0 ? id : { id, until })),
	});
}
