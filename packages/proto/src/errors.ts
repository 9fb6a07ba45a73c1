/**
 * Typed errors thrown by `@txad/proto` codecs.
 * @module
 */

/** Every reason `@txad/proto` rejects an input. */
export type ProtoErrorCode =
	/** Bytes are not a valid encoding of the message (truncated, bad wire type, bad UTF-8…). */
	| "DECODE_FAILED"
	/** JSON is not valid for the message (wrong type for a field, bad enum name…). */
	| "JSON_INVALID"
	/** A text is not an RTA raw log line (not JSON, another event, a body that is not base64). */
	| "RAW_LOG_INVALID";

/**
 * Raised when bytes or JSON cannot be read as the expected message.
 * @example
 * try { decodeRtaRequest(body); } catch (e) { if (isProtoError(e)) log(e.code, e.message); }
 */
export class ProtoError extends Error {
	override name = "ProtoError" as const;
	/** Machine-readable reason. */
	readonly code: ProtoErrorCode;
	/** Full name of the message being read. */
	readonly typeName: string;

	constructor(code: ProtoErrorCode, typeName: string, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.code = code;
		this.typeName = typeName;
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `ProtoError`
 */
export function isProtoError(e: unknown): e is ProtoError {
	return e instanceof Error && e.name === "ProtoError" && typeof (e as { code?: unknown }).code === "string";
}
