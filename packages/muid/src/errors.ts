/**
 * Typed errors thrown by `@txad/muid` for invalid input.
 * @module
 */

/** Every reason `@txad/muid` rejects an input. */
export type MuidErrorCode =
	/** The id kind is not one this package knows. */
	| "UNKNOWN_KIND"
	/** The raw id is empty (after trimming) or not a string. */
	| "EMPTY_ID"
	/** The raw id does not have the shape its kind requires. */
	| "MALFORMED_ID"
	/** A value said to be a hash is not 32 lower-case hex characters. */
	| "INVALID_HASH";

/**
 * Raised when a device id or hash cannot be used.
 * @example
 * try { hashDeviceId("imei", ""); } catch (e) { if (isMuidError(e)) console.log(e.code); } // EMPTY_ID
 */
export class MuidError extends Error {
	override name = "MuidError" as const;
	/** Machine-readable reason. */
	readonly code: MuidErrorCode;

	constructor(code: MuidErrorCode, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.code = code;
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `MuidError`
 */
export function isMuidError(e: unknown): e is MuidError {
	return e instanceof Error && e.name === "MuidError" && typeof (e as { code?: unknown }).code === "string";
}
