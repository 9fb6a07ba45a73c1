/**
 * Audience admin: `POST /admin/audience` (NDJSON bulk upsert, per-line errors, valid lines kept),
 * `GET` and `DELETE /admin/audience/:type/:id`.
 * @module
 */
import type { IRequest } from "itty-router";
import { forgetCached } from "../audience.ts";
import {
	type AudienceValue,
	type AudienceWrite,
	mergeAudience,
	parseAudienceLine,
	resolveId,
} from "../audience-line.ts";
import { requireAdmin } from "../auth.ts";
import { audienceKey } from "../decide/ids.ts";
import { parseAudienceRecord, serializeAudienceRecord } from "../decide/record.ts";
import { invalidField, ResponderError } from "../errors.ts";
import { deleteAudience, readAudienceFresh, writeAudience } from "../kv.ts";
import { getSettings } from "../settings.ts";
import { readText } from "./body.ts";

/**
 * Most lines per request. A Worker invocation may make at most 1000 KV operations; merge mode
 * reads before it writes, hence half.
 */
export const MAX_LINES = { replace: 1000, merge: 500 } as const;
/** Largest NDJSON body accepted. */
export const MAX_AUDIENCE_BYTES = 4 * 1024 * 1024;
/** Per-line errors listed in a response (the count is always complete). */
const MAX_LISTED_ERRORS = 200;
/** KV writes in flight at once. */
const WRITE_CONCURRENCY = 32;

/** A rejected line. */
interface LineError {
	/** 1-based line number. */
	line: number;
	field: string;
	message: string;
}

/**
 * Handles `POST /admin/audience[?mode=replace|merge]` with an NDJSON body (audience-line.ts).
 * `replace` (default) stores each line's segments as the device's record; `merge` adds them to
 * what is stored. Later lines for the same key win.
 * @param request - the request
 * @param env - Worker env
 * @returns counts and per-line errors; 400 when no line is valid
 */
export async function handlePostAudience(request: IRequest, env: Env): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	const mode = request.query.mode ?? "replace";
	if (mode !== "replace" && mode !== "merge") throw invalidField("mode", 'must be "replace" or "merge"');
	const text = await readText(request, MAX_AUDIENCE_BYTES);
	const rawLines = text.split("\n");
	const now = Math.floor(Date.now() / 1000);
	const writes = new Map<string, AudienceWrite>();
	const errors: LineError[] = [];
	let lines = 0;
	for (const [i, raw] of rawLines.entries()) {
		const trimmed = raw.trim();
		if (trimmed === "") continue;
		lines++;
		if (lines > MAX_LINES[mode])
			throw new ResponderError(
				413,
				"BODY_TOO_LARGE",
				`at most ${MAX_LINES[mode]} lines per request in ${mode} mode`,
				{
					field: "body",
				},
			);
		let parsed: unknown;
		try {
			parsed = JSON.parse(trimmed);
		} catch {
			errors.push({ line: i + 1, field: "", message: "not a JSON object" });
			continue;
		}
		const result = parseAudienceLine(parsed, now);
		if (!result.ok) errors.push({ line: i + 1, field: result.field, message: result.message });
		else writes.set(result.write.key, result.write);
	}
	if (lines === 0) throw invalidField("body", "no NDJSON lines");

	const list = [...writes.values()];
	for (let i = 0; i < list.length; i += WRITE_CONCURRENCY) {
		await Promise.all(list.slice(i, i + WRITE_CONCURRENCY).map((w) => store(env, w, mode, now)));
	}
	const body = {
		mode,
		lines,
		accepted: lines - errors.length,
		stored_keys: list.length,
		rejected: errors.length,
		errors: errors.slice(0, MAX_LISTED_ERRORS),
		errors_truncated: errors.length > MAX_LISTED_ERRORS,
	};
	return Response.json(body, { status: list.length === 0 ? 400 : 200 });
}

async function store(env: Env, w: AudienceWrite, mode: "replace" | "merge", now: number): Promise<void> {
	let value: AudienceValue = w;
	if (mode === "merge") {
		const existing = await readAudienceFresh(env, w.key);
		// A corrupt stored record is replaced by the line, as in replace mode.
		const old = existing === null ? undefined : parseAudienceRecord(existing);
		if (old !== undefined) value = mergeAudience(old, w, now);
	}
	await writeAudience(env, w.key, serializeAudienceRecord(value.segments, value.until), value.expiration);
	forgetCached(w.key);
}

/**
 * Handles `GET /admin/audience/:type/:id`: the stored record (uncached read). `type` is an id
 * type with a hash / openid, or a raw kind with a raw id (hashed here).
 * @param request - the request
 * @param env - Worker env
 * @returns `{ key, record }`; 404 when absent
 */
export async function handleGetAudience(request: IRequest, env: Env): Promise<Response> {
	requireAdmin(request, getSettings(env));
	const key = keyFromParams(request);
	const text = await readAudienceFresh(env, key);
	if (text === null)
		throw new ResponderError(404, "NOT_FOUND", `no audience record under ${key}`, { field: "id" });
	let record: unknown;
	try {
		record = JSON.parse(text);
	} catch {
		record = text;
	}
	return Response.json({ key, record, valid: parseAudienceRecord(text) !== undefined });
}

/**
 * Handles `DELETE /admin/audience/:type/:id`.
 * @param request - the request
 * @param env - Worker env
 * @returns `{ key, existed }`
 */
export async function handleDeleteAudience(request: IRequest, env: Env): Promise<Response> {
	requireAdmin(request, getSettings(env));
	const key = keyFromParams(request);
	const existed = (await readAudienceFresh(env, key)) !== null;
	await deleteAudience(env, key);
	forgetCached(key);
	return Response.json({ key, existed, deleted: true });
}

function keyFromParams(request: IRequest): string {
	const type = decode(request.params.type ?? "", "type");
	const id = decode(request.params.id ?? "", "id");
	const resolved = resolveId(type, id);
	if ("error" in resolved)
		throw invalidField(resolved.field === "hash" ? "id" : resolved.field, resolved.error);
	return audienceKey(resolved.type, resolved.value);
}

function decode(segment: string, field: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw invalidField(field, "is not valid percent-encoding");
	}
}
