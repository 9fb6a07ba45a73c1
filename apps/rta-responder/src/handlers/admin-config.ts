/**
 * `PUT /admin/config` and `GET /admin/config`: the strategy config (config/types.ts).
 * @module
 */
import { readJsonWithin } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { requireAdmin } from "../auth.ts";
import { compileConfig } from "../config/compile.ts";
import { peekConfig, storeConfig } from "../config/store.ts";
import type { ConfigIssue, StoredConfig } from "../config/types.ts";
import { validateStrategyConfig } from "../config/validate.ts";
import { bodyRefusal, ResponderError } from "../errors.ts";
import { readConfigText } from "../kv.ts";
import { getSettings } from "../settings.ts";

/** Largest config body accepted. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Handles `PUT /admin/config[?dry_run=1]`: validates (400 `INVALID_CONFIG` listing every error
 * with its JSON path), stores, and makes it current in this isolate at once (others within
 * CONFIG_REFRESH_SECONDS + the KV edge cache TTL).
 * @param request - the request
 * @param env - Worker env
 * @returns the stored version, what is sent as response_cache_time, and warnings
 */
export async function handlePutConfig(request: IRequest, env: Env): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	const read = await readJsonWithin(request, MAX_CONFIG_BYTES);
	if (read.kind !== "ok") throw bodyRefusal(read);
	const result = validateStrategyConfig(read.value, settings.platformCacheTime);
	if (!result.ok) {
		throw new ResponderError(400, "INVALID_CONFIG", `the config has ${result.errors.length} error(s)`, {
			details: { errors: result.errors },
		});
	}
	const warnings: ConfigIssue[] = [...result.warnings];
	if (settings.fallback.kind === "strategy") {
		const id = settings.fallback.id;
		if (!result.config.strategies.some((s) => s.id === id))
			warnings.push({
				path: "$.strategies",
				message: `FALLBACK names "${id}", which this config lacks: deadline answers will refuse`,
			});
	}
	const version = await contentVersion(result.config);
	const dryRun = request.query.dry_run === "1" || request.query.dry_run === "true";
	const stored: StoredConfig = { version, updated_at: new Date().toISOString(), config: result.config };
	const compiled = dryRun
		? compileConfig(result.config, version, settings.platformCacheTime)
		: await storeConfig(env, settings, stored);
	return Response.json({
		stored: !dryRun,
		version,
		updated_at: stored.updated_at,
		strategies: compiled.strategies.length,
		response_cache_time: compiled.responseCacheTime,
		warnings,
	});
}

/**
 * Handles `GET /admin/config`: the stored document (read from KV, uncached) and the version this
 * isolate answers with.
 * @param request - the request
 * @param env - Worker env
 * @returns the stored document
 */
export async function handleGetConfig(request: IRequest, env: Env): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	const text = await readConfigText(env);
	if (text === null)
		throw new ResponderError(404, "NOT_FOUND", "no strategy config is stored: PUT /admin/config");
	const stored = JSON.parse(text) as StoredConfig;
	const loaded = peekConfig();
	return Response.json({
		...stored,
		loaded_version: loaded === undefined || loaded === null ? null : loaded.version,
	});
}

async function contentVersion(config: unknown): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(config)));
	return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
