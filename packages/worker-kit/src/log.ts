/**
 * The one logger: one JSON object per line (`{"level","event",…}`), so Workers Logs can filter
 * on fields. Every string that goes out passes through {@link redact}. Lines below the isolate's
 * minimum level ({@link setMinLogLevel}, `"info"` by default) are dropped before they are built.
 * @module
 */
import { redact } from "./redact.ts";

/** The levels, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** A log level; each maps onto its console method (`info` onto `console.log`). */
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };
let minRank = RANK.info;

/**
 * Sets the least severe level this isolate writes, e.g. `"warn"` for a quiet dev log or
 * `"debug"` while investigating. Applies to every later {@link log} call in the isolate.
 * @param level - the minimum level
 * @example setMinLogLevel(readOneOf(env, "LOG_LEVEL", LOG_LEVELS, "info"));
 */
export function setMinLogLevel(level: LogLevel): void {
	minRank = RANK[level];
}

/**
 * Writes one JSON line, unless `level` is below the isolate's minimum.
 * @param level - severity
 * @param event - a stable snake_case name to filter on, e.g. `delivery_step_failed`
 * @param fields - more members, JSON-safe; every string in them is redacted
 * @example log("warn", "lease_lost", { conversion_id: id });
 */
export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
	if (RANK[level] < minRank) return;
	const line = JSON.stringify({ level, event, ...fields }, (_key, value) =>
		typeof value === "string" ? redact(value) : value,
	);
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else if (level === "debug") console.debug(line);
	else console.log(line);
}

/**
 * A short, redacted description of something thrown, for a log field or a stored reason.
 * @param e - what was caught
 * @returns `Name: message` (or the value as text), at most 300 characters
 * @example log("error", "click_insert_failed", { error: describeError(e) });
 */
export function describeError(e: unknown): string {
	const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
	return redact(text).slice(0, 300);
}

/**
 * Logs something nobody handled as `unhandled_error`, with its redacted description and stack.
 * @param e - what was thrown
 * @param fields - more members, e.g. the task id the caller was given
 * @example logUnhandled(e, { taskid });
 */
export function logUnhandled(e: unknown, fields: Record<string, unknown> = {}): void {
	log("error", "unhandled_error", {
		...fields,
		error: describeError(e),
		stack: e instanceof Error && e.stack !== undefined ? e.stack : null,
	});
}
