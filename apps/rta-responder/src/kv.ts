/**
 * Writes to `env.RTA_KV` and the strategy config reads (src/audience/source.ts reads the
 * audience). Everything else gets plain values.
 *
 * Keys: `audience:delta:…` for admin writes (@txad/audience keys.ts), `config:strategies`
 * for the strategy config (config/types.ts).
 * @module
 */
import { CONFIG_KEY, type StoredConfig } from "./config/types.ts";

/**
 * Writes one delta blob (an admin write) under its own fresh key: never a key another write
 * uses, so concurrent writers cannot overwrite each other (KV takes one write per second per key
 * and has no compare-and-set; docs/cloudflare/platform-facts.md "Limits").
 * @param kv - the RTA_KV binding
 * @param key - from @txad/audience `newDeltaKey`
 * @param text - the serialized blob
 */
export function writeDelta(kv: KVNamespace, key: string, text: string): Promise<void> {
	return kv.put(key, text);
}

/**
 * Reads the stored strategy config document.
 * @param env - Worker env
 * @param cacheTtl - seconds the edge may cache the read; undefined = uncached
 * @returns the raw JSON text, or null when none is stored
 */
export function readConfigText(env: Env, cacheTtl?: number): Promise<string | null> {
	return env.RTA_KV.get(CONFIG_KEY, cacheTtl === undefined ? { type: "text" } : { type: "text", cacheTtl });
}

/**
 * Stores the strategy config document.
 * @param env - Worker env
 * @param stored - version, time and config
 */
export function writeConfig(env: Env, stored: StoredConfig): Promise<void> {
	return env.RTA_KV.put(CONFIG_KEY, JSON.stringify(stored));
}
