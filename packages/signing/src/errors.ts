/**
 * Typed errors thrown by `@txad/signing` for invalid input.
 * @module
 */

/** Every reason `@txad/signing` rejects an input; the runtime list behind {@link SigningErrorCode}. */
export const SIGNING_ERROR_CODES = [
	/** A key or secret is empty or not usable for HMAC. */
	"INVALID_KEY",
	/** A hex string has odd length or a non-hex character. */
	"INVALID_HEX",
	/** A protocol field is missing or malformed; `field` names it. */
	"INVALID_FIELD",
] as const;

/** Why `@txad/signing` rejected an input: one of {@link SIGNING_ERROR_CODES}. */
export type SigningErrorCode = (typeof SIGNING_ERROR_CODES)[number];

/**
 * Raised when an input cannot be signed or compared.
 * @example
 * try { await signDspbRequest("", parts); } catch (e) { if (isSigningError(e)) console.log(e.code); }
 */
export class SigningError extends Error {
	override name = "SigningError" as const;
	/** Machine-readable reason. */
	readonly code: SigningErrorCode;
	/** The protocol field at fault, when there is one. */
	readonly field: string | undefined;

	constructor(code: SigningErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.code = code;
		this.field = options?.field;
	}
}

/**
 * Whether `e` is a `SigningError`: an `Error` named `SigningError` whose `code` is one of
 * {@link SIGNING_ERROR_CODES}. Subclasses keep the name, so they pass. Name and code decide
 * rather than `instanceof SigningError`, so an error from another copy of this package (a
 * second bundle) passes too; an unknown code fails, so `switch (e.code)` narrowing stays true.
 * @param e - anything caught
 * @returns whether `e` is a `SigningError`
 * @example if (isSigningError(e) && e.code === "INVALID_FIELD") console.log(e.field);
 */
export function isSigningError(e: unknown): e is SigningError {
	return (
		e instanceof Error &&
		e.name === "SigningError" &&
		(SIGNING_ERROR_CODES as readonly unknown[]).includes((e as { code?: unknown }).code)
	);
}
