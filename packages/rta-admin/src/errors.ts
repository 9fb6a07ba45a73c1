/**
 * Typed errors thrown by `@txad/rta-admin`: bad arguments (caught before anything is sent),
 * transport failures, unreadable answers, and API answers with `code > 0`.
 * A partial success (`code < 0`) is not thrown; it is a value (see `BindWriteResult`), unless the
 * caller asks for an exception with `assertBindComplete`.
 * @module
 */
import type { BindError, Response_Data } from "@txad/proto";

/** Every reason `@txad/rta-admin` fails a call. */
export type RtaAdminErrorCode =
	/** An argument is missing or out of range; nothing was sent. `field` names it. */
	| "INVALID_ARGUMENT"
	/** The API answered `code > 0` (docs/rta/management-api.md 返回通用内容: failure); see `apiCode`, `msg`, `taskid`. */
	| "API_ERROR"
	/** Raised only by `assertBindComplete`: some bind records failed (`code < 0`); see `bindErrors`. */
	| "PARTIAL_FAILURE"
	/** A non-2xx HTTP status without a readable API envelope. */
	| "HTTP_ERROR"
	/** No complete answer within `timeoutMs` (per attempt). */
	| "TIMEOUT"
	/** The caller's `AbortSignal` fired. */
	| "ABORTED"
	/** `fetch` itself rejected (DNS, TLS, connection reset…). */
	| "NETWORK_ERROR"
	/** A 2xx answer that is not the API's JSON envelope, or lacks what the operation returns. */
	| "INVALID_RESPONSE";

/** Extra detail an {@link RtaAdminError} may carry. */
export interface RtaAdminErrorDetails {
	field?: string;
	/** `function/operate`, e.g. `"bind/set"`. */
	operation?: string;
	/** The envelope's `code` (API_ERROR; PARTIAL_FAILURE). */
	apiCode?: number;
	/** The envelope's `msg` (or its `status` when `msg` is empty). */
	msg?: string;
	/** The envelope's task id: quote it when asking the API's operators to look a call up. */
	taskid?: string;
	/** HTTP status of the last answer. */
	httpStatus?: number;
	/** How many HTTP attempts were made (retries apply to get operations only). */
	attempts?: number;
	/** The server's Retry-After header, in ms (HTTP_ERROR). */
	retryAfterMs?: number;
	/** The envelope's `data`, when there was one (a failed bind/set keeps its per-record errors here). */
	data?: Response_Data;
	/** Per-record failures of bind/set or bind/delete. */
	bindErrors?: BindError[];
	cause?: unknown;
}

/**
 * Raised when a management API call cannot be made or does not succeed.
 * @example
 * try { await client.targetSet({ targetId: "t1" }); }
 * catch (e) { if (isRtaAdminError(e) && e.code === "API_ERROR") console.log(e.apiCode, e.msg, e.taskid); }
 */
export class RtaAdminError extends Error {
	override name = "RtaAdminError" as const;
	/** Machine-readable reason. */
	readonly code: RtaAdminErrorCode;
	/** The argument at fault (INVALID_ARGUMENT), e.g. `"binds[2].bind_type"`. */
	readonly field: string | undefined;
	/** `function/operate` of the call. */
	readonly operation: string | undefined;
	/** The API's `code` (API_ERROR, PARTIAL_FAILURE). */
	readonly apiCode: number | undefined;
	/** The API's `msg`. */
	readonly msg: string | undefined;
	/** The API's task id, for support requests. */
	readonly taskid: string | undefined;
	/** HTTP status of the last answer, when one arrived. */
	readonly httpStatus: number | undefined;
	/** HTTP attempts made. */
	readonly attempts: number | undefined;
	/** The server's Retry-After, in ms (HTTP_ERROR). */
	readonly retryAfterMs: number | undefined;
	/** The envelope's `data`, when the API sent one. */
	readonly data: Response_Data | undefined;
	/** Per-record failures (bind/set, bind/delete); empty otherwise. */
	readonly bindErrors: BindError[];

	constructor(code: RtaAdminErrorCode, message: string, details: RtaAdminErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.code = code;
		this.field = details.field;
		this.operation = details.operation;
		this.apiCode = details.apiCode;
		this.msg = details.msg;
		this.taskid = details.taskid;
		this.httpStatus = details.httpStatus;
		this.attempts = details.attempts;
		this.retryAfterMs = details.retryAfterMs;
		this.data = details.data;
		this.bindErrors = details.bindErrors ?? [];
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is an `RtaAdminError`
 */
export function isRtaAdminError(e: unknown): e is RtaAdminError {
	return (
		e instanceof Error && e.name === "RtaAdminError" && typeof (e as { code?: unknown }).code === "string"
	);
}

/**
 * Shorthand for an argument error.
 * @param field - the argument at fault, in the API's snake_case naming
 * @param message - what is wrong with it
 * @returns the error to throw
 */
export function invalidArgument(field: string, message: string): RtaAdminError {
	return new RtaAdminError("INVALID_ARGUMENT", `${field}: ${message}`, { field });
}
