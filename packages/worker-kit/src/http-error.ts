/**
 * The JSON error every txad Worker API answers with: one class carrying the HTTP status, a
 * string-literal `code`, the field at fault and extra members, rendered in one place.
 * @module
 */
import { logUnhandled } from "./log.ts";

/** Options of a {@link JsonHttpError}. */
export interface JsonHttpErrorOptions {
	/** The request field at fault. */
	field?: string;
	/** Extra JSON members of the error body (e.g. every validation error, an existing id). */
	details?: Record<string, unknown>;
	/** The underlying error. */
	cause?: unknown;
}

/**
 * An error with an HTTP status, rendered as `{ "error": { "code", "field", "message", … } }`.
 * Apps subclass it with their own code union and `name`.
 * @example
 * class RelayError extends JsonHttpError<"INVALID_FIELD" | "INTERNAL"> { override name = "RelayError" as const; }
 * throw new RelayError(400, "INVALID_FIELD", "conv_time must be seconds", { field: "conv_time" });
 */
export class JsonHttpError<Code extends string = string> extends Error {
	override name = "JsonHttpError";
	/** HTTP status of the response. */
	readonly status: number;
	/** Machine-readable reason. */
	readonly code: Code;
	/** The request field at fault, when there is one. */
	readonly field: string | undefined;
	/** Extra JSON members of the error body. */
	readonly details: Record<string, unknown> | undefined;

	constructor(status: number, code: Code, message: string, options?: JsonHttpErrorOptions) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.status = status;
		this.code = code;
		this.field = options?.field;
		this.details = options?.details;
	}

	/**
	 * Renders the error as the API's JSON body; a 401 also says which scheme to use.
	 * @returns a JSON response with this error's status
	 */
	toResponse(): Response {
		return Response.json(
			{ error: { code: this.code, field: this.field ?? null, message: this.message, ...this.details } },
			{ status: this.status, headers: this.status === 401 ? { "www-authenticate": "Bearer" } : {} },
		);
	}
}

/**
 * Cross-realm guard for one subclass: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @param name - the subclass's `name`
 * @returns whether `e` is that error
 * @example export const isRelayError = (e: unknown): e is RelayError => isJsonHttpErrorNamed(e, "RelayError");
 */
export function isJsonHttpErrorNamed(e: unknown, name: string): e is JsonHttpError {
	return (
		e instanceof Error &&
		e.name === name &&
		typeof (e as { code?: unknown }).code === "string" &&
		typeof (e as { toResponse?: unknown }).toResponse === "function"
	);
}

/**
 * Maps anything thrown to a response: the app's own errors as they are, everything else as an
 * opaque 500 whose detail goes to the JSON-lines log (`unhandled_error`, redacted), never to the
 * caller.
 * @param e - what was thrown
 * @param isOwn - the app's guard
 * @param internal - builds the app's 500 error
 * @returns the response
 * @example AutoRouter({ catch: (e) => renderThrown(e, isRelayError, () => new RelayError(500, "INTERNAL", "internal error")) })
 */
export function renderThrown(
	e: unknown,
	isOwn: (e: unknown) => e is JsonHttpError,
	internal: () => JsonHttpError,
): Response {
	if (isOwn(e)) return e.toResponse();
	logUnhandled(e);
	return internal().toResponse();
}
