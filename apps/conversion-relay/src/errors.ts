/**
 * The relay's HTTP errors: one class with a string-literal `code`, the HTTP status and the field
 * at fault, turned into a JSON response once, in the router's `catch`.
 * @module
 */
import { isJsonHttpErrorNamed, JsonHttpError, renderThrown } from "@txad/worker-kit";

/** Every reason the relay's JSON API rejects a request. */
export type RelayErrorCode =
	/** A field is missing, of the wrong type or malformed; `field` names it. */
	| "INVALID_FIELD"
	/** The body is not a JSON object. */
	| "INVALID_JSON"
	/** The body exceeds {@link MAX_BODY_BYTES}. */
	| "BODY_TOO_LARGE"
	/** The device id is a placeholder (all zeros, "null", …) that identifies no device. */
	| "NON_DEVICE_ID"
	/** Missing or wrong bearer token. */
	| "UNAUTHORIZED"
	/** The caller's IP is not on the click allow-list. */
	| "FORBIDDEN"
	/** An `event_id` was reused with a different conversion. */
	| "IDEMPOTENCY_CONFLICT"
	/** The conversion is not in a state that allows the operation. */
	| "INVALID_STATE"
	/** No upstream format can report this conversion with the configured credentials; `field` names what is missing. */
	| "NO_UPSTREAM"
	/** Tencent's OAuth endpoint refused or failed a token exchange. */
	| "TOKEN_EXCHANGE_FAILED"
	/** No such resource. */
	| "NOT_FOUND"
	/** A required secret or variable is missing or malformed; `field` names it (HTTP 503). */
	| "NOT_CONFIGURED"
	/** Anything else; the detail goes to the log, never to the caller. */
	| "INTERNAL";

/** Largest JSON body POST /conversions accepts. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * This app's HTTP error, rendered as `{ "error": { "code", "field", "message", … } }`.
 * @example throw new RelayError(400, "INVALID_FIELD", "conv_time must be seconds", { field: "conv_time" });
 */
export class RelayError extends JsonHttpError<RelayErrorCode> {
	override name = "RelayError" as const;
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `RelayError`
 */
export function isRelayError(e: unknown): e is RelayError {
	return isJsonHttpErrorNamed(e, "RelayError");
}

/**
 * Shorthand for a 400 naming a field.
 * @param field - the request field at fault
 * @param message - what is wrong with it, phrased for the caller
 * @returns the error to throw
 */
export function invalidField(field: string, message: string): RelayError {
	return new RelayError(400, "INVALID_FIELD", message, { field });
}

/**
 * Maps anything thrown to a response: `RelayError`s as they are, everything else as an opaque 500
 * (the detail goes to the JSON-lines log, redacted; never to the caller).
 * @param e - what was thrown
 * @returns the response
 */
export function toErrorResponse(e: unknown): Response {
	return renderThrown(e, isRelayError, () => new RelayError(500, "INTERNAL", "internal error"));
}
