/**
 * `GET /healthz`: liveness plus this isolate's view: settings validity, loaded config version,
 * the audience snapshot it answers from (shards and bytes in memory, hits per tier, deltas) and
 * counters (metrics.ts). No secret values are shown.
 * @module
 */
import { audienceReader } from "../audience/isolate.ts";
import type { AudienceReader } from "../audience/reader.ts";
import { peekConfig } from "../config/store.ts";
import { isResponderError } from "../errors.ts";
import { metrics } from "../metrics.ts";
import { getSettings } from "../settings.ts";

/**
 * Handles `GET /healthz`.
 * @param _request - unused
 * @param env - Worker env
 * @param ctx - keeps the first audience load of a fresh isolate going
 * @returns 200 JSON when settings are valid, 503 naming the bad variable otherwise
 */
export function handleHealthz(_request: Request, env: Env, ctx: ExecutionContext): Response {
	try {
		const s = getSettings(env);
		const config = peekConfig();
		const reader = audienceReader(env.RTA_KV, s);
		const now = Date.now();
		const first = reader.ready(now, (work) => ctx.waitUntil(work));
		if (first !== undefined) ctx.waitUntil(first.catch(() => {}));
		return Response.json({
			ok: true,
			mode: s.mode.kind,
			platform_cache_time: s.platformCacheTime,
			deadline_ms: s.deadlineMs,
			fallback: s.fallback.kind === "refuse" ? "refuse" : s.fallback.id,
			sign_headers: s.sign.current === null ? "off" : "on",
			admin_api: s.adminToken === undefined ? "off" : "on",
			config_version: config === undefined ? "not loaded" : config === null ? null : config.version,
			audience: audienceView(reader, s.audienceMemoryBytes, now),
			isolate: metrics,
		});
	} catch (e) {
		const field = isResponderError(e) ? e.field : undefined;
		const message = isResponderError(e) ? e.message : "invalid settings";
		return Response.json({ ok: false, field: field ?? null, message }, { status: 503 });
	}
}

function audienceView(reader: AudienceReader, memoryLimit: number, now: number) {
	const m = reader.manifest;
	const previous = reader.previousManifest(now);
	const c = reader.counters;
	return {
		snapshot_id: m === undefined ? "not loaded" : (m?.snapshotId ?? null),
		published_at: m?.document.published_at ?? null,
		records: m?.document.records ?? null,
		shard_count: m?.shardCount ?? null,
		previous_snapshot_id: previous?.snapshotId ?? null,
		refreshed_at: reader.loadedAt === 0 ? null : new Date(reader.loadedAt).toISOString(),
		memory: {
			shards: reader.memory.size,
			bytes: reader.memory.bytes,
			limit_bytes: memoryLimit,
			evictions: reader.memory.evictions,
		},
		hits: { memory: c.memoryHits, cache_api: c.cacheHits, kv: c.kvReads, previous_snapshot: c.previousHits },
		loads: {
			in_flight: reader.loadsInFlight,
			joined: c.joinedLoads,
			errors: c.loadErrors,
			corrupt_shards: c.corruptShards,
		},
		deltas: {
			blobs: reader.deltas.blobs,
			ops: reader.deltas.ops,
			newest: reader.deltas.newest === 0 ? null : new Date(reader.deltas.newest).toISOString(),
			not_loaded_yet: reader.deltasPending,
			invalid: c.deltaErrors,
		},
		manifest_errors: c.manifestErrors,
	};
}
