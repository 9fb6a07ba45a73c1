/**
 * Typed view of the Worker's variables and secrets. Variables arrive as strings; this module
 * parses them once per call with defaults, so handlers never see a raw `env.X` string.
 * @module
 */
import { RelayError } from "./errors.ts";

/** docs/conversion/form-api.md §5.2: the conversion endpoint's host. */
export const DEFAULT_TENCENT_CONV_BASE_URL = "https://t.gdt.qq.com";
/** Default attribution window: 7 days. */
export const DEFAULT_ATTRIBUTION_WINDOW_SECONDS = 7 * 24 * 3600;

/** Delivery settings. */
export interface DeliveryConfig {
	/** Base URL the conversion path is appended to. */
	baseUrl: string;
	/** Attempts before a conversion is marked failed. */
	maxAttempts: number;
	/** First retry delay in seconds; doubles per attempt. */
	retryBaseSeconds: number;
	/** Largest retry delay in seconds. */
	retryMaxSeconds: number;
	/** Per-request timeout in milliseconds. */
	timeoutMs: number;
}

function intVar(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
	if (value === undefined || value.trim() === "") return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max) {
		throw new RelayError(500, "NOT_CONFIGURED", `${name} must be an integer in [${min}, ${max}]`);
	}
	return n;
}

/**
 * The attribution window in seconds.
 * @param env - the Worker's bindings
 * @returns `ATTRIBUTION_WINDOW_SECONDS`, default 7 days
 */
export function attributionWindowSeconds(env: Env): number {
	return intVar(
		env.ATTRIBUTION_WINDOW_SECONDS,
		DEFAULT_ATTRIBUTION_WINDOW_SECONDS,
		"ATTRIBUTION_WINDOW_SECONDS",
		0,
		365 * 24 * 3600,
	);
}

/**
 * Delivery settings with defaults.
 * @param env - the Worker's bindings
 * @returns the parsed settings
 */
export function deliveryConfig(env: Env): DeliveryConfig {
	const baseUrl = (env.TENCENT_CONV_BASE_URL || DEFAULT_TENCENT_CONV_BASE_URL).replace(/\/+$/, "");
	return {
		baseUrl,
		maxAttempts: intVar(env.MAX_DELIVERY_ATTEMPTS, 10, "MAX_DELIVERY_ATTEMPTS", 1, 100),
		retryBaseSeconds: intVar(env.RETRY_BASE_SECONDS, 30, "RETRY_BASE_SECONDS", 0, 43_200),
		// Queues cap a retry delay at 12 hours.
		retryMaxSeconds: intVar(env.RETRY_MAX_SECONDS, 3600, "RETRY_MAX_SECONDS", 0, 43_200),
		timeoutMs: intVar(env.UPSTREAM_TIMEOUT_MS, 10_000, "UPSTREAM_TIMEOUT_MS", 100, 120_000),
	};
}

/**
 * Looks up an advertiser's sign_key in the `SIGN_KEYS` secret (JSON advertiser_id → key).
 * @param env - the Worker's bindings
 * @param advertiserId - the advertiser account id
 * @returns the key, `undefined` when the advertiser has none, or `null` when SIGN_KEYS is not a JSON object
 */
export function lookupSignKey(env: Env, advertiserId: string): string | undefined | null {
	let parsed: unknown;
	try {
		parsed = JSON.parse(env.SIGN_KEYS ?? "");
	} catch {
		return null;
	}
	if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
	const key = (parsed as Record<string, unknown>)[advertiserId];
	return typeof key === "string" && key !== "" ? key : undefined;
}
