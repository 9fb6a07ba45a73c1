/**
 * HTTP errors of the JSON (admin) API: one class with a string-literal `code`, the status and the
 * field at fault, rendered once in the router's `catch`. `/rta` never throws these at Tencent:
 * it answers refusal codes (codes.ts) instead, except for the transport-level 401/413.
 * @module
 */
import {
	isJsonHttpErrorNamed,
	JsonHttpError,
	type JsonRead,
	renderThrown,
	type TextRead,
} from "@txad/worker-kit";

/** Every reason the responder rejects an HTTP request. */
export type ResponderErrorCode =
	/** A field is missing, of the wrong type or malformed; `field` names it. */
	| "INVALID_FIELD"
	/** The body is not valid JSON / NDJSON. */
	| "INVALID_JSON"
	/** The strategy config fails validation; `errors` lists every problem. */
	| "INVALID_CONFIG"
	/** The body is larger than the route accepts. */
	| "BODY_TOO_LARGE"
	/** Missing or wrong credentials. */
	| "UNAUTHORIZED"
	/** No such route or resource. */
	| "NOT_FOUND"
	/** Too many audience changes wait for the next snapshot (AUDIENCE_DELTA_MAX_OPS): publish one. */
	| "DELTA_BACKLOG_FULL"
	/** A variable or secret is missing or malformed; `field` names it. */
	| "NOT_CONFIGURED"
	/** Anything else; the detail goes to the log, never to the caller. */
	| "INTERNAL";

/**
 * This app's HTTP error, rendered as `{ "error": { "code", "field", "message", … } }`.
 * @example throw new ResponderError(400, "INVALID_FIELD", "type must be an id type", { field: "type" });
 */
export class ResponderError extends JsonHttpError<ResponderErrorCode> {
	override name = "ResponderError" as const;
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `ResponderError`
 */
export function isResponderError(e: unknown): e is ResponderError {
	return isJsonHttpErrorNamed(e, "ResponderError");
}

/**
 * Shorthand for a 400 naming a field.
 * @param field - the field at fault
 * @param message - what is wrong
 * @returns the error to throw
 */
export function invalidField(field: string, message: string): ResponderError {
	return new ResponderError(400, "INVALID_FIELD", message, { field });
}

/**
 * Maps anything thrown to a response: `ResponderError`s as they are, everything else as an
 * opaque 500 (logged, never echoed).
 * @param e - what was thrown
 * @returns the response
 */
export function toErrorResponse(e: unknown): Response {
	return renderThrown(e, isResponderError, () => new ResponderError(500, "INTERNAL", "internal error"));
}

/**
 * The error for an admin body the kit's reader refused (`readJsonWithin` / `readTextWithin`).
 * @param read - the reader's result, anything but `ok`
 * @returns 413 `BODY_TOO_LARGE`, or 400 `INVALID_JSON` for text that is not UTF-8 or not JSON
 */
export function bodyRefusal(read: Exclude<JsonRead | TextRead, { kind: "ok" }>): ResponderError {
	switch (read.kind) {
		case "too_large":
			return new ResponderError(413, "BODY_TOO_LARGE", `body exceeds ${read.limit} bytes`);
		case "not_utf8":
			return new ResponderError(400, "INVALID_JSON", "body is not UTF-8 text", { field: "body" });
		case "invalid_json":
			return new ResponderError(400, "INVALID_JSON", `body is not JSON: ${read.reason}`);
	}
}
