/**
 * Typed errors of the `txad` CLI. Every bad input ends as a `CliError` whose message names the
 * flag, field or line at fault; `main` prints it and exits with {@link EXIT_USAGE}.
 * @module
 */

/** Exit status: success, or a check / verdict that passed. */
export const EXIT_OK = 0;
/** Exit status: the command ran but its verdict is "fail" (readiness check, load test, form). */
export const EXIT_FAIL = 1;
/** Exit status: bad usage or bad input (unknown flag, unreadable file, invalid value). */
export const EXIT_USAGE = 2;

/** Every reason the CLI refuses to run. */
export type CliErrorCode =
	/** Unknown command, unknown or missing flag, bad flag value. */
	| "USAGE"
	/** An input file or value is unreadable or invalid (`field` / `line` say where). */
	| "INPUT"
	/** The target refused to talk to us at all (connection refused, DNS, admin API error). */
	| "NETWORK";

/**
 * Raised for anything the user must fix before the command can run.
 * @example throw new CliError("USAGE", "--qps must be a positive integer", { field: "--qps" });
 */
export class CliError extends Error {
	override name = "CliError" as const;
	/** Machine-readable reason. */
	readonly code: CliErrorCode;
	/** The flag or form field at fault, when there is one. */
	readonly field: string | undefined;

	constructor(code: CliErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.code = code;
		this.field = options?.field;
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `CliError`
 */
export function isCliError(e: unknown): e is CliError {
	return e instanceof Error && e.name === "CliError" && typeof (e as { code?: unknown }).code === "string";
}
