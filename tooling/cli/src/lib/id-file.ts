/**
 * Streaming reader for device-id files: plain text (one id per line, optionally "kind,id" or
 * "kind:id") or CSV with a header (an id column plus optional kind column, or one column per
 * kind such as imei, oaid_md5). Reads line by line, so millions of lines use constant memory.
 * @module
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { CliError } from "../errors.ts";
import { type DropReason, parseKindLabel, type ResolvedId, resolveDeviceId } from "./device-ids.ts";

/** One id found in the file, or one dropped entry, with its line number. */
export type IdRecord = { line: number } & (ResolvedId | { ok: false; reason: DropReason; detail: string });

/** How to read the file. */
export interface IdFileOptions {
	/** Kind of every id in the file when it does not say (raw kind or <kind>_md5). */
	kind?: string;
	/** OS hint for detection. */
	os?: "ios" | "android";
	/** Called with bytes read so far, for progress. */
	onBytes?: (bytes: number) => void;
}

const ID_COLUMNS = ["id", "device_id", "deviceid", "value", "hash", "md5", "muid"];
const KIND_COLUMNS = ["kind", "type", "id_type", "device_id_type"];
// A column name: letters, "_", "-" or spaces, optionally ending in md5/md5sum. Ids (hashes, IMEIs,
// UUIDs) always contain digits, so "imei_md5,b496…" is never mistaken for a header.
const HEADER_CELL = /^[a-z][a-z_ -]*(?:md5(?:sum)?)?$/;

/**
 * Splits one CSV line (RFC 4180 quoting, no embedded newlines).
 * @param line - the line
 * @returns cells, or undefined for broken quoting
 */
export function splitCsvLine(line: string): string[] | undefined {
	const cells: string[] = [];
	let i = 0;
	while (true) {
		if (line[i] === '"') {
			let cell = "";
			i++;
			while (true) {
				const q = line.indexOf('"', i);
				if (q < 0) return undefined;
				cell += line.slice(i, q);
				if (line[q + 1] === '"') {
					cell += '"';
					i = q + 2;
				} else {
					i = q + 1;
					break;
				}
			}
			cells.push(cell);
			if (i >= line.length) return cells;
			if (line[i] !== ",") return undefined;
			i++;
		} else {
			const comma = line.indexOf(",", i);
			if (comma < 0) {
				cells.push(line.slice(i));
				return cells;
			}
			cells.push(line.slice(i, comma));
			i = comma + 1;
		}
	}
}

/** What a CSV header says about the columns. */
type Layout =
	| { type: "text" }
	| { type: "id-kind"; idCol: number; kindCol: number | undefined; width: number }
	| { type: "per-kind"; columns: { index: number; label: string }[]; width: number };

/**
 * Decides from the first line whether the file is a CSV with a header.
 * @param first - first non-empty line
 * @returns the layout, or text when it is not a header
 */
export function detectLayout(first: string): Layout {
	if (!first.includes(",")) {
		const single = first.trim().toLowerCase();
		if (ID_COLUMNS.includes(single)) return { type: "id-kind", idCol: 0, kindCol: undefined, width: 1 };
		if (parseKindLabel(single) !== undefined && !/^[0-9a-f]{32}$/i.test(single) && HEADER_CELL.test(single)) {
			return { type: "per-kind", columns: [{ index: 0, label: single }], width: 1 };
		}
		return { type: "text" };
	}
	const cells = (splitCsvLine(first) ?? []).map((c) => c.trim().toLowerCase());
	// A header is made of column names only; "imei,354649050046412" is a labelled id.
	if (!cells.every((c) => HEADER_CELL.test(c))) return { type: "text" };
	const idCol = cells.findIndex((c) => ID_COLUMNS.includes(c));
	const kindCol = cells.findIndex((c) => KIND_COLUMNS.includes(c));
	if (idCol >= 0)
		return { type: "id-kind", idCol, kindCol: kindCol >= 0 ? kindCol : undefined, width: cells.length };
	const columns = cells.flatMap((label, index) =>
		parseKindLabel(label) !== undefined ? [{ index, label }] : [],
	);
	if (columns.length > 0) return { type: "per-kind", columns, width: cells.length };
	return { type: "text" };
}

function textLine(line: string, options: IdFileOptions): ResolvedId {
	// "kind,id", "kind<TAB>id" or "kind:id" when the prefix is a known kind label; else the line is the id.
	const m = /^([A-Za-z][A-Za-z0-9_-]*)[,\t:](.*)$/.exec(line);
	if (m !== null && parseKindLabel(m[1] as string) !== undefined)
		return resolveDeviceId(m[2] as string, m[1], options.os);
	return resolveDeviceId(line, options.kind, options.os);
}

/**
 * Reads ids from a file, one record per id (a per-kind CSV row can hold several).
 * @param path - file path
 * @param options - default kind, OS hint, progress callback
 * @returns records in file order
 * @throws CliError `INPUT` when the file cannot be opened
 */
export async function* readIdFile(path: string, options: IdFileOptions = {}): AsyncGenerator<IdRecord> {
	const stream = createReadStream(path);
	const opened = new Promise<void>((resolve, reject) => {
		stream.once("open", () => resolve());
		stream.once("error", reject);
	});
	try {
		await opened;
	} catch (cause) {
		throw new CliError(
			"INPUT",
			`cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
			{ cause },
		);
	}
	const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
	let layout: Layout | undefined;
	let lineNo = 0;
	let bytes = 0;
	for await (const rawLine of lines) {
		lineNo++;
		bytes += Buffer.byteLength(rawLine) + 1;
		if (lineNo % 8192 === 0) options.onBytes?.(bytes);
		const line = lineNo === 1 ? rawLine.replace(/^\uFEFF/, "") : rawLine;
		if (line.trim() === "" || line.startsWith("#")) continue;
		if (layout === undefined) {
			layout = detectLayout(line);
			if (layout.type !== "text") continue;
		}
		if (layout.type === "text") {
			yield { line: lineNo, ...textLine(line, options) };
			continue;
		}
		const cells = layout.width === 1 ? [line] : splitCsvLine(line);
		if (cells === undefined || cells.length !== layout.width) {
			yield {
				line: lineNo,
				ok: false,
				reason: "malformed",
				detail:
					cells === undefined ? "broken quoting" : `${cells.length} cells, the header has ${layout.width}`,
			};
			continue;
		}
		if (layout.type === "id-kind") {
			const kind = layout.kindCol === undefined ? options.kind : cells[layout.kindCol];
			yield { line: lineNo, ...resolveDeviceId(cells[layout.idCol] ?? "", kind, options.os) };
		} else {
			let any = false;
			for (const { index, label } of layout.columns) {
				const cell = cells[index] ?? "";
				if (cell.trim() === "") continue;
				any = true;
				yield { line: lineNo, ...resolveDeviceId(cell, label, options.os) };
			}
			if (!any) yield { line: lineNo, ok: false, reason: "empty", detail: "no id in any column" };
		}
	}
	options.onBytes?.(bytes);
}
