/**
 * The strategy config as the isolate sees it: loaded from KV, validated and compiled once per
 * version, refreshed in the background every CONFIG_REFRESH_SECONDS while requests keep being
 * answered with the version in memory.
 * @module
 */
import { describeError, log } from "@txad/worker-kit";
import { readConfigText, writeConfig } from "../kv.ts";
import type { Settings } from "../settings.ts";
import { type CompiledConfig, compileConfig } from "./compile.ts";
import type { StoredConfig } from "./types.ts";
import { validateStrategyConfig } from "./validate.ts";

interface Holder {
	/** null = nothing valid stored. */
	compiled: CompiledConfig | null;
	/** Whether a load has completed (a failed first load leaves it false, so the next request retries). */
	loaded: boolean;
	loadedAt: number;
	/** updated_at of the loaded document: an older one (a stale edge-cached read) never replaces it. */
	updatedAt: string;
	platformCacheTime: number;
	refreshing: Promise<CompiledConfig | null> | undefined;
}

let holder: Holder | undefined;

/**
 * The loaded config, without waiting.
 * @returns the compiled config, null when none is stored, undefined when not loaded yet
 */
export function peekConfig(): CompiledConfig | null | undefined {
	return holder?.loaded === true ? holder.compiled : undefined;
}

/**
 * The config for a request: synchronously when loaded (starting a background refresh when it is
 * older than CONFIG_REFRESH_SECONDS), else a promise of the first load, shared by every request
 * that arrives meanwhile.
 * @param env - Worker env
 * @param settings - settings
 * @param ctx - to keep a background refresh alive
 * @param now - epoch ms
 * @returns the compiled config (null = none stored), or a promise of it
 */
export function currentConfig(
	env: Env,
	settings: Settings,
	ctx: ExecutionContext,
	now: number,
): CompiledConfig | null | Promise<CompiledConfig | null> {
	let h = holder;
	if (h !== undefined && h.platformCacheTime === settings.platformCacheTime) {
		if (h.loaded) {
			if (now - h.loadedAt >= settings.configRefreshMs && h.refreshing === undefined) {
				ctx.waitUntil(load(env, settings, h).then(noop, logRefreshError));
			}
			return h.compiled;
		}
		if (h.refreshing !== undefined) return h.refreshing;
	} else {
		h = {
			compiled: null,
			loaded: false,
			loadedAt: 0,
			updatedAt: "",
			platformCacheTime: settings.platformCacheTime,
			refreshing: undefined,
		};
		holder = h;
	}
	return load(env, settings, h);
}

function load(env: Env, settings: Settings, h: Holder): Promise<CompiledConfig | null> {
	const p = (async () => {
		try {
			const text = await readConfigText(env, settings.kvCacheTtl);
			const next = compileStored(text, settings.platformCacheTime, h.compiled, h.updatedAt);
			h.compiled = next.compiled;
			h.updatedAt = next.updatedAt;
			h.loaded = true;
			h.loadedAt = Date.now();
			return h.compiled;
		} finally {
			h.refreshing = undefined;
		}
	})();
	h.refreshing = p;
	return p;
}

function logRefreshError(e: unknown): void {
	log("error", "config_refresh_failed", { error: describeError(e) });
}

/**
 * Parses, validates and compiles a stored document, reusing `previous` when the version is unchanged.
 * @param text - KV value (null = none)
 * @param platformCacheTime - seconds
 * @param previous - the config in memory
 * @param previousUpdatedAt - its updated_at
 * @returns the compiled config (null when none stored; the previous one when the stored one is
 *   invalid, logged, or older) and its updated_at
 */
export function compileStored(
	text: string | null,
	platformCacheTime: number,
	previous: CompiledConfig | null,
	previousUpdatedAt: string,
): { compiled: CompiledConfig | null; updatedAt: string } {
	const keep = { compiled: previous, updatedAt: previousUpdatedAt };
	if (text === null) return { compiled: null, updatedAt: "" };
	let stored: StoredConfig;
	try {
		stored = JSON.parse(text) as StoredConfig;
	} catch {
		log("error", "stored_config_invalid", { reason: "not JSON" });
		return keep;
	}
	const updatedAt = typeof stored.updated_at === "string" ? stored.updated_at : "";
	if (previous !== null && previous.platformCacheTime === platformCacheTime) {
		if (stored.version === previous.version || updatedAt < previousUpdatedAt) return keep;
	}
	// Re-validated because the key can be written around the admin API (wrangler kv key put).
	const result = validateStrategyConfig(stored.config, platformCacheTime);
	if (!result.ok) {
		log("error", "stored_config_invalid", { errors: result.errors });
		return keep;
	}
	return { compiled: compileConfig(result.config, String(stored.version), platformCacheTime), updatedAt };
}

/**
 * Stores a validated config and makes it this isolate's current config at once.
 * @param env - Worker env
 * @param settings - settings
 * @param stored - the document to store
 * @returns the compiled config
 */
export async function storeConfig(
	env: Env,
	settings: Settings,
	stored: StoredConfig,
): Promise<CompiledConfig> {
	await writeConfig(env, stored);
	const compiled = compileConfig(stored.config, stored.version, settings.platformCacheTime);
	holder = {
		compiled,
		loaded: true,
		loadedAt: Date.now(),
		updatedAt: stored.updated_at,
		platformCacheTime: settings.platformCacheTime,
		refreshing: undefined,
	};
	return compiled;
}

function noop(): void {}
