/**
 * The only module that touches `env.RTA_KV`: typed reads with an edge `cacheTtl`, writes and
 * deletes. Everything else gets plain values.
 *
 * Keys: `<id type>:<hash or openid>` for audience records (decide/ids.ts), `config:strategies`
 * for the strategy config (config/types.ts).
 * @module
 */
import { CONFIG_KEY, type StoredConfig } from "./config/types.ts";

/**
 * Reads an audience record's raw JSON.
 * @param env - Worker env
 * @param key - `<id type>:<value>`
 * @param cacheTtl - seconds the edge may cache the read (≥ 30)
 * @returns the stored text, or null
 */
export function readAudience(env: Env, key: string, cacheTtl: number): Promise<string | null> {
	return env.RTA_KV.get(key, { type: "text", cacheTtl });
}

/**
 * Reads an audience record bypassing the edge cache (admin reads and explain want the truth).
 * @param env - Worker env
 * @param key - `<id type>:<value>`
 * @returns the stored text, or null
 */
export function readAudienceFresh(env: Env, key: string): Promise<string | null> {
	return env.RTA_KV.get(key, { type: "text" });
}

/**
 * Writes an audience record.
 * @param env - Worker env
 * @param key - `<id type>:<value>`
 * @param value - record JSON
 * @param expiration - epoch seconds when KV drops the key (undefined = never)
 */
export function writeAudience(
	env: Env,
	key: string,
	value: string,
	expiration: number | undefined,
): Promise<void> {
	return env.RTA_KV.put(key, value, expiration === undefined ? undefined : { expiration });
}

/**
 * Deletes an audience record.
 * @param env - Worker env
 * @param key - `<id type>:<value>`
 */
export function deleteAudience(env: Env, key: string): Promise<void> {
	return env.RTA_KV.delete(key);
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
