/**
 * This isolate's audience reader, built once from the bindings and settings (and again only when
 * the settings it depends on change).
 * @module
 */
import type { Settings } from "../settings.ts";
import { AudienceReader } from "./reader.ts";
import { audienceSource } from "./source.ts";

/** The manifest and delta list are cached per data center for at most this long. */
const LIST_CACHE_SECONDS = 5;

let instance: { reader: AudienceReader; key: string } | undefined;

/**
 * The isolate's reader.
 * @param kv - the RTA_KV binding
 * @param settings - settings
 * @returns the reader
 */
export function audienceReader(kv: KVNamespace, settings: Settings): AudienceReader {
	const key = `${settings.audienceMemoryBytes}/${settings.audienceShardTtl}/${settings.configRefreshMs}`;
	if (instance === undefined || instance.key !== key) {
		const refreshSeconds = Math.floor(settings.configRefreshMs / 1000);
		const source = audienceSource(kv, defaultCache(), {
			shardTtlSeconds: settings.audienceShardTtl,
			// Never longer than half the refresh interval, so a refresh sees what KV says.
			listTtlSeconds: Math.min(LIST_CACHE_SECONDS, Math.floor(refreshSeconds / 2)),
		});
		instance = {
			reader: new AudienceReader(source, {
				memoryBytes: settings.audienceMemoryBytes,
				refreshMs: settings.configRefreshMs,
			}),
			key,
		};
	}
	return instance.reader;
}

function defaultCache(): Cache | undefined {
	// workers.dev and previews have a Cache API that stores nothing; it is still safe to call.
	return typeof caches === "undefined" ? undefined : caches.default;
}
