/**
 * The load-test report: an SVG latency histogram (log-spaced buckets, the timeout budget marked)
 * and a self-contained HTML page around it with the summary and verdict. No external assets.
 * @module
 */
import { BUCKET_BOUNDS_MS, type LatencySummary } from "./histogram.ts";

/** Everything the load test measured. */
export interface LoadtestResult {
	url: string;
	startedAt: string;
	targetQps: number;
	durationS: number;
	/** Seconds of ramp before the measured part. */
	warmupS: number;
	/** Requests sent during the ramp, and how many failed (not in the verdict). */
	warmup: { sent: number; failures: number };
	timeoutMs: number;
	seed: number;
	sent: number;
	ok: number;
	pings: number;
	taken: number;
	refused: number;
	timeouts: number;
	errors: number;
	errorReasons: Record<string, number>;
	achievedQps: number;
	elapsedS: number;
	latency: LatencySummary;
	/** How late requests left compared with their schedule (generator saturation). */
	sendLag: LatencySummary;
	/** The load generator's own event-loop delay (ms): stalls make answers look late. */
	clientStall: { p99: number; max: number };
	histogram: readonly number[];
	failureRate: number;
	/** The admission bar: timeouts + errors below this share (docs/rta/admission.md step 7). */
	threshold: number;
	pass: boolean;
	warnings: string[];
}

function esc(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function label(ms: number): string {
	return ms >= 1000 ? `${ms / 1000}s` : ms >= 1 ? `${ms}` : `${ms}`;
}

/**
 * Draws the latency histogram.
 * @param result - the run
 * @returns an SVG document
 */
export function renderHistogramSvg(result: LoadtestResult): string {
	const counts = result.histogram;
	// Show the occupied range only, widened to include the budget.
	const budgetIndex = BUCKET_BOUNDS_MS.findIndex((b) => b >= result.timeoutMs);
	let first = counts.findIndex((c) => c > 0);
	let last = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
	if (first < 0) {
		first = 0;
		last = 0;
	}
	first = Math.max(0, Math.min(first, budgetIndex) - 1);
	last = Math.min(counts.length - 1, Math.max(last, budgetIndex) + 1);
	const bins = counts.slice(first, last + 1);
	const width = 760;
	const height = 300;
	const left = 56;
	const bottom = 44;
	const top = 36;
	const plotW = width - left - 16;
	const plotH = height - top - bottom;
	const peak = Math.max(1, ...bins);
	const barW = plotW / bins.length;
	const parts: string[] = [];
	bins.forEach((count, i) => {
		const index = first + i;
		const h = (count / peak) * plotH;
		const over =
			index >= BUCKET_BOUNDS_MS.length ||
			(BUCKET_BOUNDS_MS[index] ?? Number.POSITIVE_INFINITY) > result.timeoutMs;
		const upper = BUCKET_BOUNDS_MS[index];
		const title =
			upper === undefined ? `> ${BUCKET_BOUNDS_MS.at(-1)} ms: ${count}` : `≤ ${upper} ms: ${count}`;
		parts.push(
			`<rect x="${(left + i * barW + 1).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${over ? "#d9534f" : "#3a7bd5"}"><title>${esc(title)}</title></rect>`,
		);
		if (i % 2 === 0 && upper !== undefined) {
			parts.push(
				`<text x="${(left + (i + 1) * barW).toFixed(1)}" y="${top + plotH + 16}" font-size="10" text-anchor="middle">${label(upper)}</text>`,
			);
		}
	});
	const budgetX = left + (budgetIndex - first + 1) * barW;
	const yTicks = [0, 0.5, 1].map(
		(f) =>
			`<text x="${left - 6}" y="${(top + plotH - f * plotH + 4).toFixed(1)}" font-size="10" text-anchor="end">${Math.round(f * peak)}</text>`,
	);
	const s = result.latency;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${left}" y="20" font-size="13" font-weight="600">RTA latency (ms, log buckets) — p50 ${s.p50.toFixed(2)} · p90 ${s.p90.toFixed(2)} · p99 ${s.p99.toFixed(2)} · max ${s.max.toFixed(2)}</text>
<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>
${yTicks.join("\n")}
${parts.join("\n")}
<line x1="${budgetX.toFixed(1)}" y1="${top}" x2="${budgetX.toFixed(1)}" y2="${top + plotH}" stroke="#d9534f" stroke-dasharray="4 3"/>
<text x="${(budgetX + 4).toFixed(1)}" y="${top + 12}" font-size="11" fill="#d9534f">timeout ${result.timeoutMs} ms</text>
<text x="${left + plotW / 2}" y="${height - 8}" font-size="11" text-anchor="middle">latency upper bound (ms); red = over the budget</text>
</svg>
`;
}

/**
 * Renders the full HTML report.
 * @param result - the run
 * @returns a self-contained HTML page
 */
export function renderHtmlReport(result: LoadtestResult): string {
	const pct = (n: number) => `${(n * 100).toFixed(3)} %`;
	const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
	const s = result.latency;
	const reasons = Object.entries(result.errorReasons)
		.map(([r, n]) => `${r}: ${n}`)
		.join(", ");
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>txad rta loadtest — ${result.pass ? "PASS" : "FAIL"}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:820px}th{text-align:left;padding-right:1.5rem;font-weight:500;color:#555}
.v{font-size:1.4rem;font-weight:700;color:${result.pass ? "#2e7d32" : "#c62828"}}td{font-variant-numeric:tabular-nums}</style></head>
<body><h1>RTA load test</h1>
<p class="v">${result.pass ? "PASS" : "FAIL"}: timeouts + errors ${pct(result.failureRate)} (admission bar &lt; ${pct(result.threshold)}, docs/rta/admission.md step 7)</p>
<table>
${row("target", result.url)}
${row("started", result.startedAt)}
${row("offered", `${result.targetQps} QPS × ${result.durationS} s, timeout ${result.timeoutMs} ms, seed ${result.seed}`)}
${row("warm-up", `${result.warmupS} s ramp, ${result.warmup.sent} requests, ${result.warmup.failures} failed (not counted)`)}
${row("achieved", `${result.achievedQps.toFixed(1)} QPS (${result.sent} requests in ${result.elapsedS.toFixed(2)} s)`)}
${row("answers", `${result.ok} ok (${result.taken} taken, ${result.refused} refused, ${result.pings} pings)`)}
${row("timeouts", `${result.timeouts} (${pct(result.sent === 0 ? 0 : result.timeouts / result.sent)})`)}
${row("errors", `${result.errors} (${pct(result.sent === 0 ? 0 : result.errors / result.sent)})${reasons === "" ? "" : ` — ${reasons}`}`)}
${row("latency ms", `min ${s.min.toFixed(2)} · mean ${s.mean.toFixed(2)} · p50 ${s.p50.toFixed(2)} · p90 ${s.p90.toFixed(2)} · p99 ${s.p99.toFixed(2)} · max ${s.max.toFixed(2)}`)}
${row("client stalls ms", `event-loop delay p99 ${result.clientStall.p99.toFixed(2)} · max ${result.clientStall.max.toFixed(2)}`)}
${row("send lag ms", `p50 ${result.sendLag.p50.toFixed(2)} · p99 ${result.sendLag.p99.toFixed(2)} · max ${result.sendLag.max.toFixed(2)}`)}
</table>
${result.warnings.map((w) => `<p>⚠ ${esc(w)}</p>`).join("\n")}
${renderHistogramSvg(result)}
</body></html>
`;
}
