/**
 * Plain-text tables for terminal output (width by code points, CJK counted double).
 * @module
 */

/** Display width of a string: East Asian wide characters take two columns. */
export function displayWidth(text: string): number {
	let width = 0;
	for (const ch of text) {
		const cp = ch.codePointAt(0) ?? 0;
		width +=
			(cp >= 0x1100 && cp <= 0x115f) ||
			(cp >= 0x2e80 && cp <= 0xa4cf) ||
			(cp >= 0xac00 && cp <= 0xd7a3) ||
			(cp >= 0xf900 && cp <= 0xfaff) ||
			(cp >= 0xfe30 && cp <= 0xfe4f) ||
			(cp >= 0xff00 && cp <= 0xff60) ||
			(cp >= 0xffe0 && cp <= 0xffe6)
				? 2
				: 1;
	}
	return width;
}

function pad(text: string, width: number, right: boolean): string {
	const fill = " ".repeat(Math.max(0, width - displayWidth(text)));
	return right ? fill + text : text + fill;
}

/**
 * Formats rows as an aligned table with a header rule.
 * @param header - column titles
 * @param rows - cells (stringified by the caller)
 * @param rightAligned - indexes of numeric columns
 * @returns the table, one line per row, ending with a newline
 * @example formatTable(["id", "ms"], [["a", "1.2"]], [1])
 */
export function formatTable(header: string[], rows: string[][], rightAligned: number[] = []): string {
	const widths = header.map((h, i) =>
		Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))),
	);
	const line = (cells: string[]) =>
		cells
			.map((cell, i) => pad(cell, widths[i] ?? 0, rightAligned.includes(i)))
			.join("  ")
			.trimEnd();
	return `${[line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")}\n`;
}
