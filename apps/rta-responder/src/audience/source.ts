/**
 * Where the audience bytes live (keys: @txad/audience `keys.ts`), behind the reader's
 * `AudienceSource` port: KV (`get(…, "arrayBuffer")` with `cacheTtl`, `list`) and the data
 * center's Cache API (`caches.default`, not billed as KV reads; per data center, not replicated —
 * docs/cloudflare/platform-facts.md "Cache API and isolate memory"). Only this module and
 * src/kv.ts touch the RTA_KV binding.
 *
 * What the Cache API keeps: shards and delta blobs (immutable: one key per snapshot and shard,
 * one per write) for AUDIENCE_SHARD_TTL_SECONDS; the manifest and the delta list for a few
 * seconds, so a data center reads them from KV about once per refresh interval instead of once
 * per isolate.
 * @module
 */
import { DELTA_KEY_PREFIX, MANIFEST_KEY, shardKey } from "@txad/audience";
import type { AudienceSource } from "./reader.ts";

/** Cache API keys: a host of our own, never fetched. */
const CACHE_ORIGIN = "https://audience.txad.internal";
/** KV's smallest cacheTtl (docs/cloudflare/platform-facts.md "Limits"): manifest and deltas must be fresh. */
const KV_MIN_CACHE_TTL = 30;
/** Header marking a cached "no manifest published", so absence is not re-read from KV by every isolate. */
const ABSENT = "x-txad-absent";

/** Timings of the source. */
export interface SourceOptions {
	/** cacheTtl of shard reads and max-age of their Cache API copies, seconds. */
	shardTtlSeconds: number;
	/** max-age of the cached manifest and delta list, seconds (0 = not cached). */
	listTtlSeconds: number;
}

/**
 * The audience source over KV and a Cache API instance.
 * @param kv - the RTA_KV binding
 * @param cache - `caches.default`, or undefined where there is none
 * @param options - cache lifetimes
 * @returns the source
 */
export function audienceSource(
	kv: KVNamespace,
	cache: Cache | undefined,
	options: SourceOptions,
): AudienceSource {
	const url = (path: string) => new Request(`${CACHE_ORIGIN}/${path}`);
	const put = async (path: string, body: BodyInit, maxAge: number, extra: Record<string, string> = {}) => {
		if (cache === undefined || maxAge <= 0) return;
		await cache.put(
			url(path),
			new Response(body, { headers: { "cache-control": `max-age=${maxAge}`, ...extra } }),
		);
	};
	const match = async (path: string): Promise<Response | undefined> => {
		if (cache === undefined) return undefined;
		try {
			return await cache.match(url(path));
		} catch {
			return undefined; // a failing cache is a miss, never an outage
		}
	};
	return {
		async manifest(fresh) {
			if (!fresh && options.listTtlSeconds > 0) {
				const hit = await match("manifest");
				if (hit !== undefined) return hit.headers.has(ABSENT) ? null : await hit.text();
			}
			const text = await kv.get(MANIFEST_KEY, { type: "text", cacheTtl: KV_MIN_CACHE_TTL });
			await put("manifest", text ?? "", options.listTtlSeconds, text === null ? { [ABSENT]: "1" } : {});
			return text;
		},
		async matchShard(snapshotId, shard) {
			const hit = await match(`shard/${snapshotId}/${shard}`);
			return hit === undefined ? null : new Uint8Array(await hit.arrayBuffer());
		},
		async fetchShard(snapshotId, shard) {
			const buf = await kv.get(shardKey(snapshotId, shard), {
				type: "arrayBuffer",
				cacheTtl: Math.max(KV_MIN_CACHE_TTL, options.shardTtlSeconds),
			});
			return buf === null ? null : new Uint8Array(buf);
		},
		async storeShard(snapshotId, shard, bytes) {
			await put(`shard/${snapshotId}/${shard}`, bytes, options.shardTtlSeconds, {
				"content-type": "application/octet-stream",
			});
		},
		async deltaKeys(fresh) {
			if (!fresh && options.listTtlSeconds > 0) {
				const hit = await match("deltas");
				if (hit !== undefined) return (await hit.json()) as string[];
			}
			const keys: string[] = [];
			let cursor: string | undefined;
			// list() returns at most 1,000 keys per call (docs/cloudflare/platform-facts.md "Limits").
			do {
				const page: KVNamespaceListResult<unknown, string> = await kv.list(
					cursor === undefined ? { prefix: DELTA_KEY_PREFIX } : { prefix: DELTA_KEY_PREFIX, cursor },
				);
				for (const k of page.keys) keys.push(k.name);
				cursor = page.list_complete ? undefined : page.cursor;
			} while (cursor !== undefined);
			await put("deltas", JSON.stringify(keys), options.listTtlSeconds, {
				"content-type": "application/json",
			});
			return keys;
		},
		async delta(key) {
			const path = `delta/${encodeURIComponent(key)}`;
			const hit = await match(path);
			if (hit !== undefined) return await hit.text();
			const text = await kv.get(key, { type: "text", cacheTtl: KV_MIN_CACHE_TTL });
			if (text !== null) await put(path, text, options.shardTtlSeconds);
			return text;
		},
	};
}
