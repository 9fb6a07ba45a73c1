/**
 * The gateway's HTTP errors: one class with a string-literal `code`, the status and the field at
 * fault, rendered once in the router's `catch` as `{ "error": { "code", "field", "message", … } }`.
 * Upstream failures carry what the caller needs to decide: `ret` and its meaning from the DSP-B
 * guide's 返回码列表, the HTTP status, and `retryable` (the guide allows no further retry).
 * @module
 */
import { isJsonHttpErrorNamed, JsonHttpError } from "@txad/worker-kit";

/** Every reason the gateway answers with an error. */
export type GatewayErrorCode =
	/** A field is missing, of the wrong type or out of range; `field` names it. */
	| "INVALID_FIELD"
	/** The body is not JSON. */
	| "INVALID_JSON"
	/** The body is larger than the route accepts. */
	| "BODY_TOO_LARGE"
	/** Missing or wrong app key. */
	| "UNAUTHORIZED"
	/** No such route. */
	| "NOT_FOUND"
	/** A variable or secret is missing or malformed; `field` names it. */
	| "NOT_CONFIGURED"
	/** 优量汇 answered `ret` ≠ 0 (other than 102006, which is an empty answer); `ret`, `ret_meaning`. */
	| "UPSTREAM_RET"
	/** 优量汇 answered a status other than 200, also on the one retry the guide allows. */
	| "UPSTREAM_HTTP"
	/** 优量汇 did not answer within the timeout (504). */
	| "UPSTREAM_TIMEOUT"
	/** The connection to 优量汇 failed. */
	| "UPSTREAM_UNREACHABLE"
	/** 优量汇's answer is not the JSON the guide describes; `field` names the path. */
	| "UPSTREAM_INVALID"
	/** Anything else; the detail goes to the log, never to the caller. */
	| "INTERNAL";

/**
 * This app's HTTP error.
 * @example throw new GatewayError(400, "INVALID_FIELD", "placement.id must be digits", { field: "placement.id" });
 */
export class GatewayError extends JsonHttpError<GatewayErrorCode> {
	override name = "GatewayError" as const;
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `GatewayError`
 */
export function isGatewayError(e: unknown): e is GatewayError {
	return isJsonHttpErrorNamed(e, "GatewayError");
}

/**
 * A 400 naming the field at fault.
 * @param field - dotted path of the field in the request body (or a header name)
 * @param message - what is wrong
 * @param details - extra members of the error body
 * @returns the error to throw
 */
export function invalidField(
	field: string,
	message: string,
	details?: Record<string, unknown>,
): GatewayError {
	return new GatewayError(400, "INVALID_FIELD", message, { field, ...(details ? { details } : {}) });
}
