/**
 * Typed errors thrown by `@txad/jump` for inputs it cannot decide on.
 * @module
 */

/** Every reason `@txad/jump` rejects an input. */
export type JumpErrorCode =
	/** A field has the wrong type or value; `field` names it. */
	"INVALID_FIELD";

/**
 * Raised for an ad or host description that cannot be decided on (a programming error, not an
 * outcome: outcomes are the values the decision functions return).
 * @example
 * try { decideJump(ad, host); } catch (e) { if (isJumpError(e)) console.error(e.field); }
 */
export class JumpError extends Error {
	override name = "JumpError" as const;
	/** Machine-readable reason. */
	readonly code: JumpErrorCode;
	/** The field at fault. */
	readonly field: string | undefined;

	constructor(code: JumpErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.code = code;
		this.field = options?.field;
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `JumpError`
 */
export function isJumpError(e: unknown): e is JumpError {
	return e instanceof Error && e.name === "JumpError" && typeof (e as { code?: unknown }).code === "string";
}
