/**
 * The relay's variables and secrets, parsed and checked once per isolate (again only when a raw
 * value changes), so no request or queue batch parses JSON or numbers from env. A malformed value
 * throws a `NOT_CONFIGURED` {@link RelayError} whose `field` names the variable; `GET /healthz`
 * shows it, the API answers 503 with it, and the queue consumer holds conversions back until it is
 * fixed (a configuration error never fails a conversion).
 * @module
 */
import {
	convertSettingsError,
	type EnvVars,
	memoizeSettings,
	readBool,
	readInt,
	readJsonObject,
	readSecret,
	readText,
	readUrl,
	registerSecret,
	SettingsError,
} from "@txad/worker-kit";
import { type AllowEntry, parseAllowlist } from "./allowlist.ts";
import { RelayError } from "./errors.ts";

/** docs/conversion/form-api.md §5.2: the form API's host. */
export const DEFAULT_FORM_BASE_URL = "https://t.gdt.qq.com";
/** docs/conversion/marketing-api-v3.md "Direct mode": the Marketing API's host. */
export const DEFAULT_API_BASE_URL = "https://api.e.qq.com";
/** docs/conversion/marketing-api-v3.md "Quotas": a DataNexus key allows 4,000 calls per minute. */
export const DEFAULT_CALLS_PER_MINUTE = 4000;
/** docs/conversion/marketing-api-v3.md "Action fields": 1–50 actions per call. */
export const MAX_ACTIONS_PER_CALL = 50;

/** A DataNexus permanent key (docs/conversion/marketing-api-v3.md "Token sources"). */
export interface DataNexusToken {
	kind: "datanexus";
	accessToken: string;
}
/** An OAuth app; the token pair itself lives in D1 (`oauth_tokens`). */
export interface OAuthApp {
	kind: "oauth";
	clientId: string;
	clientSecret: string;
}
/** How an account authenticates to the Marketing API. */
export type AccountToken = DataNexusToken | OAuthApp;

/** Per-account Marketing API settings (`TENCENT_ACCOUNTS`). */
export interface AccountSettings {
	/** appid → user_action_set_id; the key `*` covers every other app. */
	userActionSets: ReadonlyMap<string, string>;
	/** Calls per minute the relay allows itself for the account. */
	callsPerMinute: number;
	/** `md5_sha256` sends `md5_sha256_*` ids instead of `hash_*` (docs/conversion/marketing-api-v3.md "user_id kinds"). */
	userIdHash: "md5" | "md5_sha256";
}

/** The names of the callback-mode auth headers (docs/conversion/marketing-api-v3.md "Callback mode"). */
export interface AuthHeaderNames {
	accessToken: string;
	timestamp: string;
	nonce: string;
}

/** Everything the relay reads from env. */
export interface Settings {
	ingestToken: string;
	clickUrlToken: string;
	clickAllowlist: readonly AllowEntry[];
	signKeys: ReadonlyMap<string, string>;
	tokens: ReadonlyMap<string, AccountToken>;
	accounts: ReadonlyMap<string, AccountSettings>;
	formBaseUrl: string;
	apiBaseUrl: string;
	callbackOrigins: readonly string[];
	callbackAuthHeaders: AuthHeaderNames;
	attributionWindowSeconds: number;
	lateClickWindowSeconds: number;
	reportUnattributed: boolean;
	maxAttempts: number;
	retryBaseSeconds: number;
	retryMaxSeconds: number;
	timeoutMs: number;
	sweepGraceMs: number;
	defaultCallsPerMinute: number;
	maxActionsPerCall: number;
	tokenRefreshMarginMs: number;
	formResendUncertain: boolean;
}

const KEYS = [
	"INGEST_TOKEN",
	"CLICK_URL_TOKEN",
	"CLICK_IP_ALLOWLIST",
	"SIGN_KEYS",
	"TENCENT_TOKENS",
	"TENCENT_ACCOUNTS",
	"TENCENT_CONV_BASE_URL",
	"TENCENT_API_BASE_URL",
	"CALLBACK_ORIGINS",
	"CALLBACK_AUTH_HEADERS",
	"ATTRIBUTION_WINDOW_SECONDS",
	"LATE_CLICK_WINDOW_SECONDS",
	"REPORT_UNATTRIBUTED",
	"MAX_DELIVERY_ATTEMPTS",
	"RETRY_BASE_SECONDS",
	"RETRY_MAX_SECONDS",
	"UPSTREAM_TIMEOUT_MS",
	"SWEEP_GRACE_SECONDS",
	"RATE_LIMIT_CALLS_PER_MINUTE",
	"MAX_ACTIONS_PER_CALL",
	"TOKEN_REFRESH_MARGIN_SECONDS",
	"FORM_RESEND_UNCERTAIN",
] as const;

/** A variable or secret the settings read. */
export type SettingsKey = (typeof KEYS)[number];
type Raw = EnvVars<SettingsKey>;

/**
 * The parsed settings; parsed again only when one of the raw values changed.
 * @param env - the Worker's env
 * @returns the settings
 * @throws RelayError `NOT_CONFIGURED` naming the first malformed variable in `field`
 */
export const getSettings: (env: Env) => Settings = memoizeSettings(KEYS, parseSettings);

/**
 * The settings, or the configuration error as a value.
 * @param env - the Worker's env
 * @returns `{ ok: true, settings }` or `{ ok: false, error }`
 */
export function trySettings(env: Env): { ok: true; settings: Settings } | { ok: false; error: RelayError } {
	try {
		return { ok: true, settings: getSettings(env) };
	} catch (e) {
		if (e instanceof RelayError) return { ok: false, error: e };
		throw e;
	}
}

/**
 * Parses settings from raw env values.
 * @param raw - env values (strings; absent ones take their defaults)
 * @returns the settings
 * @throws RelayError `NOT_CONFIGURED`
 */
export function parseSettings(raw: Raw): Settings {
	return convertSettingsError(
		() => readSettings(raw),
		(e) => new RelayError(503, "NOT_CONFIGURED", e.message, { field: e.field, cause: e }),
	);
}

function readSettings(raw: Raw): Settings {
	const ingestToken = readSecret(raw, "INGEST_TOKEN");
	const clickUrlToken = readSecret(raw, "CLICK_URL_TOKEN");
	const allowlistText = readText(raw, "CLICK_IP_ALLOWLIST");
	let clickAllowlist: AllowEntry[];
	try {
		clickAllowlist = parseAllowlist(allowlistText);
	} catch (e) {
		throw notConfigured("CLICK_IP_ALLOWLIST", e instanceof Error ? e.message : "is malformed");
	}
	const signKeys = parseSignKeys(raw);
	const tokens = parseTokens(raw);
	const defaultCallsPerMinute = readInt(raw, "RATE_LIMIT_CALLS_PER_MINUTE", {
		fallback: DEFAULT_CALLS_PER_MINUTE,
		min: 1,
		max: 1_000_000,
	});
	const accounts = parseAccounts(raw, defaultCallsPerMinute);
	const retryBaseSeconds = readInt(raw, "RETRY_BASE_SECONDS", { fallback: 30, min: 0, max: 43_200 });
	// Queues cap a message delay at 12 hours (docs/cloudflare/platform-facts.md "Queues").
	const retryMaxSeconds = readInt(raw, "RETRY_MAX_SECONDS", { fallback: 3600, min: 0, max: 43_200 });
	const settings: Settings = {
		ingestToken,
		clickUrlToken,
		clickAllowlist,
		signKeys,
		tokens,
		accounts,
		formBaseUrl: baseUrl(raw, "TENCENT_CONV_BASE_URL", DEFAULT_FORM_BASE_URL),
		apiBaseUrl: baseUrl(raw, "TENCENT_API_BASE_URL", DEFAULT_API_BASE_URL),
		callbackOrigins: parseOrigins(raw),
		callbackAuthHeaders: parseAuthHeaders(raw),
		attributionWindowSeconds: readInt(raw, "ATTRIBUTION_WINDOW_SECONDS", {
			fallback: 7 * 86_400,
			min: 60,
			max: 365 * 86_400,
		}),
		lateClickWindowSeconds: readInt(raw, "LATE_CLICK_WINDOW_SECONDS", {
			fallback: 86_400,
			min: 0,
			max: 30 * 86_400,
		}),
		reportUnattributed: readBool(raw, "REPORT_UNATTRIBUTED", false),
		maxAttempts: readInt(raw, "MAX_DELIVERY_ATTEMPTS", { fallback: 10, min: 1, max: 100 }),
		retryBaseSeconds,
		retryMaxSeconds,
		timeoutMs: readInt(raw, "UPSTREAM_TIMEOUT_MS", { fallback: 5000, min: 100, max: 60_000 }),
		sweepGraceMs: readInt(raw, "SWEEP_GRACE_SECONDS", { fallback: 10, min: 0, max: 86_400 }) * 1000,
		defaultCallsPerMinute,
		maxActionsPerCall: readInt(raw, "MAX_ACTIONS_PER_CALL", {
			fallback: MAX_ACTIONS_PER_CALL,
			min: 1,
			max: MAX_ACTIONS_PER_CALL,
		}),
		tokenRefreshMarginMs:
			readInt(raw, "TOKEN_REFRESH_MARGIN_SECONDS", { fallback: 3600, min: 0, max: 86_399 }) * 1000,
		formResendUncertain: readBool(raw, "FORM_RESEND_UNCERTAIN", true),
	};
	registerSecret(ingestToken);
	registerSecret(clickUrlToken);
	for (const key of signKeys.values()) registerSecret(key);
	for (const token of tokens.values()) {
		if (token.kind === "datanexus") registerSecret(token.accessToken);
		else registerSecret(token.clientSecret);
	}
	return settings;
}

/**
 * The Marketing API settings of an account, with defaults when `TENCENT_ACCOUNTS` has none.
 * @param settings - the parsed settings
 * @param accountId - the advertiser account id
 * @returns the account's settings
 */
export function accountSettings(settings: Settings, accountId: string): AccountSettings {
	return (
		settings.accounts.get(accountId) ?? {
			userActionSets: new Map(),
			callsPerMinute: settings.defaultCallsPerMinute,
			userIdHash: "md5",
		}
	);
}

/**
 * The user_action_set_id an app of an account reports to.
 * @param settings - the parsed settings
 * @param accountId - the advertiser account id
 * @param appid - the app
 * @returns the id, or `undefined` when none is configured
 */
export function userActionSetId(settings: Settings, accountId: string, appid: string): string | undefined {
	const sets = accountSettings(settings, accountId).userActionSets;
	return sets.get(appid) ?? sets.get("*");
}

// A base URL without trailing slashes, so paths are appended with one.
function baseUrl(raw: Raw, key: SettingsKey, fallback: string): string {
	return readUrl(raw, key, fallback).href.replace(/\/+$/, "");
}

function accountMap(raw: Raw, key: SettingsKey): Record<string, unknown> {
	return readJsonObject(raw, key, { fallback: {}, expected: "a JSON object keyed by advertiser account id" });
}

const ACCOUNT_ID = /^[1-9][0-9]{0,19}$/;

function accountKeys(key: SettingsKey, data: Record<string, unknown>): [string, unknown][] {
	return Object.entries(data).map(([id, value]) => {
		if (!ACCOUNT_ID.test(id))
			throw notConfigured(key, `has a key that is not an account id: "${id.slice(0, 24)}"`);
		return [id, value];
	});
}

// docs/conversion/form-api.md §5.6: one sign_key per advertiser account.
function parseSignKeys(raw: Raw): Map<string, string> {
	const out = new Map<string, string>();
	for (const [id, value] of accountKeys("SIGN_KEYS", accountMap(raw, "SIGN_KEYS"))) {
		if (typeof value !== "string" || value === "") {
			throw notConfigured("SIGN_KEYS", `entry ${id} must be a non-empty string`);
		}
		out.set(id, value);
	}
	return out;
}

function parseTokens(raw: Raw): Map<string, AccountToken> {
	const out = new Map<string, AccountToken>();
	for (const [id, value] of accountKeys("TENCENT_TOKENS", accountMap(raw, "TENCENT_TOKENS"))) {
		const entry = value as Record<string, unknown> | null;
		if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
			throw notConfigured("TENCENT_TOKENS", `entry ${id} must be an object`);
		}
		const str = (name: string) => {
			const v = entry[name];
			return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
		};
		const known = new Set(["access_token", "client_id", "client_secret"]);
		for (const name of Object.keys(entry)) {
			if (!known.has(name))
				throw notConfigured("TENCENT_TOKENS", `entry ${id} has an unknown member ${name}`);
		}
		const accessToken = str("access_token");
		const clientId = str("client_id");
		const clientSecret = str("client_secret");
		if (accessToken !== undefined && clientId === undefined && clientSecret === undefined) {
			out.set(id, { kind: "datanexus", accessToken });
		} else if (accessToken === undefined && clientId !== undefined && clientSecret !== undefined) {
			if (!/^[0-9]{1,20}$/.test(clientId)) {
				throw notConfigured("TENCENT_TOKENS", `entry ${id}: client_id must be the OAuth app's numeric id`);
			}
			out.set(id, { kind: "oauth", clientId, clientSecret });
		} else {
			throw notConfigured(
				"TENCENT_TOKENS",
				`entry ${id} must have either access_token (DataNexus key) or client_id and client_secret (OAuth app)`,
			);
		}
	}
	return out;
}

function parseAccounts(raw: Raw, defaultCallsPerMinute: number): Map<string, AccountSettings> {
	const out = new Map<string, AccountSettings>();
	for (const [id, value] of accountKeys("TENCENT_ACCOUNTS", accountMap(raw, "TENCENT_ACCOUNTS"))) {
		const entry = value as Record<string, unknown> | null;
		if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
			throw notConfigured("TENCENT_ACCOUNTS", `entry ${id} must be an object`);
		}
		for (const name of Object.keys(entry)) {
			if (!["user_action_sets", "calls_per_minute", "user_id_hash"].includes(name)) {
				throw notConfigured("TENCENT_ACCOUNTS", `entry ${id} has an unknown member ${name}`);
			}
		}
		const sets = new Map<string, string>();
		const rawSets = entry.user_action_sets ?? {};
		if (rawSets === null || typeof rawSets !== "object" || Array.isArray(rawSets)) {
			throw notConfigured("TENCENT_ACCOUNTS", `entry ${id}: user_action_sets must map appid (or *) to an id`);
		}
		for (const [appid, setId] of Object.entries(rawSets)) {
			const s = typeof setId === "number" ? String(setId) : setId;
			if ((appid !== "*" && !ACCOUNT_ID.test(appid)) || typeof s !== "string" || !ACCOUNT_ID.test(s)) {
				throw notConfigured(
					"TENCENT_ACCOUNTS",
					`entry ${id}: user_action_sets must map appid (or *) to a numeric user_action_set_id`,
				);
			}
			sets.set(appid, s);
		}
		const cpm = entry.calls_per_minute ?? defaultCallsPerMinute;
		if (typeof cpm !== "number" || !Number.isInteger(cpm) || cpm < 1 || cpm > 1_000_000) {
			throw notConfigured("TENCENT_ACCOUNTS", `entry ${id}: calls_per_minute must be an integer from 1`);
		}
		const hash = entry.user_id_hash ?? "md5";
		if (hash !== "md5" && hash !== "md5_sha256") {
			throw notConfigured("TENCENT_ACCOUNTS", `entry ${id}: user_id_hash must be "md5" or "md5_sha256"`);
		}
		out.set(id, { userActionSets: sets, callsPerMinute: cpm, userIdHash: hash });
	}
	return out;
}

function parseOrigins(raw: Raw): string[] {
	const t = readText(raw, "CALLBACK_ORIGINS") || DEFAULT_API_BASE_URL;
	return t.split(",").map((entry) => {
		const e = entry.trim();
		let url: URL;
		try {
			url = new URL(e);
		} catch {
			throw notConfigured(
				"CALLBACK_ORIGINS",
				"must list origins such as https://api.e.qq.com, comma-separated",
			);
		}
		if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== e.replace(/\/$/, "")) {
			throw notConfigured(
				"CALLBACK_ORIGINS",
				"must list origins such as https://api.e.qq.com, comma-separated",
			);
		}
		return url.origin;
	});
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseAuthHeaders(raw: Raw): AuthHeaderNames {
	const t = readText(raw, "CALLBACK_AUTH_HEADERS") || "access-token,timestamp,nonce";
	const names = t.split(",").map((n) => n.trim().toLowerCase());
	const [accessToken, timestamp, nonce] = names;
	if (
		names.length !== 3 ||
		accessToken === undefined ||
		timestamp === undefined ||
		nonce === undefined ||
		!names.every((n) => HEADER_NAME.test(n))
	) {
		throw notConfigured(
			"CALLBACK_AUTH_HEADERS",
			"must name the token, timestamp and nonce headers, e.g. access-token,timestamp,nonce",
		);
	}
	return { accessToken, timestamp, nonce };
}

function notConfigured(field: SettingsKey, problem: string): SettingsError {
	return new SettingsError(field, problem);
}
