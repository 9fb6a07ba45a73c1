/**
 * Wrangler vars and secrets, parsed and checked once per isolate (and again only when a value
 * changes), so no request parses JSON or numbers from env.
 * @module
 */

import {
	convertSettingsError,
	type EnvVars,
	log,
	memoizeSettings,
	readBool,
	readInt,
	readJsonObject,
	readOneOf,
	readRate,
	readText,
	registerSecret,
	SettingsError,
} from "@txad/worker-kit";
import type { InteractionMode } from "./decide/ids.ts";
import type { Fallback } from "./decide/outcome.ts";
import { ResponderError } from "./errors.ts";

/** A header name (lower-case) and the value it must carry. */
export type HeaderPair = readonly [name: string, value: string];

/** The RTA header-signature check (docs/rta/http-behaviour.md "Header signature"). */
export interface SignCheck {
	/** The registered set; null = no check (open). */
	current: readonly HeaderPair[] | null;
	/** The previous set, accepted until `graceUntilMs`. */
	previous: readonly HeaderPair[] | null;
	graceUntilMs: number;
}

/** Everything the responder reads from env. */
export interface Settings {
	platformCacheTime: number;
	deadlineMs: number;
	/** Storage budget of second-stage (ADLIST) requests, which have 80 ms instead of 60. */
	adlistDeadlineMs: number;
	fallback: Fallback;
	mode: InteractionMode;
	sign: SignCheck;
	/** Isolate memory for audience shards, bytes (AUDIENCE_MEMORY_MIB). */
	audienceMemoryBytes: number;
	/** cacheTtl of shard reads and lifetime of their Cache API copies, seconds. */
	audienceShardTtl: number;
	/** Most delta operations held before the admin API asks for a snapshot publish. */
	audienceDeltaMaxOps: number;
	kvCacheTtl: number;
	configRefreshMs: number;
	logSampleRate: number;
	/** Share of decisions written to Analytics Engine (docs/cloudflare/analytics-engine.md "Cost"). */
	analyticsSampleRate: number;
	/** Share of requests whose raw request and response are logged (src/raw-log.ts). */
	rawLogSampleRate: number;
	/** Log every second-stage request raw. */
	rawLogAdlist: boolean;
	adminToken: string | undefined;
}

/** docs/rta/admission.md 《RTA准入申请表》 缓存时间: 下限1小时，上限24小时. */
export const PLATFORM_CACHE_TIME_MIN = 3600;
/** RTA admission guide 缓存时间: the upper bound, 24 h. */
export const PLATFORM_CACHE_TIME_MAX = 86_400;
/** KV rejects a `cacheTtl` below 30 s (docs/cloudflare/platform-facts.md "Workers KV" limits). */
export const KV_MIN_CACHE_TTL = 30;
/** Longest `cacheTtl` accepted (one year): edge copies of a config outlive its replacement by this long. */
export const KV_MAX_CACHE_TTL = 31_536_000;

const KEYS = [
	"PLATFORM_CACHE_TIME_SECONDS",
	"DEADLINE_MS",
	"ADLIST_DEADLINE_MS",
	"FALLBACK",
	"INTERACTION_MODE",
	"OPENID_APPID",
	"RTA_SIGN_HEADERS",
	"RTA_SIGN_HEADERS_PREVIOUS",
	"RTA_SIGN_HEADERS_GRACE_UNTIL",
	"AUDIENCE_MEMORY_MIB",
	"AUDIENCE_SHARD_TTL_SECONDS",
	"AUDIENCE_DELTA_MAX_OPS",
	"KV_CACHE_TTL_SECONDS",
	"CONFIG_REFRESH_SECONDS",
	"LOG_SAMPLE_RATE",
	"ANALYTICS_SAMPLE_RATE",
	"RAW_LOG_SAMPLE_RATE",
	"RAW_LOG_ADLIST",
	"ADMIN_TOKEN",
] as const;

/** A variable or secret the settings read. */
export type SettingsKey = (typeof KEYS)[number];
type Raw = EnvVars<SettingsKey>;

const memoized = memoizeSettings(KEYS, parseSettings);
let warnedOpen = false;

/**
 * The parsed settings for an env; parsed again only when one of the values changed.
 * @param env - the Worker env
 * @returns the settings
 * @throws ResponderError `NOT_CONFIGURED` naming the first malformed variable
 */
export function getSettings(env: Env): Settings {
	const settings = memoized(env as unknown as Raw);
	if (settings.sign.current === null && !warnedOpen) {
		warnedOpen = true;
		log("warn", "rta_sign_headers_unset", {
			message: "RTA_SIGN_HEADERS is not set: /rta accepts requests from anyone (fine for local dev only)",
		});
	}
	return settings;
}

/**
 * Parses settings from raw env strings.
 * @param raw - env values
 * @returns settings
 * @throws ResponderError `NOT_CONFIGURED` (500) naming the variable in `field`
 */
export function parseSettings(raw: Raw): Settings {
	return convertSettingsError(
		() => readSettings(raw),
		(e) => new ResponderError(500, "NOT_CONFIGURED", e.message, { field: e.field }),
	);
}

function readSettings(raw: Raw): Settings {
	const platformCacheTime = readInt(raw, "PLATFORM_CACHE_TIME_SECONDS", {
		fallback: 3600,
		min: PLATFORM_CACHE_TIME_MIN,
		max: PLATFORM_CACHE_TIME_MAX,
	});
	const fallbackRaw = readText(raw, "FALLBACK");
	const fallback: Fallback =
		fallbackRaw === "" || fallbackRaw === "refuse"
			? { kind: "refuse" }
			: { kind: "strategy", id: fallbackRaw };
	const modeKind = readOneOf(raw, "INTERACTION_MODE", ["device_id", "openid"], "device_id");
	let mode: InteractionMode;
	if (modeKind === "device_id") mode = { kind: "device_id" };
	else {
		const appid = readText(raw, "OPENID_APPID");
		if (appid === "")
			throw new SettingsError(
				"OPENID_APPID",
				"is not set: openid mode needs it (docs/rta/admission.md: appid)",
				{
					code: "NOT_SET",
				},
			);
		mode = { kind: "openid", appid };
	}

	const current = headerSet(raw, "RTA_SIGN_HEADERS");
	const previous = headerSet(raw, "RTA_SIGN_HEADERS_PREVIOUS");
	const graceRaw = readText(raw, "RTA_SIGN_HEADERS_GRACE_UNTIL");
	let graceUntilMs = 0;
	if (graceRaw !== "") {
		graceUntilMs = /^\d+$/.test(graceRaw) ? Number(graceRaw) * 1000 : Date.parse(graceRaw);
		if (!Number.isFinite(graceUntilMs))
			throw new SettingsError("RTA_SIGN_HEADERS_GRACE_UNTIL", "must be an ISO 8601 instant or epoch seconds");
	}
	const adminToken = readText(raw, "ADMIN_TOKEN");
	if (adminToken !== "") registerSecret(adminToken);

	return {
		platformCacheTime,
		deadlineMs: readInt(raw, "DEADLINE_MS", { fallback: 30, min: 0, max: 10_000 }),
		// docs/rta/advanced-features.md "Second-stage requests": 80 ms end to end; 50 leaves the
		// same 30 ms for the network as DEADLINE_MS' default does of 60.
		adlistDeadlineMs: readInt(raw, "ADLIST_DEADLINE_MS", { fallback: 50, min: 0, max: 10_000 }),
		fallback,
		mode,
		sign: { current, previous, graceUntilMs },
		// An isolate has 128 MB in all (docs/cloudflare/platform-facts.md "Cache API and isolate
		// memory"): at most 100 MiB of it for shards, 0 = none (every lookup goes to the Cache API).
		audienceMemoryBytes:
			readInt(raw, "AUDIENCE_MEMORY_MIB", { fallback: 48, min: 0, max: 100 }) * 1024 * 1024,
		// Shards are immutable (one key per snapshot and shard): they may be cached long.
		audienceShardTtl: readInt(raw, "AUDIENCE_SHARD_TTL_SECONDS", {
			fallback: 86_400,
			min: KV_MIN_CACHE_TTL,
			max: KV_MAX_CACHE_TTL,
		}),
		audienceDeltaMaxOps: readInt(raw, "AUDIENCE_DELTA_MAX_OPS", { fallback: 50_000, min: 0, max: 1_000_000 }),
		// Out of range is an error, never silently raised to KV's minimum: the operator must learn
		// that the value they set is not the one in use.
		kvCacheTtl: readInt(raw, "KV_CACHE_TTL_SECONDS", {
			fallback: 60,
			min: KV_MIN_CACHE_TTL,
			max: KV_MAX_CACHE_TTL,
		}),
		configRefreshMs: readInt(raw, "CONFIG_REFRESH_SECONDS", { fallback: 10, min: 0, max: 86_400 }) * 1000,
		logSampleRate: readRate(raw, "LOG_SAMPLE_RATE", 0),
		analyticsSampleRate: readRate(raw, "ANALYTICS_SAMPLE_RATE", 1),
		rawLogSampleRate: readRate(raw, "RAW_LOG_SAMPLE_RATE", 0),
		rawLogAdlist: readBool(raw, "RAW_LOG_ADLIST", false),
		adminToken: adminToken === "" ? undefined : adminToken,
	};
}

// docs/rta/http-behaviour.md "Header signature": the registered set is static header key/value
// pairs; an empty set disables the check. The values are secrets: registered with the logger so
// they never appear in a log line, and never echoed in an error.
function headerSet(raw: Raw, key: "RTA_SIGN_HEADERS" | "RTA_SIGN_HEADERS_PREVIOUS"): HeaderPair[] | null {
	const data = readJsonObject(raw, key, {
		fallback: {},
		secret: true,
		expected: 'a JSON object of header name to value, e.g. {"X-Rta-Token":"…"}',
	});
	const pairs: HeaderPair[] = [];
	for (const [name, value] of Object.entries(data)) {
		if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
			throw new SettingsError(key, `has "${name}", which is not a header name`);
		if (typeof value !== "string" || value === "")
			throw new SettingsError(key, `needs a non-empty string value for "${name}"`);
		registerSecret(value);
		pairs.push([name.toLowerCase(), value]);
	}
	return pairs.length === 0 ? null : pairs;
}
