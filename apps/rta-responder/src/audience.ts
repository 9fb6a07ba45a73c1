/**
 * Audience lookups: the in-isolate LRU (positive and negative entries) in front of KV. A lookup
 * whose every key is cached completes synchronously, with no promise.
 * @module
 */
import type { CandidateId } from "./decide/ids.ts";
import { type AudienceRecord, parseAudienceRecord } from "./decide/record.ts";
import { readAudience } from "./kv.ts";
import { Lru } from "./lru.ts";
import { metrics } from "./metrics.ts";
import type { Settings } from "./settings.ts";

let lru: Lru<AudienceRecord | null> | undefined;

/**
 * The isolate's audience cache, sized by LRU_MAX_ENTRIES (recreated if that changes).
 * @param settings - settings
 * @returns the cache
 */
export function audienceCache(settings: Settings): Lru<AudienceRecord | null> {
	if (lru === undefined || lru.maxEntries !== Math.max(1, settings.lruMaxEntries))
		lru = new Lru(settings.lruMaxEntries);
	return lru;
}

/**
 * Records of every candidate from the LRU alone.
 * @param settings - settings
 * @param candidates - ids to look up
 * @param now - epoch ms
 * @returns one record (or null) per candidate, or undefined when any key is not cached
 */
export function lookupCached(
	settings: Settings,
	candidates: readonly CandidateId[],
	now: number,
): (AudienceRecord | null)[] | undefined {
	if (settings.lruMaxEntries === 0) return undefined;
	const cache = audienceCache(settings);
	const out = new Array<AudienceRecord | null>(candidates.length);
	for (let i = 0; i < candidates.length; i++) {
		const hit = cache.get((candidates[i] as CandidateId).key, now);
		if (hit === undefined) {
			metrics.lruMisses++;
			return undefined;
		}
		out[i] = hit.value;
	}
	metrics.lruHits++;
	return out;
}

/**
 * Records of every candidate, reading KV (with cacheTtl) for keys the LRU lacks, and filling
 * the LRU with what was read, "not found" included.
 * @param env - Worker env
 * @param settings - settings
 * @param candidates - ids to look up
 * @returns one record (or null) per candidate
 * @throws whatever KV throws
 */
export async function lookupRecords(
	env: Env,
	settings: Settings,
	candidates: readonly CandidateId[],
): Promise<(AudienceRecord | null)[]> {
	const cache = settings.lruMaxEntries === 0 ? undefined : audienceCache(settings);
	const now = Date.now();
	return Promise.all(
		candidates.map(async (c) => {
			const hit = cache?.get(c.key, now);
			if (hit !== undefined) return hit.value;
			metrics.kvReads++;
			const text = await readAudience(env, c.key, settings.kvCacheTtl);
			let record: AudienceRecord | null = null;
			if (text !== null) {
				const parsed = parseAudienceRecord(text);
				if (parsed === undefined) {
					metrics.corruptRecords++;
					console.error(JSON.stringify({ event: "corrupt_audience_record", key: c.key }));
				} else record = parsed;
			}
			cache?.set(c.key, record, record === null ? settings.lruNegativeTtlMs : settings.lruTtlMs, Date.now());
			return record;
		}),
	);
}

/**
 * Forgets a key in this isolate (after an admin write or delete, so it is seen at once here;
 * other isolates see it when their entry expires).
 * @param key - the KV key
 */
export function forgetCached(key: string): void {
	lru?.delete(key);
}
