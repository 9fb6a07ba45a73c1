/**
 * Small SVG chart kit for the load-test report: "nice" axis ticks (1, 2, 5 × 10ⁿ), linear and
 * log scales, a plot frame with axes and grid, and escaping. Text only, no DOM, no assets, so the
 * report stays one self-contained file.
 * @module
 */

/**
 * Escapes text for SVG/HTML content and attribute values.
 * @param text - any text
 * @returns the escaped text
 */
export function esc(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The smallest 1, 2 or 5 × 10ⁿ that is ≥ `raw`.
 * @param raw - a positive step
 * @returns the nice step
 * @example niceStep(13) // 20
 */
export function niceStep(raw: number): number {
	if (!(raw > 0) || !Number.isFinite(raw)) return 1;
	const power = 10 ** Math.floor(Math.log10(raw));
	for (const m of [1, 2, 5, 10]) if (m * power >= raw * (1 - 1e-9)) return m * power;
	return 10 * power;
}

/**
 * Round ticks from 0 to at least `max`.
 * @param max - the largest value to show
 * @param count - about how many intervals
 * @returns the ticks (first 0, last ≥ max) and their step
 * @example linearTicks(63, 6).ticks // [0, 10, 20, 30, 40, 50, 60, 70]
 */
export function linearTicks(max: number, count = 5): { ticks: number[]; step: number } {
	const step = niceStep(Math.max(max, 1e-9) / count);
	const n = Math.max(1, Math.ceil(max / step - 1e-9));
	// Rounded to the step's precision, so 0.1 + 0.2 prints as 0.3.
	const digits = Math.max(0, -Math.floor(Math.log10(step)));
	return { ticks: Array.from({ length: n + 1 }, (_, i) => Number((i * step).toFixed(digits))), step };
}

/**
 * Round ticks of a log axis: 1, 2, 5 × 10ⁿ within `[min, max]`.
 * @param min - smallest value on the axis (> 0)
 * @param max - largest value on the axis
 * @returns the ticks in increasing order
 * @example logTicks(0.8, 75) // [1, 2, 5, 10, 20, 50]
 */
export function logTicks(min: number, max: number): number[] {
	const ticks: number[] = [];
	for (let e = Math.floor(Math.log10(min)) - 1; e <= Math.ceil(Math.log10(max)); e++) {
		for (const m of [1, 2, 5]) {
			const v = Number((m * 10 ** e).toPrecision(1));
			if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
		}
	}
	return ticks;
}

/**
 * A latency for an axis label: ms below 1 s ("0.5", "20"), seconds above ("2 s").
 * @param ms - milliseconds
 * @returns the label
 */
export function formatMs(ms: number): string {
	if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
	return String(Number(ms.toPrecision(3)));
}

/**
 * A count for an axis label: 1200 → "1.2k".
 * @param n - the count
 * @returns the label
 */
export function formatCount(n: number): string {
	if (n >= 1_000_000) return `${Number((n / 1_000_000).toPrecision(3))}M`;
	if (n >= 10_000) return `${Number((n / 1000).toPrecision(3))}k`;
	return String(Number(n.toPrecision(4)));
}

/** Where the plot sits inside the SVG. */
export interface Frame {
	width: number;
	height: number;
	left: number;
	right: number;
	top: number;
	bottom: number;
}

/** A value → pixel mapping. */
export type Scale = (value: number) => number;

/**
 * A linear scale.
 * @param domain - [low, high] values
 * @param range - [low, high] pixels
 * @returns the mapping
 */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
	const [d0, d1] = domain;
	const [r0, r1] = range;
	const span = d1 - d0 || 1;
	return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/**
 * A log10 scale.
 * @param domain - [low, high] values, both > 0
 * @param range - [low, high] pixels
 * @returns the mapping
 */
export function logScale(domain: [number, number], range: [number, number]): Scale {
	const inner = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
	return (v) => inner(Math.log10(v));
}

/** Pixel bounds of a frame's plot area. */
export function plotArea(f: Frame): { x0: number; x1: number; y0: number; y1: number } {
	return { x0: f.left, x1: f.width - f.right, y0: f.height - f.bottom, y1: f.top };
}

/**
 * X axis line, ticks, labels and vertical grid lines.
 * @param f - frame
 * @param x - scale
 * @param ticks - tick values
 * @param format - tick label
 * @param title - axis title
 * @returns SVG elements
 */
export function xAxis(
	f: Frame,
	x: Scale,
	ticks: number[],
	format: (v: number) => string,
	title: string,
): string {
	const { x0, x1, y0, y1 } = plotArea(f);
	const parts = [`<line class="axis" x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}"/>`];
	for (const t of ticks) {
		const px = x(t).toFixed(1);
		parts.push(
			`<line class="grid" x1="${px}" y1="${y1}" x2="${px}" y2="${y0}"/>`,
			`<text class="tick tick-x" data-value="${t}" x="${px}" y="${y0 + 15}" text-anchor="middle">${esc(format(t))}</text>`,
		);
	}
	parts.push(
		`<text class="axis-title" x="${(x0 + x1) / 2}" y="${f.height - 4}" text-anchor="middle">${esc(title)}</text>`,
	);
	return parts.join("\n");
}

/**
 * Y axis line, ticks, labels and horizontal grid lines.
 * @param f - frame
 * @param y - scale
 * @param ticks - tick values
 * @param format - tick label
 * @param title - axis title (drawn vertically)
 * @returns SVG elements
 */
export function yAxis(
	f: Frame,
	y: Scale,
	ticks: number[],
	format: (v: number) => string,
	title: string,
): string {
	const { x0, x1, y0, y1 } = plotArea(f);
	const parts = [`<line class="axis" x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}"/>`];
	for (const t of ticks) {
		const py = y(t).toFixed(1);
		parts.push(
			`<line class="grid" x1="${x0}" y1="${py}" x2="${x1}" y2="${py}"/>`,
			`<text class="tick tick-y" data-value="${t}" x="${x0 - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${esc(format(t))}</text>`,
		);
	}
	const cy = (y0 + y1) / 2;
	parts.push(
		`<text class="axis-title" x="12" y="${cy}" text-anchor="middle" transform="rotate(-90 12 ${cy})">${esc(title)}</text>`,
	);
	return parts.join("\n");
}

/**
 * A polyline through points, skipping none (gaps are drawn as straight segments).
 * @param points - [x, y] pixels
 * @param attrs - extra attributes (class, stroke…)
 * @returns an SVG polyline, or nothing for no points
 */
export function polyline(points: [number, number][], attrs: string): string {
	if (points.length === 0) return "";
	const d = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
	return `<polyline ${attrs} fill="none" points="${d}"/>`;
}

/**
 * Wraps chart content in an `<svg>` with the report's styles, so a chart also works on its own.
 * @param id - element id
 * @param f - frame (sets the viewBox)
 * @param title - accessible title
 * @param body - content
 * @returns the SVG element
 */
export function svgChart(id: string, f: Frame, title: string, body: string): string {
	return `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" class="chart" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">
<title>${esc(title)}</title>
<style>.axis{stroke:#444}.grid{stroke:#e4e7eb}.tick{fill:#555}.axis-title{fill:#333;font-weight:600}.budget{stroke:#c62828;stroke-width:1.5;stroke-dasharray:6 4}.budget-label{fill:#c62828;font-weight:600}.warmup{fill:#f1f3f5}.warmup-label{fill:#868e96}.pct{stroke:#495057;stroke-dasharray:2 3}.pct-label{fill:#495057}.timeout-mark{fill:#c62828}</style>
${body}
</svg>`;
}
