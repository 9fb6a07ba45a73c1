/**
 * The one logger: one JSON object per line (`{"level","event",…}`), so Workers Logs can filter
 * on fields. Every string that goes out is scrubbed of registered secrets (tokens, keys) and of
 * any `access_token=` query value, so a token can never reach a log line by way of an error
 * message or a URL.
 * @module
 */

/** Log levels, mapped onto console methods. */
export type LogLevel = "info" | "warn" | "error";

const secrets = new Set<string>();
/** Keeps the registry bounded in an isolate that sees many token refreshes. */
const MAX_SECRETS = 2000;
const ACCESS_TOKEN_PARAM = /(access[_-]token=)[^&\s"']+/gi;
/** What a scrubbed value is replaced by. */
export const REDACTED = "[redacted]";

/**
 * Registers a secret so that {@link redact} removes it wherever it appears.
 * @param value - a token or key; values shorter than 6 characters are ignored (they would
 *   redact ordinary words)
 */
export function registerSecret(value: string | null | undefined): void {
	if (typeof value !== "string" || value.length < 6 || secrets.has(value)) return;
	if (secrets.size >= MAX_SECRETS) secrets.clear();
	secrets.add(value);
}

/**
 * Removes registered secrets and `access_token=` values from a string.
 * @param text - any text bound for a log line, an attempt log or an API answer
 * @returns the text with secrets replaced by {@link REDACTED}
 * @example redact("…/add?access_token=abc&nonce=1") // "…/add?access_token=[redacted]&nonce=1"
 */
export function redact(text: string): string {
	let out = text.replace(ACCESS_TOKEN_PARAM, `$1${REDACTED}`);
	for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
	return out;
}

/**
 * A short, redacted description of something thrown.
 * @param e - what was caught
 * @returns `Name: message`, at most 300 characters
 */
export function describeError(e: unknown): string {
	const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
	return redact(text).slice(0, 300);
}

/**
 * Writes one JSON line.
 * @param level - severity
 * @param event - a stable snake_case name to filter on, e.g. `delivery_step_failed`
 * @param fields - more members; strings are redacted
 * @example log("warn", "lease_lost", { conversion_id: id });
 */
export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
	const line = JSON.stringify({ level, event, ...fields }, (_key, value) =>
		typeof value === "string" ? redact(value) : value,
	);
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else console.log(line);
}
