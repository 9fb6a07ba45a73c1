/**
 * Wrangler vars and secrets, parsed and checked once per isolate (and again only when a value
 * changes), so no request parses JSON or numbers from env.
 * @module
 */
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
	"ADMIN_TOKEN",
] as const;

type Raw = Partial<Record<(typeof KEYS)[number], string | undefined>>;

let memo: { raw: unknown[]; settings: Settings } | undefined;
let warnedOpen = false;

/**
 * The parsed settings for an env; parsed again only when one of the values changed.
 * @param env - the Worker env
 * @returns the settings
 * @throws ResponderError `NOT_CONFIGURED` naming the first malformed variable
 */
export function getSettings(env: Env): Settings {
	const raw = env as unknown as Raw;
	if (memo !== undefined) {
		let same = true;
		for (let i = 0; i < KEYS.length; i++) {
			if (memo.raw[i] !== raw[KEYS[i] as (typeof KEYS)[number]]) {
				same = false;
				break;
			}
		}
		if (same) return memo.settings;
	}
	const settings = parseSettings(raw);
	memo = { raw: KEYS.map((k) => raw[k]), settings };
	if (settings.sign.current === null && !warnedOpen) {
		warnedOpen = true;
		console.warn(
			JSON.stringify({
				event: "rta_sign_headers_unset",
				message: "RTA_SIGN_HEADERS is not set: /rta accepts requests from anyone (fine for local dev only)",
			}),
		);
	}
	return settings;
}

/**
 * Parses settings from raw env strings.
 * @param raw - env values
 * @returns settings
 * @throws ResponderError `NOT_CONFIGURED`
 */
export function parseSettings(raw: Raw): Settings {
	const platformCacheTime = int(
		raw,
		"PLATFORM_CACHE_TIME_SECONDS",
		3600,
		PLATFORM_CACHE_TIME_MIN,
		PLATFORM_CACHE_TIME_MAX,
	);
	const fallbackRaw = (raw.FALLBACK ?? "").trim();
	const fallback: Fallback =
		fallbackRaw === "" || fallbackRaw === "refuse"
			? { kind: "refuse" }
			: { kind: "strategy", id: fallbackRaw };
	const modeRaw = (raw.INTERACTION_MODE ?? "").trim() || "device_id";
	let mode: InteractionMode;
	if (modeRaw === "device_id") mode = { kind: "device_id" };
	else if (modeRaw === "openid") {
		const appid = (raw.OPENID_APPID ?? "").trim();
		if (appid === "")
			throw notConfigured("OPENID_APPID", "openid mode needs OPENID_APPID (docs/rta/admission.md: appid)");
		mode = { kind: "openid", appid };
	} else throw notConfigured("INTERACTION_MODE", `must be "device_id" or "openid", got "${modeRaw}"`);

	const current = headerSet(raw.RTA_SIGN_HEADERS, "RTA_SIGN_HEADERS");
	const previous = headerSet(raw.RTA_SIGN_HEADERS_PREVIOUS, "RTA_SIGN_HEADERS_PREVIOUS");
	const graceRaw = (raw.RTA_SIGN_HEADERS_GRACE_UNTIL ?? "").trim();
	let graceUntilMs = 0;
	if (graceRaw !== "") {
		graceUntilMs = /^\d+$/.test(graceRaw) ? Number(graceRaw) * 1000 : Date.parse(graceRaw);
		if (!Number.isFinite(graceUntilMs))
			throw notConfigured("RTA_SIGN_HEADERS_GRACE_UNTIL", "must be an ISO 8601 instant or epoch seconds");
	}
	const rate = Number((raw.LOG_SAMPLE_RATE ?? "").trim() || "0");
	if (!(rate >= 0 && rate <= 1)) throw notConfigured("LOG_SAMPLE_RATE", "must be a number from 0 to 1");
	const adminToken = (raw.ADMIN_TOKEN ?? "").trim();

	return {
		platformCacheTime,
		deadlineMs: int(raw, "DEADLINE_MS", 30, 0, 10_000),
		fallback,
		mode,
		sign: { current, previous, graceUntilMs },
		// An isolate has 128 MB in all (docs/cloudflare/platform-facts.md "Cache API and isolate
		// memory"): at most 100 MiB of it for shards, 0 = none (every lookup goes to the Cache API).
		audienceMemoryBytes: int(raw, "AUDIENCE_MEMORY_MIB", 48, 0, 100) * 1024 * 1024,
		// Shards are immutable (one key per snapshot and shard): they may be cached long.
		audienceShardTtl: int(raw, "AUDIENCE_SHARD_TTL_SECONDS", 86_400, KV_MIN_CACHE_TTL, KV_MAX_CACHE_TTL),
		audienceDeltaMaxOps: int(raw, "AUDIENCE_DELTA_MAX_OPS", 50_000, 0, 1_000_000),
		// Out of range is an error, never silently raised to KV's minimum: the operator must learn
		// that the value they set is not the one in use.
		kvCacheTtl: int(raw, "KV_CACHE_TTL_SECONDS", 60, KV_MIN_CACHE_TTL, KV_MAX_CACHE_TTL),
		configRefreshMs: int(raw, "CONFIG_REFRESH_SECONDS", 10, 0, 86_400) * 1000,
		logSampleRate: rate,
		adminToken: adminToken === "" ? undefined : adminToken,
	};
}

function int(raw: Raw, key: (typeof KEYS)[number], fallback: number, min: number, max: number): number {
	const text = (raw[key] ?? "").trim();
	if (text === "") return fallback;
	const n = Number(text);
	if (!Number.isInteger(n) || n < min || n > max)
		throw notConfigured(key, `must be an integer from ${min} to ${max}, got "${text}"`);
	return n;
}

// docs/rta/http-behaviour.md "Header signature": the registered set is static header key/value
// pairs; an empty set disables the check.
function headerSet(text: string | undefined, key: (typeof KEYS)[number]): HeaderPair[] | null {
	const t = (text ?? "").trim();
	if (t === "") return null;
	let data: unknown;
	try {
		data = JSON.parse(t);
	} catch {
		throw notConfigured(key, 'must be a JSON object of header name to value, e.g. {"X-Rta-Token":"…"}');
	}
	if (typeof data !== "object" || data === null || Array.isArray(data))
		throw notConfigured(key, "must be a JSON object of header name to value");
	const pairs: HeaderPair[] = [];
	for (const [name, value] of Object.entries(data)) {
		if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
			throw notConfigured(key, `"${name}" is not a header name`);
		if (typeof value !== "string" || value === "")
			throw notConfigured(key, `value of "${name}" must be a non-empty string`);
		pairs.push([name.toLowerCase(), value]);
	}
	return pairs.length === 0 ? null : pairs;
}

function notConfigured(field: string, message: string): ResponderError {
	return new ResponderError(500, "NOT_CONFIGURED", `${field} ${message}`, { field });
}
