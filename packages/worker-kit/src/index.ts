/**
 * `@txad/worker-kit`: one way per concern across the txad Workers — the JSON HTTP error, the
 * byte-counting body reader, the JSON-lines logger with its secret registry, and the env-var
 * readers and per-isolate memo every settings parser is built from.
 * @module
 */
export {
	type BodyRead,
	type BodySource,
	type JsonRead,
	readBodyLimited,
	readBytesWithin,
	readJsonWithin,
	readTextWithin,
	type TextRead,
} from "./body.ts";
export {
	type EnvVars,
	type IntRange,
	type JsonObjectOptions,
	readBool,
	readInt,
	readJsonObject,
	readOneOf,
	readRate,
	readSecret,
	readText,
	readUrl,
} from "./env-vars.ts";
export {
	isJsonHttpErrorNamed,
	JsonHttpError,
	type JsonHttpErrorOptions,
	renderThrown,
} from "./http-error.ts";
export { describeError, LOG_LEVELS, type LogLevel, log, logUnhandled, setMinLogLevel } from "./log.ts";
export { REDACTED, redact, registerSecret } from "./redact.ts";
export {
	convertSettingsError,
	isSettingsError,
	SettingsError,
	type SettingsErrorCode,
	type SettingsErrorOptions,
} from "./settings-error.ts";
export { memoizeSettings } from "./settings-memo.ts";
