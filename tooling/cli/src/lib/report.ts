/**
 * The load-test report, one self-contained HTML file (inline CSS and SVG, no script, no network),
 * laid out like the reports of k6 and Gatling: the verdict against the admission bar on top, then
 * the warnings about the generator and the machine, summary figures, and charts per second —
 * throughput, p50/p90/p99 latency with the budget line and the seconds that timed out, outcomes
 * (RTA codes, timeouts, errors) — and the latency histogram on a log axis with round ticks and the
 * budget line exactly at the budget. `--report x.svg` writes the histogram alone.
 * @module
 */
import { BINS_PER_DECADE, binEdge, type LatencyBins, type LatencySummary } from "./histogram.ts";
import {
	esc,
	type Frame,
	formatCount,
	formatMs,
	linearScale,
	linearTicks,
	logScale,
	logTicks,
	plotArea,
	polyline,
	svgChart,
	xAxis,
	yAxis,
} from "./svg-chart.ts";
import type { OutcomeKind, SecondRow } from "./timeline.ts";

/** One second of the run, with what the schedule offered in it. */
export interface TimelineRow extends SecondRow {
	/** Requests the open-loop schedule planned for this second. */
	offered: number;
}

/** The machine the generator ran on (a loaded machine slows target and generator alike). */
export interface MachineInfo {
	cpus: number;
	cpuModel: string;
	/** 1, 5 and 15 minute load averages when the run started and ended. */
	loadAvgStart: number[];
	loadAvgEnd: number[];
	node: string;
	platform: string;
}

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
	/** Latency histogram of the measured requests, anchored at the budget. */
	bins: LatencyBins;
	/** Per second, warm-up included. */
	timeline: TimelineRow[];
	/** Outcome labels of the timeline, in first-seen order. */
	outcomeLabels: { label: string; kind: OutcomeKind }[];
	machine: MachineInfo;
	failureRate: number;
	/** The admission bar: timeouts + errors below this share (docs/rta/admission.md step 7). */
	threshold: number;
	pass: boolean;
	warnings: string[];
}

const PALETTE: Record<OutcomeKind, string[]> = {
	taken: ["#2f9e44", "#69db7c", "#2b8a3e"],
	refused: ["#4c6ef5", "#91a7ff", "#364fc7", "#748ffc", "#bac8ff", "#5c7cfa"],
	ping: ["#ae3ec9", "#e599f7"],
	timeout: ["#e03131"],
	error: ["#e8590c", "#a61e4d", "#f08c00", "#862e9c"],
};

/** A colour per outcome label, by kind, in first-seen order. */
export function outcomeColours(labels: { label: string; kind: OutcomeKind }[]): Map<string, string> {
	const used: Record<OutcomeKind, number> = { taken: 0, refused: 0, ping: 0, timeout: 0, error: 0 };
	const colours = new Map<string, string>();
	for (const { label, kind } of labels) {
		const list = PALETTE[kind];
		colours.set(label, list[used[kind]++ % list.length] as string);
	}
	return colours;
}

const TIME_FRAME: Frame = { width: 960, height: 260, left: 64, right: 24, top: 44, bottom: 40 };
const pct = (n: number) => `${(n * 100).toFixed(3)} %`;

/** The x scale and ticks every time chart shares, so the charts line up. */
function timeAxis(result: LoadtestResult) {
	const seconds = Math.max(1, result.timeline.length);
	const { x0, x1 } = plotArea(TIME_FRAME);
	const x = linearScale([0, seconds], [x0, x1]);
	const ticks = linearTicks(seconds, 10).ticks.filter((t) => t <= seconds);
	return { x, ticks, seconds, slot: (x1 - x0) / seconds };
}

function warmupShade(result: LoadtestResult, x: (v: number) => number): string {
	if (result.warmupS <= 0) return "";
	const { y0, y1 } = plotArea(TIME_FRAME);
	const end = Math.min(result.warmupS, Math.max(1, result.timeline.length));
	return `<rect class="warmup" x="${x(0).toFixed(1)}" y="${y1}" width="${(x(end) - x(0)).toFixed(1)}" height="${y0 - y1}"><title>warm-up ramp: sent, not counted in the verdict</title></rect>
<text class="warmup-label" x="${(x(0) + 4).toFixed(1)}" y="${y1 + 12}">warm-up (not counted)</text>`;
}

function legend(items: { label: string; colour: string; dashed?: boolean }[], y: number, x0: number): string {
	let x = x0;
	return items
		.map(({ label, colour, dashed }) => {
			const part = `<g class="legend-item"><line x1="${x}" y1="${y - 4}" x2="${x + 16}" y2="${y - 4}" stroke="${colour}" stroke-width="3"${dashed ? ' stroke-dasharray="4 3"' : ""}/><text x="${x + 20}" y="${y}">${esc(label)}</text></g>`;
			x += 28 + label.length * 6.2;
			return part;
		})
		.join("");
}

/**
 * Requests per second: what the schedule offered, what was sent, what was answered in time.
 * @param result - the run
 * @returns an SVG element (#chart-throughput)
 */
export function renderThroughputChart(result: LoadtestResult): string {
	const { x, ticks, slot } = timeAxis(result);
	const rows = result.timeline;
	const peak = Math.max(1, ...rows.map((r) => Math.max(r.offered, r.sent)));
	const yt = linearTicks(peak * 1.05, 5);
	const { y0, y1 } = plotArea(TIME_FRAME);
	const y = linearScale([0, yt.ticks.at(-1) as number], [y0, y1]);
	const mid = (r: TimelineRow) => x(r.t) + slot / 2;
	const series = (pick: (r: TimelineRow) => number) =>
		rows.map((r): [number, number] => [mid(r), y(pick(r))]);
	const body = [
		warmupShade(result, x),
		xAxis(TIME_FRAME, x, ticks, String, "seconds since start"),
		yAxis(TIME_FRAME, y, yt.ticks, formatCount, "requests / s"),
		polyline(
			series((r) => r.offered),
			'class="series series-offered" stroke="#adb5bd" stroke-width="2" stroke-dasharray="5 4"',
		),
		polyline(
			series((r) => r.sent),
			'class="series series-sent" stroke="#1c7ed6" stroke-width="2"',
		),
		polyline(
			series((r) => r.ok),
			'class="series series-ok" stroke="#2f9e44" stroke-width="2"',
		),
		...rows.map(
			(r) =>
				`<rect x="${x(r.t).toFixed(1)}" y="${y1}" width="${slot.toFixed(1)}" height="${y0 - y1}" fill="transparent"><title>${esc(`second ${r.t}: offered ${r.offered}, sent ${r.sent}, answered in time ${r.ok}`)}</title></rect>`,
		),
		legend(
			[
				{ label: "offered (schedule)", colour: "#adb5bd", dashed: true },
				{ label: "sent", colour: "#1c7ed6" },
				{ label: "answered within the budget", colour: "#2f9e44" },
			],
			14,
			TIME_FRAME.left,
		),
	].join("\n");
	return svgChart("chart-throughput", TIME_FRAME, "Throughput per second", body);
}

/**
 * p50 / p90 / p99 latency per second with the budget line; seconds with timeouts or errors are
 * banded in red and marked with their count.
 * @param result - the run
 * @returns an SVG element (#chart-latency)
 */
export function renderLatencyChart(result: LoadtestResult): string {
	const { x, ticks, slot } = timeAxis(result);
	const rows = result.timeline.filter((r) => r.sent > 0);
	const top = Math.max(result.timeoutMs * 1.15, ...rows.map((r) => r.p99));
	const yt = linearTicks(top, 6);
	const { y0, y1 } = plotArea(TIME_FRAME);
	const y = linearScale([0, yt.ticks.at(-1) as number], [y0, y1]);
	const mid = (r: TimelineRow) => x(r.t) + slot / 2;
	const line = (pick: (r: TimelineRow) => number, cls: string, colour: string) =>
		polyline(
			rows.map((r): [number, number] => [mid(r), y(pick(r))]),
			`class="series ${cls}" stroke="${colour}" stroke-width="2"`,
		);
	const failed = rows.filter((r) => r.timeouts + r.errors > 0);
	// A second at or over the bar on its own gets a filled marker, one under it an outlined one.
	const marks = failed.map((r) => {
		const cx = mid(r);
		const overBar = (r.timeouts + r.errors) / r.sent >= result.threshold;
		const what = [r.timeouts > 0 ? `${r.timeouts} timeouts` : "", r.errors > 0 ? `${r.errors} errors` : ""]
			.filter(Boolean)
			.join(", ");
		return `<g class="timeout-mark${overBar ? " over-bar" : ""}" data-second="${r.t}" data-timeouts="${r.timeouts}" data-errors="${r.errors}"><path${overBar ? "" : ' fill="#fff" stroke="#c62828"'} d="M${(cx - 5).toFixed(1)},${y1 - 12} L${(cx + 5).toFixed(1)},${y1 - 12} L${cx.toFixed(1)},${y1 - 3} Z"/><text x="${cx.toFixed(1)}" y="${y1 - 15}" text-anchor="middle" font-size="10">${r.timeouts + r.errors}</text><title>${esc(`second ${r.t}: ${what} of ${r.sent} sent${r.warmup ? " (warm-up, not counted)" : ""}`)}</title></g>`;
	});
	const budgetY = y(result.timeoutMs).toFixed(1);
	const { x0, x1 } = plotArea(TIME_FRAME);
	const body = [
		warmupShade(result, x),
		xAxis(TIME_FRAME, x, ticks, String, "seconds since start"),
		yAxis(TIME_FRAME, y, yt.ticks, formatMs, "latency (ms)"),
		`<line class="budget" data-ms="${result.timeoutMs}" x1="${x0}" y1="${budgetY}" x2="${x1}" y2="${budgetY}"/>`,
		`<text class="budget-label" x="${x1 - 4}" y="${Number(budgetY) - 5}" text-anchor="end">budget ${result.timeoutMs} ms</text>`,
		line((r) => r.p50, "series-p50", "#2f9e44"),
		line((r) => r.p90, "series-p90", "#f08c00"),
		line((r) => r.p99, "series-p99", "#c2255c"),
		...marks,
		...rows.map(
			(r) =>
				`<rect x="${x(r.t).toFixed(1)}" y="${y1}" width="${slot.toFixed(1)}" height="${y0 - y1}" fill="transparent"><title>${esc(`second ${r.t}: p50 ${r.p50.toFixed(2)} · p90 ${r.p90.toFixed(2)} · p99 ${r.p99.toFixed(2)} · max ${r.max.toFixed(2)} ms`)}</title></rect>`,
		),
		legend(
			[
				{ label: "p50", colour: "#2f9e44" },
				{ label: "p90", colour: "#f08c00" },
				{ label: "p99", colour: "#c2255c" },
				{ label: "▼ timeouts + errors sent in that second (filled: ≥ the bar)", colour: "#e03131" },
			],
			14,
			TIME_FRAME.left,
		),
	].join("\n");
	return svgChart("chart-latency", TIME_FRAME, "Latency per second (p50, p90, p99)", body);
}

/**
 * Outcomes per second, stacked: each RTA `code` seen, timeouts and each error reason.
 * @param result - the run
 * @returns an SVG element (#chart-codes)
 */
export function renderCodesChart(result: LoadtestResult): string {
	const { x, ticks, slot } = timeAxis(result);
	const rows = result.timeline;
	const colours = outcomeColours(result.outcomeLabels);
	const yt = linearTicks(Math.max(1, ...rows.map((r) => r.sent)) * 1.05, 5);
	const { y0, y1 } = plotArea(TIME_FRAME);
	const y = linearScale([0, yt.ticks.at(-1) as number], [y0, y1]);
	const bars: string[] = [];
	for (const r of rows) {
		let base = 0;
		for (const { label } of result.outcomeLabels) {
			const n = r.outcomes[label] ?? 0;
			if (n === 0) continue;
			bars.push(
				`<rect class="code-bar" data-label="${esc(label)}" data-second="${r.t}" x="${(x(r.t) + slot * 0.1).toFixed(1)}" y="${y(base + n).toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${(y(base) - y(base + n)).toFixed(1)}" fill="${colours.get(label)}"><title>${esc(`second ${r.t}: ${label} ${n}`)}</title></rect>`,
			);
			base += n;
		}
	}
	const totals = new Map<string, number>();
	for (const r of rows)
		for (const [label, n] of Object.entries(r.outcomes)) totals.set(label, (totals.get(label) ?? 0) + n);
	const body = [
		warmupShade(result, x),
		xAxis(TIME_FRAME, x, ticks, String, "seconds since start"),
		yAxis(TIME_FRAME, y, yt.ticks, formatCount, "requests / s"),
		...bars,
		legend(
			result.outcomeLabels.map(({ label }) => ({
				label: `${label} (${totals.get(label) ?? 0})`,
				colour: colours.get(label) as string,
			})),
			14,
			TIME_FRAME.left,
		),
	].join("\n");
	return svgChart("chart-codes", TIME_FRAME, "Outcomes per second (RTA code, timeout, error)", body);
}

const HIST_FRAME: Frame = { width: 960, height: 320, left: 64, right: 24, top: 64, bottom: 40 };

/**
 * The latency histogram of the measured requests: log-spaced bins anchored at the budget on a log
 * axis with round ticks (1, 2, 5 × 10ⁿ ms), the budget line exactly at the budget (bins over it in
 * red), and p50 / p90 / p99 marked.
 * @param result - the run
 * @returns an SVG document (#chart-histogram)
 */
export function renderHistogramSvg(result: LoadtestResult): string {
	const { bins, latency: s, timeoutMs } = result;
	const perDecade = bins.binsPerDecade || BINS_PER_DECADE;
	const anchor = { budgetMs: bins.budgetMs || timeoutMs, binsPerDecade: perDecade };
	const firstK = bins.counts.length === 0 ? -perDecade : bins.firstBin;
	const lastK = bins.counts.length === 0 ? 0 : bins.firstBin + bins.counts.length - 1;
	// Show the occupied range widened to the budget, with a little room either side.
	const lo = Math.min(binEdge(anchor, firstK), timeoutMs) / 1.25;
	const hi = Math.max(binEdge(anchor, lastK + 1), timeoutMs) * 1.25;
	const { x0, x1, y0, y1 } = plotArea(HIST_FRAME);
	const x = logScale([lo, hi], [x0, x1]);
	const peak = Math.max(1, ...bins.counts);
	const yt = linearTicks(peak * 1.05, 5);
	const y = linearScale([0, yt.ticks.at(-1) as number], [y0, y1]);
	const total = bins.counts.reduce((a, b) => a + b, 0);
	const bars = bins.counts.map((count, i) => {
		const k = bins.firstBin + i;
		const from = binEdge(anchor, k);
		const to = binEdge(anchor, k + 1);
		const over = k >= 0;
		const share = total === 0 ? 0 : (count / total) * 100;
		return `<rect class="bin${over ? " bin-over" : ""}" data-from="${from.toFixed(3)}" data-to="${to.toFixed(3)}" x="${(x(from) + 0.5).toFixed(1)}" y="${y(count).toFixed(1)}" width="${Math.max(0.5, x(to) - x(from) - 1).toFixed(1)}" height="${(y0 - y(count)).toFixed(1)}" fill="${over ? "#e03131" : "#1c7ed6"}"><title>${esc(`${formatMs(from)}–${formatMs(to)} ms: ${count} (${share.toFixed(2)} %)${over ? " — over the budget" : ""}`)}</title></rect>`;
	});
	const budgetX = x(timeoutMs).toFixed(1);
	const marks = (
		[
			["p50", s.p50],
			["p90", s.p90],
			["p99", s.p99],
		] as const
	)
		.filter(([, v]) => v > 0)
		.map(([name, v], i) => {
			const px = x(Math.max(v, lo));
			// Labels stack upwards so close percentiles stay readable; right of the budget they turn left.
			const right = px > x(timeoutMs) - 60;
			return `<line class="pct" data-pct="${name}" x1="${px.toFixed(1)}" y1="${y1 - 4 - i * 11}" x2="${px.toFixed(1)}" y2="${y0}"/><text class="pct-label" x="${(px + (right ? -4 : 4)).toFixed(1)}" y="${y1 - 4 - i * 11}" text-anchor="${right ? "end" : "start"}">${name} ${formatMs(v)} ms</text>`;
		});
	const over = bins.counts.reduce((sum, c, i) => sum + (bins.firstBin + i >= 0 ? c : 0), 0);
	const body = [
		xAxis(HIST_FRAME, x, logTicks(lo, hi), formatMs, "latency (ms, log scale)"),
		yAxis(HIST_FRAME, y, yt.ticks, formatCount, "requests"),
		...bars,
		...marks,
		`<line class="budget" data-ms="${timeoutMs}" x1="${budgetX}" y1="${y1 - 44}" x2="${budgetX}" y2="${y0}"/>`,
		`<text class="budget-label" x="${Number(budgetX) - 5}" y="${y1 - 34}" text-anchor="end">budget ${timeoutMs} ms: ${over} at or over it (${total === 0 ? "0.00" : ((over / total) * 100).toFixed(2)} %)</text>`,
		`<text x="${x0}" y="14" font-weight="600" font-size="12">Latency histogram of the measured requests (${BINS_PER_DECADE} bins per decade; a timeout counts at the budget)</text>`,
	].join("\n");
	return `${svgChart("chart-histogram", HIST_FRAME, "Latency histogram", body)}\n`;
}

function card(label: string, value: string, cls = ""): string {
	return `<div class="card${cls === "" ? "" : ` ${cls}`}"><div class="card-value">${esc(value)}</div><div class="card-label">${esc(label)}</div></div>`;
}

/** The verdict banner with a meter of the failure rate against the bar. */
function verdict(result: LoadtestResult): string {
	const scale = Math.max(result.threshold * 2, result.failureRate * 1.1);
	const fill = Math.min(100, (result.failureRate / scale) * 100);
	const bar = (result.threshold / scale) * 100;
	return `<section id="verdict" class="verdict ${result.pass ? "pass" : "fail"}" data-pass="${result.pass}">
<div class="verdict-word">${result.pass ? "PASS" : "FAIL"}</div>
<div class="verdict-text">timeouts + errors <strong>${pct(result.failureRate)}</strong> of ${result.sent} measured requests — the admission stress-test bar is <strong>&lt; ${pct(result.threshold)}</strong> (docs/rta/admission.md step 7; every error counts as a timeout)
<div class="meter" title="failure rate against the bar"><div class="meter-fill" style="width:${fill.toFixed(2)}%"></div><div class="meter-bar" style="left:${bar.toFixed(2)}%"><span>${pct(result.threshold)}</span></div></div></div>
</section>`;
}

/**
 * Renders the full HTML report.
 * @param result - the run
 * @returns a self-contained HTML page
 */
export function renderHtmlReport(result: LoadtestResult): string {
	const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
	const s = result.latency;
	const m = result.machine;
	const reasons = Object.entries(result.errorReasons)
		.map(([r, n]) => `${r}: ${n}`)
		.join(", ");
	const warnings =
		result.warnings.length === 0
			? '<section id="warnings" class="warnings none"><h2>Warnings</h2><p>None: the generator kept its schedule and the machine was not busy.</p></section>'
			: `<section id="warnings" class="warnings"><h2>Warnings (generator, machine, run)</h2><ul>${result.warnings.map((w) => `<li class="warning">${esc(w)}</li>`).join("")}</ul></section>`;
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>txad rta loadtest — ${result.pass ? "PASS" : "FAIL"} — ${esc(result.url)}</title>
<style>
:root{color-scheme:light}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f8f9fa;color:#212529}
main{max-width:1000px;margin:0 auto;padding:1.5rem}h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.6rem 0 .5rem}
.sub{color:#495057;margin:0 0 1rem;font-size:.9rem;word-break:break-all}
.verdict{display:flex;gap:1.2rem;align-items:center;padding:1rem 1.2rem;border-radius:8px;color:#fff}.verdict.pass{background:#2b8a3e}.verdict.fail{background:#c92a2a}
.verdict-word{font-size:2.2rem;font-weight:800;letter-spacing:.05em}.verdict-text{flex:1;line-height:1.4}
.meter{position:relative;height:10px;background:rgba(255,255,255,.35);border-radius:5px;margin-top:.6rem}.meter-fill{height:100%;background:#fff;border-radius:5px}
.meter-bar{position:absolute;top:-4px;bottom:-4px;width:2px;background:#212529}.meter-bar span{position:absolute;top:14px;left:-2.2em;font-size:.7rem;color:#fff}
.warnings{background:#fff9db;border:1px solid #fcc419;border-radius:8px;padding:.2rem 1rem;margin-top:1rem}.warnings.none{background:#ebfbee;border-color:#8ce99a}.warnings h2{margin:.6rem 0 .3rem}.warnings li{margin:.3rem 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(105px,1fr));gap:.6rem;margin-top:1rem}
.card{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:.6rem .8rem}.card-value{font-size:1.25rem;font-weight:700;font-variant-numeric:tabular-nums}.card-label{color:#495057;font-size:.8rem}
.card.bad .card-value{color:#c92a2a}
figure{margin:0;background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:.4rem}svg.chart{width:100%;height:auto;display:block}
table{border-collapse:collapse;background:#fff;width:100%;font-size:.9rem}th,td{padding:.3rem .7rem;border-bottom:1px solid #e9ecef;text-align:left;vertical-align:top}th{font-weight:500;color:#495057;width:28%}td{font-variant-numeric:tabular-nums}
footer{color:#868e96;font-size:.8rem;margin:1.5rem 0}
</style></head>
<body><main>
<h1>RTA load test</h1>
<p class="sub">${esc(result.url)} · started ${esc(result.startedAt)} · ${result.targetQps} QPS × ${result.durationS} s after a ${result.warmupS} s warm-up · budget ${result.timeoutMs} ms · seed ${result.seed}</p>
${verdict(result)}
${warnings}
<div class="cards" id="summary">
${card("requests measured", String(result.sent))}
${card("achieved QPS", result.achievedQps.toFixed(1), result.achievedQps < result.targetQps * 0.95 ? "bad" : "")}
${card("p50 ms", s.p50.toFixed(2))}
${card("p90 ms", s.p90.toFixed(2))}
${card("p99 ms", s.p99.toFixed(2), s.p99 > result.timeoutMs ? "bad" : "")}
${card("max ms", s.max.toFixed(2))}
${card("timeouts", String(result.timeouts), result.timeouts > 0 ? "bad" : "")}
${card("errors", String(result.errors), result.errors > 0 ? "bad" : "")}
</div>
<h2>Throughput</h2>
<figure>${renderThroughputChart(result)}</figure>
<h2>Latency over time</h2>
<figure>${renderLatencyChart(result)}</figure>
<h2>Outcomes over time</h2>
<figure>${renderCodesChart(result)}</figure>
<h2>Latency distribution</h2>
<figure>${renderHistogramSvg(result)}</figure>
<h2>Details</h2>
<table id="details">
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
<h2>Machine</h2>
<table id="machine">
${row("generator host", `${m.cpus} CPU(s), ${m.cpuModel}; ${m.platform}; Node ${m.node}`)}
${row("load average at start", m.loadAvgStart.map((v) => v.toFixed(2)).join(" / "))}
${row("load average at end", m.loadAvgEnd.map((v) => v.toFixed(2)).join(" / "))}
</table>
<footer>Written by <code>txad rta loadtest</code>. Self-contained: no scripts, fonts or requests to any server. A loopback run measures the responder, not the network: across regions 27–43 ms of Tencent's 60 ms go to the round trip (docs/rta/http-behaviour.md "Budget").</footer>
</main></body></html>
`;
}
