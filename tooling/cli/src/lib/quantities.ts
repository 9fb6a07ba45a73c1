/**
 * Parsers for the quantities people write in Tencent's forms: amounts like "20W" / "20万" /
 * "200k" and durations like "1小时" / "2h" / "3600s". Each returns a value or a reason, never throws.
 * @module
 */

/** A parse result. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

// Chinese forms write ten-thousands as 万 or W ("20W" = 200 000, docs/rta/admission.md QPS/spend
// examples).
const AMOUNT_UNITS: Record<string, number> = { "": 1, k: 1e3, w: 1e4, 万: 1e4, 千: 1e3, m: 1e6, 亿: 1e8 };

/**
 * Parses a non-negative amount: a number, or digits with an optional unit k / W / 万 / 千 / M / 亿
 * and an optional trailing 元 or "/天" ("20W", "20万元/天", "200,000", 200000).
 * @param input - the form value
 * @returns the amount in base units
 * @example parseAmount("20W") // { ok: true, value: 200000 }
 */
export function parseAmount(input: unknown): Parsed<number> {
	if (typeof input === "number") {
		return Number.isFinite(input) && input >= 0
			? { ok: true, value: input }
			: { ok: false, reason: `must be a non-negative number, got ${input}` };
	}
	if (typeof input !== "string") return { ok: false, reason: 'must be a number or text like "20W"' };
	const text = input
		.trim()
		.replace(/[,，_\s]/g, "")
		.replace(/(?:元|rmb|cny|qps)?(?:\/(?:天|day|d))?$/i, "");
	const match = /^(\d+(?:\.\d+)?)(k|w|万|千|m|亿)?$/i.exec(text);
	if (match === null)
		return { ok: false, reason: `"${input}" is not an amount (write e.g. 200000, "20W" or "20万")` };
	const unit = AMOUNT_UNITS[(match[2] ?? "").toLowerCase()] ?? 1;
	return { ok: true, value: Math.round(Number(match[1]) * unit * 100) / 100 };
}

// Duration units in seconds; a bare number means hours, the unit the form uses (RTA admission
// guide 缓存时间).
const DURATION_UNITS: Record<string, number> = {
	s: 1,
	sec: 1,
	secs: 1,
	second: 1,
	seconds: 1,
	秒: 1,
	m: 60,
	min: 60,
	mins: 60,
	minute: 60,
	minutes: 60,
	分钟: 60,
	分: 60,
	h: 3600,
	hr: 3600,
	hrs: 3600,
	hour: 3600,
	hours: 3600,
	小时: 3600,
	个小时: 3600,
	时: 3600,
	d: 86400,
	day: 86400,
	days: 86400,
	天: 86400,
};

/**
 * Parses a duration into seconds. Numbers and unit-less text are hours; units: s/秒, min/分钟,
 * h/小时, d/天 ("1小时", "2h", "3600s", "1.5 hours", 24).
 * @param input - the form value
 * @returns seconds
 * @example parseDurationSeconds("1小时") // { ok: true, value: 3600 }
 */
export function parseDurationSeconds(input: unknown): Parsed<number> {
	if (typeof input === "number") {
		return Number.isFinite(input) && input > 0
			? { ok: true, value: Math.round(input * 3600) }
			: { ok: false, reason: `must be a positive number of hours, got ${input}` };
	}
	if (typeof input !== "string")
		return { ok: false, reason: 'must be a duration like "1小时", "2h" or "3600s"' };
	const match = /^(\d+(?:\.\d+)?)\s*([a-z\u4e00-\u9fff]*)$/i.exec(input.trim());
	const unit = match === null ? undefined : DURATION_UNITS[(match[2] ?? "").toLowerCase() || "h"];
	if (match === null || unit === undefined) {
		return {
			ok: false,
			reason: `"${input}" is not a duration (write e.g. "1小时", "2h", "3600s" or a number of hours)`,
		};
	}
	return { ok: true, value: Math.round(Number(match[1]) * unit) };
}

/**
 * Formats a number with a thousands separator, e.g. 200000 → "200,000".
 * @param value - the number
 * @returns text
 */
export function groupDigits(value: number): string {
	return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}
