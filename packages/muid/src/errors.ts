/**
 * Typed errors thrown by `@txad/muid` for invalid input.
 * @module
 */

/** Every reason `@txad/muid` rejects an input; the runtime list behind {@link MuidErrorCode}. */
export const MUID_ERROR_CODES = [
	/** The id kind is not one this package knows. */
	"UNKNOWN_KIND",
	/** The raw id is empty (after trimming) or not a string. */
	"EMPTY_ID",
	/** The raw id does not have the shape its kind requires. */
	"MALFORMED_ID",
	/** A value said to be a hash is not 32 hex characters. */
	"INVALID_HASH",
] as const;

/** Why `@txad/muid` rejected an input: one of {@link MUID_ERROR_CODES}. */
export type MuidErrorCode = (typeof MUID_ERROR_CODES)[number];

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
 * Whether `e` is a `MuidError`: an `Error` named `MuidError` whose `code` is one of
 * {@link MUID_ERROR_CODES}. Subclasses keep the name, so they pass. Name and code decide rather
 * than `instanceof MuidError`, so an error from another copy of this package (a second bundle)
 * passes too; an unknown code fails, so `switch (e.code)` narrowing stays true.
 * @param e - anything caught
 * @returns whether `e` is a `MuidError`
 * @example if (isMuidError(e) && e.code === "INVALID_HASH") return badRequest("muid");
 */
export function isMuidError(e: unknown): e is MuidError {
	return (
		e instanceof Error &&
		e.name === "MuidError" &&
		(MUID_ERROR_CODES as readonly unknown[]).includes((e as { code?: unknown }).code)
	);
}
