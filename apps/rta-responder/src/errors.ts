/**
 * HTTP errors of the JSON (admin) API: one class with a string-literal `code`, the status and the
 * field at fault, rendered once in the router's `catch`. `/rta` never throws these at Tencent:
 * it answers refusal codes (codes.ts) instead, except for the transport-level 401/413.
 * @module
 */

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
	/** A variable or secret is missing or malformed; `field` names it. */
	| "NOT_CONFIGURED"
	/** Anything else; the detail goes to the log, never to the caller. */
	| "INTERNAL";

/**
 * An error with an HTTP status, rendered as `{ "error": { "code", "field", "message", … } }`.
 * @example throw new ResponderError(400, "INVALID_FIELD", "type must be an id type", { field: "type" });
 */
export class ResponderError extends Error {
	override name = "ResponderError" as const;
	/** HTTP status. */
	readonly status: number;
	/** Machine-readable reason. */
	readonly code: ResponderErrorCode;
	/** The request field at fault, when there is one. */
	readonly field: string | undefined;
	/** Extra JSON members of the error body (e.g. `errors` of a config). */
	readonly details: Record<string, unknown> | undefined;

	constructor(
		status: number,
		code: ResponderErrorCode,
		message: string,
		options?: { field?: string; details?: Record<string, unknown>; cause?: unknown },
	) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.status = status;
		this.code = code;
		this.field = options?.field;
		this.details = options?.details;
	}

	/**
	 * Renders the error as JSON.
	 * @returns the response
	 */
	toResponse(): Response {
		return Response.json(
			{ error: { code: this.code, field: this.field ?? null, message: this.message, ...this.details } },
			{ status: this.status, headers: this.status === 401 ? { "www-authenticate": "Bearer" } : {} },
		);
	}
}

/**
 * Cross-realm guard: checks name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `ResponderError`
 */
export function isResponderError(e: unknown): e is ResponderError {
	return (
		e instanceof Error && e.name === "ResponderError" && typeof (e as { code?: unknown }).code === "string"
	);
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
	if (isResponderError(e)) return e.toResponse();
	console.error(
		JSON.stringify({ event: "unhandled_error", error: e instanceof Error ? e.stack : String(e) }),
	);
	return new ResponderError(500, "INTERNAL", "internal error").toResponse();
}
