/**
 * Audience inputs: which files, which segments (and end times) their ids join, and every id
 * resolved to the (id type, value) a snapshot or the admin API stores. Shared by
 * `txad audience build` and `txad audience upload`.
 *
 * Segments come, most specific first, from the row's `segments` column, the file's own list
 * (`FILE=new_user,vip`), or `--segments`. A segment may carry its end (`vip@2026-12-31T00:00:00Z`
 * or epoch seconds); otherwise the row's `until` column, `--until`, or `--ttl-days` from now.
 * @module
 */
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
	type IdType,
	idTypeOfKind,
	isPlaceholderOpenid,
	isSegmentName,
	MAX_OPENID_LENGTH,
	MAX_SEGMENTS_PER_RECORD,
	MAX_UNTIL_SECONDS,
	type SegmentEntry,
} from "@txad/audience";
import { DEVICE_ID_KINDS } from "@txad/muid";
import { type FlagSpec, type FlagValues, numberFlag, optionalString } from "../args.ts";
import { CliError } from "../errors.ts";
import type { Io } from "../io.ts";
import { DROP_REASONS, type DropReason, parseKindLabel, resolveDeviceId } from "./device-ids.ts";
import { type BadRow, type IdCell, readIdCells } from "./id-file.ts";
import { bar, createProgress } from "./progress.ts";
import { formatTable } from "./table.ts";

/** Flags every audience command reads its inputs with. */
export const AUDIENCE_INPUT_FLAGS: FlagSpec = {
	kind: { type: "string" },
	os: { type: "string" },
	segments: { type: "string" },
	until: { type: "string" },
	"ttl-days": { type: "string" },
	quiet: { type: "boolean" },
};

/** Help text for {@link AUDIENCE_INPUT_FLAGS}. */
export const AUDIENCE_INPUT_HELP = `Input: FILE[=SEGMENTS]... — plain text (one id per line, raw or md5; "kind,id" or "kind:id"
lines allowed) or CSV with a header: "id,kind" (kind column optional) or one column per kind
(imei,idfa,oaid,android_id,mac,caid, <kind>_md5 for hashes, openid); optional "segments" and
"until" columns per row. Lines starting with "#" are comments.

  FILE=SEGMENTS      the segments this file's ids join (overrides --segments), e.g.
                     new_user.txt=new_user  vip.csv=vip@2026-12-31T00:00:00Z
  --segments NAMES   segments for files and rows that name none: comma-separated, each
                     optionally NAME@END (END: ISO 8601 instant or epoch seconds)
  --until END        end of every segment that has no end of its own
  --ttl-days N       the same, N days from now
  --kind KIND        kind of ids the file does not label (${DEVICE_ID_KINDS.join(", ")}, openid or
                     <kind>_md5); raw IMEIs and IDFAs are detected, 32-hex values are hashes
  --os ios|android   tells OAIDs from IDFAs when detecting
  --quiet            no progress bar

Dropped ids are counted per reason: empty, invalid_hash, non_device (placeholders such as
zeros, "null", md5 of ""), bad_segments, unknown_kind (also: a hash whose kind the file does
not say — ids are keyed by id type), bad_kind, malformed (CSV), duplicate.`;

/** One input file and the segments its lines join unless a row says otherwise. */
export interface AudienceInput {
	path: string;
	/** The file's `=SEGMENTS`, unparsed. */
	segments: string | undefined;
}

/** Counts of one run. */
export interface AudienceStats {
	/** Ids (cells) read, dropped ones included. */
	ids: number;
	/** Ids handed on. */
	kept: number;
	dropped: Record<DropReason, number>;
	/** First few drops with their line, to show what went wrong. */
	samples: string[];
}

/** What was resolved for one id. */
export interface AudienceId {
	type: IdType;
	/** Lower-case md5, or the openid. */
	value: string;
	/** Its segments and ends (shared by every id with the same spec: do not mutate). */
	entries: readonly SegmentEntry[];
	/** Identifies `entries`: ids with the same spec key have the same segments. */
	spec: string;
}

/** Parsed default segment settings. */
interface Defaults {
	segments: string | undefined;
	until: number;
	nowSeconds: number;
}

/**
 * Parses an end time: ISO 8601 instant or epoch seconds.
 * @param text - the value
 * @param nowSeconds - for the "in the past" check
 * @returns epoch seconds
 * @throws Error with a message naming what is wrong
 */
export function parseEnd(text: string, nowSeconds: number): number {
	const t = text.trim();
	const seconds = /^\d+$/.test(t) ? Number(t) : Math.floor(Date.parse(t) / 1000);
	if (!Number.isFinite(seconds) || seconds <= 0)
		throw new Error(`"${text}" is not an ISO 8601 instant or epoch seconds`);
	if (seconds > MAX_UNTIL_SECONDS) throw new Error(`"${text}" is after 9999-12-31`);
	if (seconds <= nowSeconds) throw new Error(`"${text}" is in the past`);
	return seconds;
}

/**
 * Parses a segment list: names separated by `,` `|` `;` or spaces, each optionally `NAME@END`.
 * @param text - the list
 * @param defaultUntil - end of names without their own (0 = open-ended)
 * @param nowSeconds - for end checks
 * @returns the entries
 * @throws Error naming the bad name or end
 */
export function parseSegmentList(text: string, defaultUntil: number, nowSeconds: number): SegmentEntry[] {
	const items = text
		.split(/[,|;\s]+/)
		.map((t) => t.trim())
		.filter((t) => t !== "");
	if (items.length === 0) throw new Error("no segment names");
	const out: SegmentEntry[] = [];
	for (const item of items) {
		const at = item.indexOf("@");
		const name = at < 0 ? item : item.slice(0, at);
		if (!isSegmentName(name))
			throw new Error(`"${name}" is not a segment name (1–64 of A-Z a-z 0-9 _ . : -)`);
		const end = at < 0 ? defaultUntil : parseEnd(item.slice(at + 1), nowSeconds);
		const i = out.findIndex(([n]) => n === name);
		if (i >= 0) out.splice(i, 1);
		out.push([name, end]);
	}
	if (out.length > MAX_SEGMENTS_PER_RECORD) throw new Error(`at most ${MAX_SEGMENTS_PER_RECORD} segments`);
	return out;
}

/**
 * Splits `FILE=SEGMENTS` positionals (a path that exists as given is never split).
 * @param positionals - command-line positionals
 * @param cwd - where relative paths resolve
 * @returns the inputs
 * @throws CliError `USAGE` when none is given
 */
export function parseInputs(positionals: readonly string[], cwd: string): AudienceInput[] {
	if (positionals.length === 0) throw new CliError("USAGE", "give at least one input file");
	return positionals.map((arg) => {
		const eq = arg.indexOf("=");
		if (eq <= 0 || existsSync(resolve(cwd, arg))) return { path: arg, segments: undefined };
		return { path: arg.slice(0, eq), segments: arg.slice(eq + 1) };
	});
}

function readDefaults(values: FlagValues, nowSeconds: number): Defaults {
	const untilText = optionalString(values, "until");
	const ttl = optionalString(values, "ttl-days");
	if (untilText !== undefined && ttl !== undefined)
		throw new CliError("USAGE", "give --until or --ttl-days, not both", { field: "--until" });
	let until = 0;
	if (untilText !== undefined) {
		try {
			until = parseEnd(untilText, nowSeconds);
		} catch (e) {
			throw new CliError("USAGE", `--until: ${(e as Error).message}`, { field: "--until" });
		}
	} else if (ttl !== undefined)
		until =
			nowSeconds + numberFlag(values, "ttl-days", undefined, { min: 1, max: 3650, integer: true }) * 86_400;
	return { segments: optionalString(values, "segments"), until, nowSeconds };
}

/**
 * Resolves one id cell to what is stored.
 * @param cell - the cell
 * @param os - OS hint
 * @returns type and value, or why it is dropped
 */
export function resolveAudienceId(
	cell: IdCell,
	os: "ios" | "android" | undefined,
): { ok: true; type: IdType; value: string } | { ok: false; reason: DropReason; detail: string } {
	if (cell.label !== undefined && cell.label.trim().toLowerCase() === "openid") {
		const v = cell.value.trim();
		if (v === "") return { ok: false, reason: "empty", detail: "empty openid" };
		if (v.length > MAX_OPENID_LENGTH)
			return { ok: false, reason: "malformed", detail: `openid longer than ${MAX_OPENID_LENGTH} characters` };
		if (isPlaceholderOpenid(v)) return { ok: false, reason: "non_device", detail: `"${v}" is a placeholder` };
		return { ok: true, type: "openid", value: v };
	}
	const r = resolveDeviceId(cell.value, cell.label, os);
	if (!r.ok) return r;
	if (r.id.kind === "unknown")
		return {
			ok: false,
			reason: "unknown_kind",
			detail: "a hash without its kind; add a kind column or pass --kind imei_md5 (or oaid_md5, …)",
		};
	return { ok: true, type: idTypeOfKind(r.id.kind), value: r.id.hash };
}

/**
 * Reads every input, calling `emit` for each kept id in file order.
 * @param inputs - files and their segments
 * @param values - parsed flags (kind, os, segments, until, ttl-days, quiet)
 * @param io - console
 * @param emit - receives each id; may apply back-pressure by returning a promise
 * @returns the counts
 * @throws CliError `USAGE` / `INPUT` for bad flags, unreadable files or files without segments
 */
export async function readAudienceInputs(
	inputs: readonly AudienceInput[],
	values: FlagValues,
	io: Io,
	emit: (id: AudienceId) => void | Promise<void>,
): Promise<AudienceStats> {
	const kind = optionalString(values, "kind");
	if (kind !== undefined && kind.toLowerCase() !== "openid" && parseKindLabel(kind) === undefined)
		throw new CliError(
			"USAGE",
			`--kind must be one of ${DEVICE_ID_KINDS.join(", ")}, openid or <kind>_md5, got "${kind}"`,
			{ field: "--kind" },
		);
	const os = optionalString(values, "os");
	if (os !== undefined && os !== "ios" && os !== "android")
		throw new CliError("USAGE", `--os must be ios or android, got "${os}"`, { field: "--os" });
	const defaults = readDefaults(values, Math.floor(Date.now() / 1000));
	// Check every list given on the command line before reading a line.
	const fileEntries: (SegmentEntry[] | undefined)[] = inputs.map((input) => {
		const text = input.segments ?? defaults.segments;
		if (text === undefined) return undefined;
		try {
			return parseSegmentList(text, defaults.until, defaults.nowSeconds);
		} catch (e) {
			const field = input.segments === undefined ? "--segments" : input.path;
			throw new CliError("USAGE", `${field}: ${(e as Error).message}`, { field });
		}
	});
	const sizes: number[] = [];
	for (const input of inputs) {
		try {
			sizes.push((await stat(resolve(io.cwd, input.path))).size);
		} catch (cause) {
			throw new CliError(
				"INPUT",
				`cannot read ${input.path}: ${cause instanceof Error ? cause.message : String(cause)}`,
				{ cause },
			);
		}
	}
	const totalBytes = sizes.reduce((a, b) => a + b, 0);
	const progress = createProgress(io, {
		quiet: values.quiet === true,
		intervalMs: io.errIsTty ? 150 : 10_000,
	});
	const stats: AudienceStats = {
		ids: 0,
		kept: 0,
		dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
		samples: [],
	};
	const drop = (file: string, line: number, reason: DropReason, detail: string) => {
		stats.dropped[reason]++;
		if (stats.samples.length < 10) stats.samples.push(`${file}:${line}: ${reason}: ${detail}`);
	};
	// Rows repeat the same few segment cells: parse each distinct one once.
	const specs = new Map<string, { entries: SegmentEntry[] } | { error: string }>();
	let doneBytes = 0;
	const show = (fileBytes: number) => {
		const f = totalBytes === 0 ? 1 : (doneBytes + fileBytes) / totalBytes;
		const dropped = stats.ids - stats.kept;
		return `${bar(f)} ${(f * 100).toFixed(0).padStart(3)} %  ${stats.ids} ids, ${stats.kept} kept, ${dropped} dropped`;
	};
	for (const [index, input] of inputs.entries()) {
		const fileSpec = fileEntries[index];
		const fileSpecKey = `${index}`;
		for await (const batch of readIdCells(resolve(io.cwd, input.path), {
			...(kind === undefined ? {} : { kind }),
			onBytes: (b) => progress.update(show(b)),
		})) {
			for (const cell of batch as (IdCell | BadRow)[]) {
				stats.ids++;
				if ("reason" in cell) {
					drop(input.path, cell.line, cell.reason, cell.detail);
					continue;
				}
				const id = resolveAudienceId(cell, os);
				if (!id.ok) {
					drop(input.path, cell.line, id.reason, id.detail);
					continue;
				}
				let entries: readonly SegmentEntry[] | undefined = fileSpec;
				let spec = fileSpecKey;
				const rowSegments = cell.segments?.trim() ? cell.segments : undefined;
				const rowUntil = cell.until?.trim() ? cell.until : undefined;
				if (rowSegments !== undefined || rowUntil !== undefined) {
					spec = `${index}\u0000${rowSegments ?? ""}\u0000${rowUntil ?? ""}`;
					let parsed = specs.get(spec);
					if (parsed === undefined) {
						try {
							const until = rowUntil === undefined ? defaults.until : parseEnd(rowUntil, defaults.nowSeconds);
							const text = rowSegments ?? input.segments ?? defaults.segments;
							if (text === undefined)
								throw new Error("no segments (give a segments column, FILE=SEGMENTS or --segments)");
							parsed = { entries: parseSegmentList(text, until, defaults.nowSeconds) };
						} catch (e) {
							parsed = { error: (e as Error).message };
						}
						if (specs.size < 100_000) specs.set(spec, parsed);
					}
					if ("error" in parsed) {
						drop(input.path, cell.line, "bad_segments", parsed.error);
						continue;
					}
					entries = parsed.entries;
				}
				if (entries === undefined)
					throw new CliError(
						"USAGE",
						`${input.path}: no segments for its ids: give --segments, ${input.path}=SEGMENTS or a segments column`,
						{ field: "--segments" },
					);
				stats.kept++;
				const pending = emit({ type: id.type, value: id.value, entries, spec });
				if (pending !== undefined) await pending;
			}
		}
		doneBytes += sizes[index] ?? 0;
	}
	progress.done(show(0));
	return stats;
}

/**
 * Formats the counts.
 * @param stats - counts
 * @param what - what happened to kept ids ("added to the snapshot")
 * @returns text
 */
export function formatAudienceStats(stats: AudienceStats, what: string): string {
	const rows = DROP_REASONS.filter((r) => stats.dropped[r] > 0).map((r) => [r, String(stats.dropped[r])]);
	const droppedTotal = DROP_REASONS.reduce((n, r) => n + stats.dropped[r], 0);
	return [
		`ids read      ${stats.ids}`,
		`kept          ${stats.kept} ${what}`,
		`dropped       ${droppedTotal}`,
		...(rows.length > 0 ? ["", formatTable(["reason", "count"], rows, [1]).trimEnd()] : []),
		...(stats.samples.length > 0 ? ["", "first drops:", ...stats.samples.map((s) => `  ${s}`)] : []),
		"",
	].join("\n");
}

/**
 * The same counts as {@link formatAudienceStats}, for `--json`.
 * @param stats - what was read
 * @returns `{ ids, kept, dropped: { reason: n } (non-zero only), drop_samples }`
 */
export function audienceStatsJson(stats: AudienceStats): {
	ids: number;
	kept: number;
	dropped: Partial<Record<DropReason, number>>;
	drop_samples: string[];
} {
	const dropped: Partial<Record<DropReason, number>> = {};
	for (const r of DROP_REASONS) if (stats.dropped[r] > 0) dropped[r] = stats.dropped[r];
	return { ids: stats.ids, kept: stats.kept, dropped, drop_samples: stats.samples };
}
