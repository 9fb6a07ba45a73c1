/**
 * Streaming reader for device-id files: plain text (one id per line, optionally "kind,id" or
 * "kind:id") or CSV with a header (an id column plus optional kind column, or one column per
 * kind such as imei, oaid_md5; optional `segments` and `until` columns for audience builds).
 * Reads 1 MiB chunks and hands out lines in batches, so 10^8 lines use constant memory and cost
 * no promise per line.
 * @module
 */
import { createReadStream } from "node:fs";
import { CliError } from "../errors.ts";
import { type DropReason, parseKindLabel, type ResolvedId, resolveDeviceId } from "./device-ids.ts";

/** One id cell of the file, before it is resolved, with the audience columns of its row. */
export interface IdCell {
	line: number;
	value: string;
	/** The kind the row or column gives, if any. */
	label: string | undefined;
	/** The row's `segments` cell, if the CSV has that column. */
	segments?: string;
	/** The row's `until` cell, if the CSV has that column. */
	until?: string;
}

/** A row that could not be read. */
export interface BadRow {
	line: number;
	reason: DropReason;
	detail: string;
}

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
const SEGMENT_COLUMNS = ["segments", "segment"];
const UNTIL_COLUMNS = ["until", "end", "expires"];
// A column name: letters, "_", "-" or spaces, optionally ending in md5/md5sum. Ids (hashes, IMEIs,
// UUIDs) always contain digits, so "imei_md5,b496…" is never mistaken for a header.
const HEADER_CELL = /^[a-z][a-z_ -]*(?:md5(?:sum)?)?$/;
const CHUNK_BYTES = 1 << 20;

/**
 * Whether a label names an id kind a file may use: a device-id kind label or `openid`.
 * @param label - column name or line prefix
 * @returns true when it is a kind
 */
export function isKindLabel(label: string): boolean {
	return label.trim().toLowerCase() === "openid" || parseKindLabel(label) !== undefined;
}

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

/** Audience columns of a CSV header. */
interface AudienceColumns {
	segCol: number | undefined;
	untilCol: number | undefined;
}

/** What a CSV header says about the columns. */
type Layout =
	| { type: "text" }
	| ({ type: "id-kind"; idCol: number; kindCol: number | undefined; width: number } & AudienceColumns)
	| ({ type: "per-kind"; columns: { index: number; label: string }[]; width: number } & AudienceColumns);

/**
 * Decides from the first line whether the file is a CSV with a header.
 * @param first - first non-empty line
 * @returns the layout, or text when it is not a header
 */
export function detectLayout(first: string): Layout {
	const none = { segCol: undefined, untilCol: undefined };
	if (!first.includes(",")) {
		const single = first.trim().toLowerCase();
		if (ID_COLUMNS.includes(single))
			return { type: "id-kind", idCol: 0, kindCol: undefined, width: 1, ...none };
		if (isKindLabel(single) && !/^[0-9a-f]{32}$/i.test(single) && HEADER_CELL.test(single)) {
			return { type: "per-kind", columns: [{ index: 0, label: single }], width: 1, ...none };
		}
		return { type: "text" };
	}
	const cells = (splitCsvLine(first) ?? []).map((c) => c.trim().toLowerCase());
	// A header is made of column names only; "imei,354649050046412" is a labelled id.
	if (!cells.every((c) => HEADER_CELL.test(c))) return { type: "text" };
	const find = (names: string[]) => {
		const i = cells.findIndex((c) => names.includes(c));
		return i >= 0 ? i : undefined;
	};
	const audience = { segCol: find(SEGMENT_COLUMNS), untilCol: find(UNTIL_COLUMNS) };
	const idCol = find(ID_COLUMNS);
	if (idCol !== undefined)
		return { type: "id-kind", idCol, kindCol: find(KIND_COLUMNS), width: cells.length, ...audience };
	const columns = cells.flatMap((label, index) => (isKindLabel(label) ? [{ index, label }] : []));
	if (columns.length > 0) return { type: "per-kind", columns, width: cells.length, ...audience };
	return { type: "text" };
}

const LABELLED = /^([A-Za-z][A-Za-z0-9_-]*)[,\t:](.*)$/;

function textCell(line: number, text: string, kind: string | undefined): IdCell {
	// "kind,id", "kind<TAB>id" or "kind:id" when the prefix is a known kind label; else the line is the id.
	const m = LABELLED.exec(text);
	if (m !== null && isKindLabel(m[1] as string)) return { line, value: m[2] as string, label: m[1] };
	return { line, value: text, label: kind };
}

async function* lineBatches(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<string[]> {
	const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
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
	// TextDecoder drops a leading BOM and keeps multi-byte characters split across chunks whole.
	const decoder = new TextDecoder("utf-8");
	let rest = "";
	let bytes = 0;
	for await (const chunk of stream as AsyncIterable<Uint8Array>) {
		bytes += chunk.byteLength;
		const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
		rest = lines.pop() ?? "";
		onBytes?.(bytes);
		yield lines;
	}
	const last = rest + decoder.decode();
	if (last !== "") yield [last];
	onBytes?.(bytes);
}

/**
 * Reads the id cells of a file in batches: one cell per id (a per-kind CSV row can hold several),
 * or a bad row.
 * @param path - file path
 * @param options - default kind, progress callback
 * @returns batches of cells in file order
 * @throws CliError `INPUT` when the file cannot be opened
 */
export async function* readIdCells(
	path: string,
	options: IdFileOptions = {},
): AsyncGenerator<(IdCell | BadRow)[]> {
	let layout: Layout | undefined;
	let lineNo = 0;
	for await (const lines of lineBatches(path, options.onBytes)) {
		const out: (IdCell | BadRow)[] = [];
		for (const raw of lines) {
			lineNo++;
			const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
			if (line.startsWith("#") || line.trim() === "") continue;
			if (layout === undefined) {
				layout = detectLayout(line);
				if (layout.type !== "text") continue;
			}
			if (layout.type === "text") {
				out.push(textCell(lineNo, line, options.kind));
				continue;
			}
			const cells = layout.width === 1 ? [line] : splitCsvLine(line);
			if (cells === undefined || cells.length !== layout.width) {
				out.push({
					line: lineNo,
					reason: "malformed",
					detail:
						cells === undefined ? "broken quoting" : `${cells.length} cells, the header has ${layout.width}`,
				});
				continue;
			}
			const extras: Pick<IdCell, "segments" | "until"> = {};
			if (layout.segCol !== undefined) extras.segments = cells[layout.segCol] as string;
			if (layout.untilCol !== undefined) extras.until = cells[layout.untilCol] as string;
			if (layout.type === "id-kind") {
				const kindCell = layout.kindCol === undefined ? undefined : cells[layout.kindCol];
				out.push({
					line: lineNo,
					value: cells[layout.idCol] ?? "",
					label: kindCell === undefined || kindCell.trim() === "" ? options.kind : kindCell,
					...extras,
				});
			} else {
				let any = false;
				for (const { index, label } of layout.columns) {
					const cell = cells[index] ?? "";
					if (cell.trim() === "") continue;
					any = true;
					out.push({ line: lineNo, value: cell, label, ...extras });
				}
				if (!any) out.push({ line: lineNo, reason: "empty", detail: "no id in any column" });
			}
		}
		if (out.length > 0) yield out;
	}
}

/**
 * Reads device ids from a file, one record per id, resolved with {@link resolveDeviceId}.
 * @param path - file path
 * @param options - default kind, OS hint, progress callback
 * @returns records in file order
 * @throws CliError `INPUT` when the file cannot be opened
 */
export async function* readIdFile(path: string, options: IdFileOptions = {}): AsyncGenerator<IdRecord> {
	for await (const batch of readIdCells(path, options)) {
		for (const cell of batch) {
			if ("reason" in cell) yield { line: cell.line, ok: false, reason: cell.reason, detail: cell.detail };
			else yield { line: cell.line, ...resolveDeviceId(cell.value, cell.label, options.os) };
		}
	}
}
