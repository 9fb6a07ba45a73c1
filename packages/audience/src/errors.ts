/**
 * Typed errors of `@txad/audience`: a snapshot shard, manifest or delta that cannot be used, or
 * input the builder refuses.
 * @module
 */

/** Every reason `@txad/audience` rejects an input. */
export type AudienceErrorCode =
	/** Fewer bytes than the header or the records it announces: a partial write or read. */
	| "TRUNCATED"
	/** More bytes than the header announces: two writes mixed, or not this format. */
	| "BAD_LENGTH"
	/** The bytes do not start with the shard magic: not a shard at all. */
	| "BAD_MAGIC"
	/** A shard or manifest written by another format version than this reader's. */
	| "UNSUPPORTED_VERSION"
	/** Header or record checksum differs from the bytes: corrupted in storage or transit. */
	| "CHECKSUM_MISMATCH"
	/** A valid shard, but not the one asked for (other snapshot, shard index or layout). */
	| "WRONG_SHARD"
	/** The manifest JSON is not a manifest; `field` names the first bad field. */
	| "INVALID_MANIFEST"
	/** A delta blob is not one; `field` names the first bad field. */
	| "INVALID_DELTA"
	/** An id type or id value that cannot be fingerprinted. */
	| "INVALID_ID"
	/** A segment name, end time or set the format cannot hold. */
	| "INVALID_SEGMENTS"
	/** More distinct segment sets (segments × end times) than a record can index. */
	| "TOO_MANY_SETS";

/**
 * Raised when audience data cannot be read or built.
 * @example
 * try { openShard(bytes, layout); } catch (e) { if (isAudienceError(e)) console.log(e.code); } // "TRUNCATED"
 */
export class AudienceError extends Error {
	override name = "AudienceError" as const;
	/** Machine-readable reason. */
	readonly code: AudienceErrorCode;
	/** The manifest / delta field or input at fault, when there is one. */
	readonly field: string | undefined;

	constructor(code: AudienceErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.code = code;
		this.field = options?.field;
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is an `AudienceError`
 */
export function isAudienceError(e: unknown): e is AudienceError {
	return (
		e instanceof Error && e.name === "AudienceError" && typeof (e as { code?: unknown }).code === "string"
	);
}
