/**
 * The gateway's one logger: one JSON object per line on the console, which Workers observability
 * collects. Secrets, app keys and device identifiers are never passed in.
 * @module
 */

/**
 * Writes one event.
 * @param event - a stable snake_case name, e.g. "upstream_error"
 * @param fields - flat, JSON-safe details
 * @param level - "info" (console.log), "warn" or "error"
 */
export function logEvent(
	event: string,
	fields: Record<string, unknown> = {},
	level: "info" | "warn" | "error" = "info",
): void {
	const line = JSON.stringify({ event, ...fields });
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else console.log(line);
}
