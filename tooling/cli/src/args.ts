/**
 * Flag parsing shared by every command: `node:util` parseArgs in strict mode, with its errors
 * turned into {@link CliError}s that name the flag, and typed readers for numbers, URLs and lists.
 * @module
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError } from "./errors.ts";
import type { Io } from "./io.ts";

/** One `txad` sub-command. */
export interface Command {
	/** Words that select it, e.g. "rta check". */
	readonly name: string;
	/** One line for the command list. */
	readonly summary: string;
	/** Full `--help` text. */
	readonly help: string;
	/**
	 * Runs the command.
	 * @param argv - the arguments after the command words
	 * @param io - where to write
	 * @returns the exit status
	 */
	run(argv: string[], io: Io): Promise<number>;
}

/** Flag declarations, as parseArgs takes them. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/** Parsed flag values. */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Parsed command line. */
export interface ParsedFlags {
	/** Flag values by long name. */
	values: FlagValues;
	/** Positional arguments. */
	positionals: string[];
}

/**
 * Parses a command's flags strictly (unknown flags and missing values are errors).
 * @param command - the command name, for messages
 * @param argv - arguments after the command words
 * @param options - flag declarations
 * @param allowPositionals - whether positional arguments are accepted
 * @returns values and positionals
 * @throws CliError `USAGE` naming the offending flag
 */
export function parseFlags(
	command: string,
	argv: string[],
	options: FlagSpec,
	allowPositionals = false,
): ParsedFlags {
	try {
		const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
		return { values: values as FlagValues, positionals };
	} catch (cause) {
		const message = cause instanceof Error ? cause.message : String(cause);
		throw new CliError("USAGE", `${message} (see txad ${command} --help)`, { cause });
	}
}

/**
 * Reads a string flag.
 * @param values - parsed values
 * @param name - long flag name without dashes
 * @returns the value, or undefined when absent
 */
export function optionalString(values: FlagValues, name: string): string | undefined {
	const value = values[name];
	if (value === undefined) return undefined;
	if (typeof value !== "string")
		throw new CliError("USAGE", `--${name} takes a value`, { field: `--${name}` });
	return value;
}

/**
 * Reads a required string flag.
 * @param values - parsed values
 * @param name - long flag name without dashes
 * @returns the non-empty value
 * @throws CliError `USAGE` when absent or empty
 */
export function requiredString(values: FlagValues, name: string): string {
	const value = optionalString(values, name);
	if (value === undefined || value.trim() === "") {
		throw new CliError("USAGE", `--${name} is required`, { field: `--${name}` });
	}
	return value;
}

/**
 * Reads a repeatable string flag.
 * @param values - parsed values
 * @param name - long flag name (declared with `multiple: true`)
 * @returns the values in order (empty when absent)
 */
export function stringList(values: FlagValues, name: string): string[] {
	const value = values[name];
	if (value === undefined) return [];
	const list = Array.isArray(value) ? value : [value];
	return list.map((item) => {
		if (typeof item !== "string")
			throw new CliError("USAGE", `--${name} takes a value`, { field: `--${name}` });
		return item;
	});
}

/** Bounds for {@link numberFlag}. */
export interface NumberBounds {
	/** Smallest accepted value (inclusive). */
	min: number;
	/** Largest accepted value (inclusive). */
	max: number;
	/** Only whole numbers. */
	integer?: boolean;
}

/**
 * Reads a numeric flag within bounds.
 * @param values - parsed values
 * @param name - long flag name
 * @param fallback - value when absent (undefined makes the flag required)
 * @param bounds - accepted range
 * @returns the number
 * @throws CliError `USAGE` naming the flag and the accepted range
 */
export function numberFlag(
	values: FlagValues,
	name: string,
	fallback: number | undefined,
	bounds: NumberBounds,
): number {
	const raw = optionalString(values, name);
	if (raw === undefined) {
		if (fallback === undefined) throw new CliError("USAGE", `--${name} is required`, { field: `--${name}` });
		return fallback;
	}
	const value = Number(raw.trim());
	const kind = bounds.integer ? "an integer" : "a number";
	if (raw.trim() === "" || !Number.isFinite(value) || (bounds.integer && !Number.isInteger(value))) {
		throw new CliError("USAGE", `--${name} must be ${kind}, got "${raw}"`, { field: `--${name}` });
	}
	if (value < bounds.min || value > bounds.max) {
		throw new CliError("USAGE", `--${name} must be ${kind} from ${bounds.min} to ${bounds.max}, got ${raw}`, {
			field: `--${name}`,
		});
	}
	return value;
}

/**
 * Reads an http(s) URL flag.
 * @param values - parsed values
 * @param name - long flag name
 * @returns the parsed URL
 * @throws CliError `USAGE` when absent, unparsable or not http(s)
 */
export function urlFlag(values: FlagValues, name: string): URL {
	const raw = requiredString(values, name);
	let url: URL;
	try {
		url = new URL(raw);
	} catch (cause) {
		throw new CliError("USAGE", `--${name} is not a URL: "${raw}"`, { field: `--${name}`, cause });
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		throw new CliError("USAGE", `--${name} must be an http:// or https:// URL, got "${raw}"`, {
			field: `--${name}`,
		});
	}
	return url;
}

/**
 * Reads repeated `--header "Name: value"` flags.
 * @param values - parsed values
 * @param name - long flag name
 * @returns header pairs in order
 * @throws CliError `USAGE` for a header without a colon or with an empty name
 */
export function headerFlags(values: FlagValues, name = "header"): [string, string][] {
	return stringList(values, name).map((item) => {
		const colon = item.indexOf(":");
		const key = colon > 0 ? item.slice(0, colon).trim() : "";
		if (key === "" || !/^[!#$%&'*+.^`|~0-9A-Za-z-]+$/.test(key)) {
			throw new CliError("USAGE", `--${name} must look like "Name: value", got "${item}"`, {
				field: `--${name}`,
			});
		}
		return [key, item.slice(colon + 1).trim()];
	});
}

/** Whether a host name is a loopback address (what the load test may hit without --allow-remote). */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
	return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
