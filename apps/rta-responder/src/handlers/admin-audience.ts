/**
 * Audience admin: `POST /admin/audience` (NDJSON, per-line errors, valid lines kept) and
 * `DELETE /admin/audience/:type/:id` write one delta each (@txad/audience delta.ts: operations
 * under a fresh key, applied in this isolate at once and by every other within a refresh);
 * `GET /admin/audience/:type/:id` shows what the snapshot and the deltas say.
 * @module
 */
import {
	type DeltaOp,
	entriesOf,
	MAX_DELTA_OPS,
	type Membership,
	newDeltaKey,
	serializeDelta,
} from "@txad/audience";
import { readTextWithin } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { audienceReader } from "../audience/isolate.ts";
import type { AudienceReader, IdRef, Inspection } from "../audience/reader.ts";
import { type AudienceWrite, parseAudienceLine, resolveId } from "../audience-line.ts";
import { requireAdmin } from "../auth.ts";
import { audienceKey } from "../decide/ids.ts";
import { bodyRefusal, invalidField, ResponderError } from "../errors.ts";
import { writeDelta } from "../kv.ts";
import { getSettings, type Settings } from "../settings.ts";

/** Most lines per request: one request is one delta blob. */
export const MAX_LINES = MAX_DELTA_OPS;
/** Largest NDJSON body accepted. */
export const MAX_AUDIENCE_BYTES = 4 * 1024 * 1024;
/** Per-line errors listed in a response (the count is always complete). */
const MAX_LISTED_ERRORS = 200;

/** A rejected line. */
interface LineError {
	/** 1-based line number. */
	line: number;
	field: string;
	message: string;
}

/**
 * Handles `POST /admin/audience[?mode=replace|merge]` with an NDJSON body (audience-line.ts).
 * `replace` (default) makes each line's segments the id's segments; `merge` adds them to what
 * the snapshot and earlier deltas say. Lines apply in order, so two lines for one id both count
 * (in replace mode the later wins).
 * @param request - the request
 * @param env - Worker env
 * @param ctx - execution context
 * @returns counts, per-line errors and the delta key; 400 when no line is valid
 */
export async function handlePostAudience(
	request: IRequest,
	env: Env,
	ctx: ExecutionContext,
): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	const mode = request.query.mode ?? "replace";
	if (mode !== "replace" && mode !== "merge") throw invalidField("mode", 'must be "replace" or "merge"');
	const read = await readTextWithin(request, MAX_AUDIENCE_BYTES);
	if (read.kind !== "ok") throw bodyRefusal(read);
	const text = read.text;
	const now = Date.now();
	const nowSeconds = Math.floor(now / 1000);
	const writes: AudienceWrite[] = [];
	const errors: LineError[] = [];
	let lines = 0;
	for (const [i, raw] of text.split("\n").entries()) {
		const trimmed = raw.trim();
		if (trimmed === "") continue;
		lines++;
		if (lines > MAX_LINES)
			throw new ResponderError(413, "BODY_TOO_LARGE", `at most ${MAX_LINES} lines per request`, {
				field: "body",
			});
		let parsed: unknown;
		try {
			parsed = JSON.parse(trimmed);
		} catch {
			errors.push({ line: i + 1, field: "", message: "not a JSON object" });
			continue;
		}
		const result = parseAudienceLine(parsed, nowSeconds);
		if (result.ok) writes.push(result.write);
		else errors.push({ line: i + 1, field: result.field, message: result.message });
	}
	if (lines === 0) throw invalidField("body", "no NDJSON lines");
	const ops: DeltaOp[] = writes.map((w) => ({
		op: mode,
		type: w.type,
		value: w.value,
		segments: w.entries,
	}));
	const deltaKey = ops.length === 0 ? null : await storeDelta(env, settings, ctx, ops, now);
	const body = {
		mode,
		lines,
		accepted: writes.length,
		stored_keys: new Set(writes.map((w) => w.key)).size,
		rejected: errors.length,
		errors: errors.slice(0, MAX_LISTED_ERRORS),
		errors_truncated: errors.length > MAX_LISTED_ERRORS,
		delta_key: deltaKey,
	};
	return Response.json(body, { status: ops.length === 0 ? 400 : 200 });
}

/**
 * Handles `GET /admin/audience/:type/:id`: the snapshot's record, the deltas since, and the
 * result, read fresh. `type` is an id type with a hash / openid, or a raw kind with a raw id.
 * @param request - the request
 * @param env - Worker env
 * @returns the three views; 404 when neither the snapshot nor a delta knows the id
 */
export async function handleGetAudience(request: IRequest, env: Env): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	const id = idFromParams(request);
	const [found] = await audienceReader(env.RTA_KV, settings).inspect([id], Date.now());
	const info = found as Inspection;
	const key = audienceKey(id.type, id.value);
	if (info.record === null && info.deltas.length === 0 && info.shardError === null)
		throw new ResponderError(404, "NOT_FOUND", `neither the snapshot nor a delta has ${key}`, {
			field: "id",
		});
	return Response.json(inspectionView(key, info, Math.floor(Date.now() / 1000)));
}

/**
 * Handles `DELETE /admin/audience/:type/:id`: one delta removing the id.
 * @param request - the request
 * @param env - Worker env
 * @param ctx - execution context
 * @returns `{ key, existed, deleted, delta_key }`
 */
export async function handleDeleteAudience(
	request: IRequest,
	env: Env,
	ctx: ExecutionContext,
): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	const id = idFromParams(request);
	const now = Date.now();
	const [info] = await audienceReader(env.RTA_KV, settings).inspect([id], now);
	const existed = (info?.effective?.names.length ?? 0) > 0;
	const deltaKey = await storeDelta(
		env,
		settings,
		ctx,
		[{ op: "delete", type: id.type, value: id.value }],
		now,
	);
	return Response.json({ key: audienceKey(id.type, id.value), existed, deleted: true, delta_key: deltaKey });
}

/**
 * The JSON view of an inspection (also used by explain).
 * @param key - `<type>:<value>`
 * @param info - the inspection
 * @param nowSeconds - epoch seconds, to tell active segments
 * @returns the view
 */
export function inspectionView(key: string, info: Inspection, nowSeconds: number) {
	return {
		key,
		snapshot:
			info.snapshot === null
				? null
				: {
						snapshot_id: info.snapshot.snapshotId,
						published_at: info.snapshot.publishedAt,
						shard: info.snapshot.shard,
						record: info.record === null ? null : membershipView(info.record, nowSeconds),
						...(info.shardError === null ? {} : { error: info.shardError }),
					},
		deltas: info.deltas.map((d) => ({
			delta_key: d.key,
			created_at: d.createdAt,
			ops: d.ops.map((op) =>
				op.op === "delete"
					? { op: "delete" }
					: { op: op.op, segments: op.segments.map(([id, until]) => (until === 0 ? id : { id, until })) },
			),
		})),
		effective: info.effective === null ? null : membershipView(info.effective, nowSeconds),
	};
}

function membershipView(m: Membership, nowSeconds: number) {
	const until = Object.fromEntries(entriesOf(m).filter(([, t]) => t !== 0));
	return {
		segments: [...m.names],
		active_segments: m.names.filter((_, i) => (m.until[i] ?? 0) === 0 || (m.until[i] ?? 0) > nowSeconds),
		until,
	};
}

async function storeDelta(
	env: Env,
	settings: Settings,
	ctx: ExecutionContext,
	ops: DeltaOp[],
	now: number,
): Promise<string> {
	const reader: AudienceReader = audienceReader(env.RTA_KV, settings);
	await reader.ready(now, (work) => ctx.waitUntil(work));
	// Every isolate holds every active delta in memory: past the limit, ask for a publish.
	if (reader.deltas.ops + ops.length > settings.audienceDeltaMaxOps)
		throw new ResponderError(
			409,
			"DELTA_BACKLOG_FULL",
			`${reader.deltas.ops} changes are waiting for the next snapshot (AUDIENCE_DELTA_MAX_OPS ${settings.audienceDeltaMaxOps}): publish one (txad audience build + publish) to fold them in`,
			{ field: "body" },
		);
	const key = newDeltaKey(now);
	const text = serializeDelta(ops, new Date(now));
	await writeDelta(env.RTA_KV, key, text);
	reader.addLocalDelta(key, text);
	return key;
}

function idFromParams(request: IRequest): IdRef {
	const type = decode(request.params.type ?? "", "type");
	const id = decode(request.params.id ?? "", "id");
	const resolved = resolveId(type, id);
	if ("error" in resolved)
		throw invalidField(resolved.field === "hash" ? "id" : resolved.field, resolved.error);
	return resolved;
}

function decode(segment: string, field: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw invalidField(field, "is not valid percent-encoding");
	}
}
