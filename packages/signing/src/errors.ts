/**
 * Typed errors thrown by `@txad/signing` for invalid input.
 * @module
 */

/** Every reason `@txad/signing` rejects an input. */
export type SigningErrorCode =
	/** A key or secret is empty or not usable for HMAC. */
	| "INVALID_KEY"
	/** A hex string has odd length or a non-hex character. */
	| "INVALID_HEX"
	/** A protocol field is missing or malformed; `field` names it. */
	| "INVALID_FIELD";

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
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `SigningError`
 */
export function isSigningError(e: unknown): e is SigningError {
	return (
		e instanceof Error && e.name === "SigningError" && typeof (e as { code?: unknown }).code === "string"
	);
}
