/**
 * The secret registry behind every log line: values registered here (tokens, keys, client
 * secrets) and any `access_token=` query value are replaced by {@link REDACTED} wherever they
 * appear, so a secret cannot reach a log line, an attempt log or an API answer by way of an
 * error message or a URL. One registry per isolate, shared by everything the Worker bundles.
 * @module
 */

const secrets = new Set<string>();
/** Keeps the registry bounded in an isolate that sees many token refreshes. */
const MAX_SECRETS = 2000;
/** Shorter values would redact ordinary words. */
const MIN_SECRET_LENGTH = 6;
const ACCESS_TOKEN_PARAM = /(access[_-]token=)[^&\s"']+/gi;

/** What a scrubbed value is replaced by. */
export const REDACTED = "[redacted]";

/**
 * Registers a secret so that {@link redact} removes it wherever it appears.
 * @param value - a token or key; values shorter than 6 characters are ignored (they would
 *   redact ordinary words), and so are `null` and `undefined`
 * @example registerSecret(settings.ingestToken);
 */
export function registerSecret(value: string | null | undefined): void {
	if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
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
