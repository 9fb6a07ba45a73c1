/**
 * Readers for Wrangler vars and secrets: each takes the env (or any record of raw values) and a
 * variable's name, trims the text, applies the default when it is empty, and throws a
 * {@link SettingsError} naming the variable when the value is unusable. Messages follow the name:
 * `"RETRY_MAX_SECONDS must be an integer from 0 to 43200"`. A secret's value never appears in one.
 * @module
 */
import { SettingsError } from "./settings-error.ts";

/**
 * Raw env values by name: the Worker's `Env`, a test's plain object, or a subset. Readers are
 * typed with the name they read, so a name the env does not declare fails to compile.
 */
export type EnvVars<K extends string = string> = { readonly [P in K]?: unknown };

/**
 * A variable as trimmed text; absent, `null` or blank is `""`.
 * @param env - the raw values
 * @param name - the variable
 * @returns the trimmed text
 * @throws SettingsError `INVALID_VALUE` when the value is not a string (e.g. a JSON var)
 * @example readText(env, "FALLBACK") || "refuse"
 */
export function readText<K extends string>(env: EnvVars<NoInfer<K>>, name: K): string {
	const value = env[name];
	if (value === undefined || value === null) return "";
	if (typeof value !== "string") throw new SettingsError(name, "must be a string");
	return value.trim();
}

/**
 * A required secret.
 * @param env - the raw values
 * @param name - the secret
 * @returns the trimmed value
 * @throws SettingsError `NOT_SET` when absent or blank, saying how to set it
 * @example readSecret(env, "INGEST_TOKEN")
 */
export function readSecret<K extends string>(env: EnvVars<NoInfer<K>>, name: K): string {
	const value = readText(env, name);
	if (value === "") throw notSet(name, true);
	return value;
}

/** The accepted range and the default of {@link readInt}. */
export interface IntRange {
	/** Used when the variable is empty. */
	fallback: number;
	min: number;
	max: number;
}

/**
 * A base-10 integer in `[min, max]`. Only digits (and a leading `-`) are accepted: `1e3`, `0x10`,
 * `1.0` and `7d` are refused rather than read as something the operator did not write.
 * @param env - the raw values
 * @param name - the variable
 * @param range - default and bounds
 * @returns the number
 * @throws SettingsError `INVALID_VALUE` naming the range
 * @example readInt(env, "MAX_DELIVERY_ATTEMPTS", { fallback: 10, min: 1, max: 100 })
 */
export function readInt<K extends string>(env: EnvVars<NoInfer<K>>, name: K, range: IntRange): number {
	const text = readText(env, name);
	if (text === "") return range.fallback;
	const n = Number(text);
	if (!/^-?[0-9]+$/.test(text) || n < range.min || n > range.max) {
		throw new SettingsError(name, `must be an integer from ${range.min} to ${range.max}`);
	}
	return n;
}

/**
 * A share from 0 to 1 (a sampling rate), in plain decimal notation: `0`, `0.25`, `1`, `.5`.
 * Exponents, percentages and anything outside the range are refused rather than guessed at.
 * @param env - the raw values
 * @param name - the variable
 * @param fallback - used when the variable is empty
 * @returns the share
 * @throws SettingsError `INVALID_VALUE`
 * @example readRate(env, "LOG_SAMPLE_RATE", 0)
 */
export function readRate<K extends string>(env: EnvVars<NoInfer<K>>, name: K, fallback: number): number {
	const text = readText(env, name);
	if (text === "") return fallback;
	const n = Number(text);
	if (!/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text) || !(n >= 0 && n <= 1)) {
		throw new SettingsError(name, "must be a decimal number from 0 to 1");
	}
	return n;
}

/**
 * `true` or `false`, in any case.
 * @param env - the raw values
 * @param name - the variable
 * @param fallback - used when the variable is empty
 * @returns the flag
 * @throws SettingsError `INVALID_VALUE`
 * @example readBool(env, "REPORT_UNATTRIBUTED", false)
 */
export function readBool<K extends string>(env: EnvVars<NoInfer<K>>, name: K, fallback: boolean): boolean {
	const text = readText(env, name).toLowerCase();
	if (text === "") return fallback;
	if (text === "true") return true;
	if (text === "false") return false;
	throw new SettingsError(name, 'must be "true" or "false"');
}

/**
 * One of a fixed set of words (case-sensitive). The value is echoed in the message, so use it for
 * plain choices, never for a secret.
 * @param env - the raw values
 * @param name - the variable
 * @param choices - the accepted values
 * @param fallback - used when the variable is empty
 * @returns the value
 * @throws SettingsError `INVALID_VALUE` listing the choices
 * @example readOneOf(env, "DSPB_PRICE_PADDING", ["pkcs1", "oaep-sha256", "oaep-sha1"], "pkcs1")
 */
export function readOneOf<K extends string, const C extends string>(
	env: EnvVars<NoInfer<K>>,
	name: K,
	choices: readonly C[],
	fallback: NoInfer<C>,
): C {
	const text = readText(env, name);
	if (text === "") return fallback;
	const choice = choices.find((c) => c === text);
	if (choice !== undefined) return choice;
	const listed = choices.map((c) => `"${c}"`);
	const expected =
		listed.length > 1 ? `${listed.slice(0, -1).join(", ")} or ${listed.at(-1)}` : `${listed[0]}`;
	throw new SettingsError(name, `must be ${expected}, got "${text.slice(0, 40)}"`);
}

/**
 * An absolute `http:` or `https:` URL.
 * @param env - the raw values
 * @param name - the variable
 * @param fallback - the URL used when the variable is empty
 * @returns the parsed URL
 * @throws SettingsError `INVALID_VALUE` for a relative, malformed or non-HTTP URL
 * @example readUrl(env, "TENCENT_API_BASE_URL", "https://api.e.qq.com").href
 */
export function readUrl<K extends string>(env: EnvVars<NoInfer<K>>, name: K, fallback: string): URL {
	const text = readText(env, name) || fallback;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new SettingsError(name, "must be an http(s) URL");
	}
	if (url.protocol !== "https:" && url.protocol !== "http:")
		throw new SettingsError(name, "must be an http(s) URL");
	return url;
}

/** How {@link readJsonObject} treats an empty variable and what it calls the expected shape. */
export interface JsonObjectOptions {
	/** Returned when the variable is empty; without it an empty variable is `NOT_SET`. */
	fallback?: Record<string, unknown>;
	/** The variable is a secret: the `NOT_SET` message says `wrangler secret put`. */
	secret?: boolean;
	/** Completes "must be …" for a non-object, e.g. `"a JSON object keyed by advertiser account id"`. */
	expected?: string;
}

/**
 * A JSON object (not an array, not `null`). The value is never echoed, so it suits secrets.
 * @param env - the raw values
 * @param name - the variable
 * @param options - default, whether it is a secret, the expected shape's description
 * @returns the parsed object, or the fallback
 * @throws SettingsError `NOT_SET` (empty, no fallback), `INVALID_VALUE` (not JSON, not an object)
 * @example readJsonObject(env, "SIGN_KEYS", { fallback: {}, expected: "a JSON object keyed by advertiser account id" })
 */
export function readJsonObject<K extends string>(
	env: EnvVars<NoInfer<K>>,
	name: K,
	options: JsonObjectOptions = {},
): Record<string, unknown> {
	const text = readText(env, name);
	if (text === "") {
		if (options.fallback !== undefined) return options.fallback;
		throw notSet(name, options.secret === true);
	}
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		throw new SettingsError(name, "is not valid JSON");
	}
	if (data === null || typeof data !== "object" || Array.isArray(data)) {
		throw new SettingsError(name, `must be ${options.expected ?? "a JSON object"}`);
	}
	return data as Record<string, unknown>;
}

function notSet(name: string, secret: boolean): SettingsError {
	return new SettingsError(name, secret ? `is not set (wrangler secret put ${name})` : "is not set", {
		code: "NOT_SET",
	});
}
