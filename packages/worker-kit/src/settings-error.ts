/**
 * The one error a settings parser throws: it names the variable (or the path inside it) at fault,
 * and its message starts with that name, so an app can pass it on unchanged as its own
 * `NOT_CONFIGURED` answer and in `GET /healthz`.
 * @module
 */

/** Why a variable was refused. */
export type SettingsErrorCode =
	/** A required variable or secret is absent or empty. */
	| "NOT_SET"
	/** The value is present but malformed or out of range. */
	| "INVALID_VALUE";

/** Options of a {@link SettingsError}. */
export interface SettingsErrorOptions {
	/** `INVALID_VALUE` unless given. */
	code?: SettingsErrorCode;
	/** The underlying error, e.g. a parser's. */
	cause?: unknown;
}

/**
 * A variable or secret the Worker cannot run with. `message` is `"<field> <problem>"`.
 * @example throw new SettingsError("MEDIA.1104241296", 'os must be "android" or "ios"');
 */
export class SettingsError extends Error {
	override name = "SettingsError" as const;
	/** Machine-readable reason. */
	readonly code: SettingsErrorCode;
	/** The variable's name, or a dotted path inside a JSON variable (`APP_KEYS.demo`). */
	readonly field: string;
	/** What is wrong, phrased to follow the name (`"must be an integer from 1 to 100"`). */
	readonly problem: string;

	/**
	 * @param field - the variable, or a path inside it
	 * @param problem - what is wrong, without the name
	 * @param options - the code and the cause
	 */
	constructor(field: string, problem: string, options?: SettingsErrorOptions) {
		super(`${field} ${problem}`, options?.cause === undefined ? undefined : { cause: options.cause });
		this.field = field;
		this.problem = problem;
		this.code = options?.code ?? "INVALID_VALUE";
	}
}

/**
 * Cross-realm guard: checks the name, code and field, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a {@link SettingsError}
 * @example if (isSettingsError(e)) return Response.json({ ok: false, field: e.field }, { status: 503 });
 */
export function isSettingsError(e: unknown): e is SettingsError {
	return (
		e instanceof Error &&
		e.name === "SettingsError" &&
		((e as { code?: unknown }).code === "NOT_SET" || (e as { code?: unknown }).code === "INVALID_VALUE") &&
		typeof (e as { field?: unknown }).field === "string"
	);
}

/**
 * Runs a settings parse and turns a {@link SettingsError} into the app's own error (anything else
 * passes through), so the app's parser throws only its own typed error.
 * @param parse - the parse to run
 * @param convert - builds the app's error, e.g. a 503 `NOT_CONFIGURED` naming `e.field`
 * @returns what `parse` returned
 * @example
 * convertSettingsError(() => readAll(raw), (e) => new RelayError(503, "NOT_CONFIGURED", e.message, { field: e.field }));
 */
export function convertSettingsError<T>(parse: () => T, convert: (e: SettingsError) => Error): T {
	try {
		return parse();
	} catch (e) {
		if (isSettingsError(e)) throw convert(e);
		throw e;
	}
}
