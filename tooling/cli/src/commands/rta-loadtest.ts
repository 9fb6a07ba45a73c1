/**
 * `txad rta loadtest`: Tencent's admission stress test (docs/rta/admission.md step 7) run against your own
 * responder first — open-loop paced, realistic protobuf traffic, latency percentiles, timeout and
 * error rates against the < 1 % bar, a progress line and an HTML/SVG histogram report.
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, extname, join, relative, resolve } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import {
	type Command,
	type FlagValues,
	headerFlags,
	isLoopbackHost,
	numberFlag,
	optionalString,
	parseFlags,
	urlFlag,
} from "../args.ts";
import { CliError, EXIT_FAIL, EXIT_OK } from "../errors.ts";
import type { Io } from "../io.ts";
import type { DeviceRef } from "../lib/device-ids.ts";
import { LatencyHistogram } from "../lib/histogram.ts";
import { readIdFile } from "../lib/id-file.ts";
import { createPacer } from "../lib/pacing.ts";
import { createProgress } from "../lib/progress.ts";
import {
	type LoadtestResult,
	type MachineInfo,
	renderHistogramSvg,
	renderHtmlReport,
} from "../lib/report.ts";
import { createRequestGenerator } from "../lib/request-generator.ts";
import { createRtaClient, type RtaOutcome } from "../lib/rta-client.ts";
import { describeCode } from "../lib/rta-codes.ts";
import { type OutcomeKind, TIMEOUT_LABEL, Timeline } from "../lib/timeline.ts";

/** Longest run allowed (s). */
export const MAX_DURATION_S = 300;
/** Highest offered rate; beyond it one Node process is the bottleneck, not the responder. */
export const MAX_QPS = 20_000;
/** Hard cap on requests per run, whatever --qps × --duration says. */
export const MAX_REQUESTS = 2_000_000;
/** RTA admission guide step 7 / docs/rta/http-behaviour.md "Quality bars": timeouts + errors must stay below 1 %. */
export const FAILURE_THRESHOLD = 0.01;
/** docs/rta/http-behaviour.md "Budget": 60 ms end to end for first-stage requests. */
export const DEFAULT_TIMEOUT_MS = 60;
/**
 * 1-minute load average per core above which the machine counts as busy before the run: other
 * processes then compete with the target and the generator, and timeouts may be theirs.
 */
export const BUSY_LOAD_PER_CPU = 0.75;

const HELP = `txad rta loadtest — the admission stress test (docs/rta/admission.md step 7), against your responder

Usage: txad rta loadtest --url URL --qps N --duration S [flags]

  --url URL            responder RTA endpoint, e.g. http://127.0.0.1:8787/rta
  --qps N              offered requests per second, 1–${MAX_QPS} (open loop: sent on schedule,
                       whether or not answers came back)
  --duration S         measured seconds at full rate, 1–${MAX_DURATION_S}
  --warmup S           seconds of linear ramp from 0 to --qps first, not counted in the
                       results (default 3, 0–60): cold isolates and fresh connections
                       otherwise fail the first instant of a full-rate start
  --timeout-ms MS      per-request budget (default ${DEFAULT_TIMEOUT_MS}, Tencent's end-to-end budget)
  --max-requests N     hard cap on requests (default and maximum ${MAX_REQUESTS})
  --connections N      keep-alive connections (default 256)
  --seed N             request-mix seed (default 1); the same seed sends the same requests
  --ids FILE           also send these ids (same formats as rta check), so some requests hit
  --ids-rate R         share of requests drawn from --ids (default 0.2)
  --ping-rate R        is_ping probes (default 0.01)    --test-rate R   is_test (default 0.02)
  --doubtful-rate R    requests with a flagged placeholder id (default 0.05)
  --ios-share R        iOS share of synthetic devices (default 0.35)
  --header "K: V"      add a header (repeatable), e.g. the registered RTA header signature
  --report PATH        .html (self-contained, default txad-reports/loadtest-<time>.html) or .svg
  --allow-remote       allow a non-loopback URL (only against a service you own and with its
                       operators' consent; never at Tencent or third parties)
  --full               keep sending after the verdict is certainly FAIL (by default the run
                       stops once timeouts + errors reach 1 % of the planned requests)
  --json               print the result as JSON on stdout
  --quiet              no progress line

Verdict: (timeouts + errors) / sent < 1 % → PASS (exit 0), else FAIL (exit 1). Errors are
non-200 answers, undecodable bodies, a missing \`code\` and a request_id that does not echo.
`;

/**
 * How one request ended, as a label of the report (the RTA `code` with its name, "timeout", or
 * the error reason) and its kind.
 * @param outcome - the request's outcome
 * @param ping - whether it was an is_ping probe
 * @returns label and kind
 */
export function outcomeLabel(outcome: RtaOutcome, ping: boolean): { label: string; kind: OutcomeKind } {
	if (outcome.kind === "timeout") return { label: TIMEOUT_LABEL, kind: "timeout" };
	if (outcome.kind === "error") return { label: outcome.reason, kind: "error" };
	if (ping) return { label: "ping", kind: "ping" };
	return {
		label: describeCode(outcome.response.code),
		kind: outcome.response.code === 0 ? "taken" : "refused",
	};
}

/**
 * What the report says about the generator's machine.
 * @param loadAvgStart - load averages taken when the run started
 * @returns the machine's cores, model, load and Node version
 */
function machineInfo(loadAvgStart: number[]): MachineInfo {
	const cores = cpus();
	return {
		cpus: cores.length,
		cpuModel: cores[0]?.model.trim() ?? "unknown",
		loadAvgStart,
		loadAvgEnd: loadavg(),
		node: process.versions.node,
		platform: `${process.platform} ${process.arch}`,
	};
}

function rate(values: FlagValues, name: string, fallback: number): number {
	return numberFlag(values, name, fallback, { min: 0, max: 1 });
}

function timestamp(): string {
	return new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "");
}

async function loadKnownIds(path: string, io: Io): Promise<DeviceRef[]> {
	const known: DeviceRef[] = [];
	for await (const record of readIdFile(resolve(io.cwd, path))) {
		if (record.ok) known.push(record.id);
	}
	if (known.length === 0)
		throw new CliError("INPUT", `--ids ${path}: no usable device id in the file`, { field: "--ids" });
	return known;
}

/** Options of one run (what the flags say). */
export interface LoadtestOptions {
	url: URL;
	qps: number;
	durationS: number;
	timeoutMs: number;
	maxRequests: number;
	connections: number;
	seed: number;
	headers: [string, string][];
	known: DeviceRef[];
	knownRate: number;
	pingRate: number;
	testRate: number;
	doubtfulRate: number;
	iosShare: number;
	quiet: boolean;
	/** Keep sending after the FAIL verdict is certain (default: stop then). */
	full: boolean;
	/** Seconds of linear ramp from 0 to qps before the measured part (not counted). */
	warmupS: number;
}

/**
 * Runs the load and measures it.
 * @param options - the run
 * @param io - console for the progress line
 * @returns the measurements and verdict
 * @throws CliError `NETWORK` when the target cannot be reached at all
 */
export async function runLoadtest(options: LoadtestOptions, io: Io): Promise<LoadtestResult> {
	const generator = createRequestGenerator({
		seed: options.seed,
		known: options.known,
		knownRate: options.knownRate,
		pingRate: options.pingRate,
		testRate: options.testRate,
		doubtfulRate: options.doubtfulRate,
		iosShare: options.iosShare,
	});
	const client = createRtaClient({
		url: options.url,
		headers: options.headers,
		timeoutMs: options.timeoutMs,
		connections: options.connections,
	});
	try {
		// Preflight with a generous budget: a dead target is a usage problem, not a 100 % error rate.
		const warmClient = createRtaClient({
			url: options.url,
			headers: options.headers,
			timeoutMs: 5000,
			connections: 1,
		});
		const warm = await warmClient.send(generator.next().bytes, "");
		warmClient.close();
		if (warm.kind === "error" && warm.status === undefined) {
			throw new CliError("NETWORK", `cannot reach ${options.url.href}: ${warm.reason}`, { field: "--url" });
		}
		const pacer = createPacer(
			options.qps,
			options.durationS * 1000,
			options.maxRequests,
			options.warmupS * 1000,
		);
		const measured = pacer.total - pacer.warmup;
		const latency = new LatencyHistogram(measured);
		const lag = new LatencyHistogram(measured);
		const timeline = new Timeline(pacer.total);
		const loadAvgStart = loadavg();
		// Warm-up requests (the ramp) are sent like the others but kept out of the verdict.
		const warmup = { sent: 0, failures: 0 };
		let firstMeasuredAt: number | undefined;
		const progress = createProgress(io, { quiet: options.quiet });
		const counts = { ok: 0, pings: 0, taken: 0, refused: 0, timeouts: 0, errors: 0 };
		const errorReasons: Record<string, number> = {};
		let scheduled = 0;
		let sent = 0;
		let inFlight = 0;
		let lastSendAt = 0;
		let drained: (() => void) | undefined;
		const startedAt = new Date().toISOString();
		// Our own event-loop stalls (GC, a busy core) delay both sends and the reading of answers;
		// measured so a report can tell the client's hiccups from the target's.
		const loopDelay = monitorEventLoopDelay({ resolution: 5 });
		loopDelay.enable();
		const t0 = performance.now();

		// Once failures reach 1 % of the planned total, no later answer can turn the verdict to PASS.
		// Stopping then spares a struggling target the rest of the load (each timeout also costs it a
		// connection: an HTTP/1.1 request that is given up on cannot be reused).
		const certainFail = Math.max(1, Math.ceil(FAILURE_THRESHOLD * measured));
		let stoppedEarly: string | undefined;
		const settleWarmup = (outcome: RtaOutcome, ping: boolean, sentAt: number) => {
			const { label, kind } = outcomeLabel(outcome, ping);
			timeline.record(
				sentAt,
				outcome.kind === "timeout" ? Math.max(outcome.ms, options.timeoutMs) : outcome.ms,
				label,
				kind,
				true,
			);
			if (outcome.kind !== "ok") warmup.failures++;
			inFlight--;
			if (inFlight === 0) drained?.();
		};
		const settle = (outcome: RtaOutcome, ping: boolean, sentAt: number) => {
			// A request given up on took at least the budget, whatever the timer's jitter says.
			const ms = outcome.kind === "timeout" ? Math.max(outcome.ms, options.timeoutMs) : outcome.ms;
			latency.record(ms);
			const { label, kind } = outcomeLabel(outcome, ping);
			timeline.record(sentAt, ms, label, kind, false);
			if (outcome.kind === "ok") {
				counts.ok++;
				if (ping) counts.pings++;
				else if (outcome.response.code === 0) counts.taken++;
				else counts.refused++;
			} else if (outcome.kind === "timeout") {
				counts.timeouts++;
			} else {
				counts.errors++;
				errorReasons[outcome.reason] = (errorReasons[outcome.reason] ?? 0) + 1;
			}
			inFlight--;
			if (!options.full && stoppedEarly === undefined && counts.timeouts + counts.errors >= certainFail) {
				stoppedEarly = `stopped after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${counts.timeouts + counts.errors} timeouts + errors already exceed 1 % of the ${measured} planned requests (--full runs to the end)`;
			}
			if (inFlight === 0) drained?.();
		};
		const line = () => {
			const elapsed = (performance.now() - t0) / 1000;
			const done = counts.ok + counts.timeouts + counts.errors;
			const bad = done === 0 ? 0 : ((counts.timeouts + counts.errors) / done) * 100;
			const phase =
				scheduled < pacer.warmup ? `warm-up ${scheduled}/${pacer.warmup}` : `sent ${sent}/${measured}`;
			return `${elapsed.toFixed(1)}s/${options.warmupS + options.durationS}s  ${phase}  ${(scheduled / Math.max(elapsed, 0.001)).toFixed(0)} qps  in-flight ${inFlight}  timeouts ${counts.timeouts}  errors ${counts.errors}  (${bad.toFixed(2)} %)`;
		};

		await new Promise<void>((done) => {
			const tick = () => {
				const due = pacer.dueBy(performance.now() - t0);
				while (scheduled < due) {
					const i = scheduled++;
					const { bytes, id, ping } = generator.next();
					const now = performance.now() - t0;
					inFlight++;
					if (i < pacer.warmup) {
						warmup.sent++;
						client.send(bytes, id).then(
							(outcome) => settleWarmup(outcome, ping, now),
							() => settleWarmup({ kind: "error", ms: 0, reason: "client" }, ping, now),
						);
						continue;
					}
					sent++;
					firstMeasuredAt ??= pacer.dueAt(i);
					lag.record(Math.max(0, now - pacer.dueAt(i)));
					lastSendAt = now;
					client.send(bytes, id).then(
						(outcome) => settle(outcome, ping, now),
						() => settle({ kind: "error", ms: 0, reason: "client" }, ping, now),
					);
				}
				progress.update(line());
				if (scheduled >= pacer.total || stoppedEarly !== undefined) {
					done();
					return;
				}
				// Sleep until the next request is due (≤ 5 ms, so the progress line stays live).
				const wait = pacer.dueAt(scheduled) - (performance.now() - t0);
				setTimeout(tick, Math.max(0, Math.min(wait, 5)));
			};
			tick();
		});
		if (inFlight > 0) await new Promise<void>((resolveDrain) => (drained = resolveDrain));
		const elapsedS = (performance.now() - t0) / 1000;
		loopDelay.disable();
		progress.done(line());
		// The histogram reports ns and adds the sampling resolution to every sample.
		const clientStall = {
			p99: Math.max(0, loopDelay.percentile(99) / 1e6 - 5),
			max: Math.max(0, loopDelay.max / 1e6 - 5),
		};

		const failureRate = sent === 0 ? 1 : (counts.timeouts + counts.errors) / sent;
		const achievedQps =
			sent === 0 ? 0 : sent / ((lastSendAt - (firstMeasuredAt ?? 0)) / 1000 + 1 / options.qps);
		const sendLag = lag.summary();
		const warnings: string[] = stoppedEarly === undefined ? [] : [stoppedEarly];
		if (warmup.sent > 0 && warmup.failures / warmup.sent >= FAILURE_THRESHOLD) {
			warnings.push(
				`${warmup.failures} of ${warmup.sent} warm-up requests failed (not counted): the responder is slow to warm up`,
			);
		}
		if (achievedQps < options.qps * 0.95) {
			warnings.push(
				`achieved ${achievedQps.toFixed(0)} QPS of ${options.qps} offered: this machine could not keep the pace; results understate the load`,
			);
		}
		if (sendLag.p99 > 10) {
			warnings.push(
				`p99 send lag ${sendLag.p99.toFixed(1)} ms: the generator was saturated (requests left in bursts)`,
			);
		}
		if (clientStall.max > options.timeoutMs / 2) {
			warnings.push(
				`this process stalled up to ${clientStall.max.toFixed(0)} ms (event-loop delay p99 ${clientStall.p99.toFixed(1)} ms): answers that arrived during a stall were read late, so some timeouts may be the client's; rerun on a quieter machine to confirm`,
			);
		}
		const machine = machineInfo(loadAvgStart);
		const busy = Math.max(loadAvgStart[0] ?? 0, machine.loadAvgEnd[0] ?? 0);
		if (busy > machine.cpus * BUSY_LOAD_PER_CPU) {
			warnings.push(
				`this machine was busy: load average ${(loadAvgStart[0] ?? 0).toFixed(2)} at the start, ${(machine.loadAvgEnd[0] ?? 0).toFixed(2)} at the end, on ${machine.cpus} CPU(s): other processes competed with the target and this generator, so timeouts may be theirs; rerun on a quieter machine to confirm`,
			);
		}
		if (isLoopbackHost(options.url.hostname)) {
			warnings.push(
				"loopback target: Tencent's 60 ms budget also covers 27–43 ms of network between regions (docs/rta/http-behaviour.md#budget); aim for p99 well under 16 ms here",
			);
		}
		return {
			url: options.url.href,
			startedAt,
			targetQps: options.qps,
			durationS: options.durationS,
			warmupS: options.warmupS,
			warmup,
			timeoutMs: options.timeoutMs,
			seed: options.seed,
			sent,
			...counts,
			errorReasons,
			achievedQps,
			elapsedS,
			latency: latency.summary(),
			sendLag,
			clientStall,
			bins: latency.bins(options.timeoutMs),
			// Per second, with what the open-loop schedule planned for it (the ramp, then the full rate).
			timeline: timeline
				.seconds()
				.map((row) => ({ ...row, offered: pacer.plannedIn(row.t * 1000, (row.t + 1) * 1000) })),
			outcomeLabels: timeline.labels(),
			machine,
			failureRate,
			threshold: FAILURE_THRESHOLD,
			pass: sent > 0 && failureRate < FAILURE_THRESHOLD,
			warnings,
		};
	} finally {
		client.close();
	}
}

/**
 * Formats the result for the terminal.
 * @param r - the result
 * @param reportPath - where the report went
 * @returns text
 */
export function formatLoadtestResult(r: LoadtestResult, reportPath: string | undefined): string {
	const pct = (n: number) => `${(n * 100).toFixed(3)} %`;
	const ms = (n: number) => n.toFixed(2).padStart(8);
	const reasons = Object.entries(r.errorReasons)
		.map(([k, v]) => `${k} ${v}`)
		.join(", ");
	return [
		`target        ${r.url}`,
		`offered       ${r.targetQps} QPS × ${r.durationS} s (timeout ${r.timeoutMs} ms, seed ${r.seed})`,
		...(r.warmupS > 0
			? [
					`warm-up       ${r.warmupS} s ramp, ${r.warmup.sent} requests, ${r.warmup.failures} failed (not counted)`,
				]
			: []),
		`achieved      ${r.achievedQps.toFixed(1)} QPS, ${r.sent} requests, ${r.elapsedS.toFixed(2)} s wall`,
		`answers       ${r.ok} ok: ${r.taken} taken, ${r.refused} refused, ${r.pings} pings`,
		`timeouts      ${r.timeouts} (${pct(r.sent === 0 ? 0 : r.timeouts / r.sent)})`,
		`errors        ${r.errors} (${pct(r.sent === 0 ? 0 : r.errors / r.sent)})${reasons === "" ? "" : `  ${reasons}`}`,
		"latency ms         min     mean      p50      p90      p99      max",
		`              ${[r.latency.min, r.latency.mean, r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max].map(ms).join(" ")}`,
		...r.warnings.map((w) => `warning       ${w}`),
		...(reportPath === undefined ? [] : [`report        ${reportPath}`]),
		`verdict       ${r.pass ? "PASS" : "FAIL"}: timeouts + errors ${pct(r.failureRate)} (bar < ${pct(r.threshold)})`,
		"",
	].join("\n");
}

/** `txad rta loadtest`. */
export const rtaLoadtest: Command = {
	name: "rta loadtest",
	summary: "stress-test a responder like Tencent's admission test: QPS, p50/p90/p99, < 1 % verdict",
	help: HELP,
	async run(argv, io) {
		const { values } = parseFlags("rta loadtest", argv, {
			url: { type: "string" },
			qps: { type: "string" },
			duration: { type: "string" },
			"timeout-ms": { type: "string" },
			"max-requests": { type: "string" },
			connections: { type: "string" },
			seed: { type: "string" },
			ids: { type: "string" },
			"ids-rate": { type: "string" },
			"ping-rate": { type: "string" },
			"test-rate": { type: "string" },
			"doubtful-rate": { type: "string" },
			"ios-share": { type: "string" },
			header: { type: "string", multiple: true },
			report: { type: "string" },
			"allow-remote": { type: "boolean" },
			json: { type: "boolean" },
			quiet: { type: "boolean" },
			full: { type: "boolean" },
			warmup: { type: "string" },
		});
		const url = urlFlag(values, "url");
		if (!isLoopbackHost(url.hostname) && values["allow-remote"] !== true) {
			throw new CliError(
				"USAGE",
				`--url ${url.host} is not a loopback address; pass --allow-remote to load-test a service you operate`,
				{ field: "--url" },
			);
		}
		const ids = optionalString(values, "ids");
		const options: LoadtestOptions = {
			url,
			qps: numberFlag(values, "qps", undefined, { min: 1, max: MAX_QPS, integer: true }),
			durationS: numberFlag(values, "duration", undefined, { min: 1, max: MAX_DURATION_S }),
			timeoutMs: numberFlag(values, "timeout-ms", DEFAULT_TIMEOUT_MS, { min: 1, max: 10_000, integer: true }),
			maxRequests: numberFlag(values, "max-requests", MAX_REQUESTS, {
				min: 1,
				max: MAX_REQUESTS,
				integer: true,
			}),
			connections: numberFlag(values, "connections", 256, { min: 1, max: 10_000, integer: true }),
			seed: numberFlag(values, "seed", 1, { min: 0, max: 2 ** 32 - 1, integer: true }),
			headers: headerFlags(values),
			known: ids === undefined ? [] : await loadKnownIds(ids, io),
			knownRate: rate(values, "ids-rate", 0.2),
			pingRate: rate(values, "ping-rate", 0.01),
			testRate: rate(values, "test-rate", 0.02),
			doubtfulRate: rate(values, "doubtful-rate", 0.05),
			iosShare: rate(values, "ios-share", 0.35),
			quiet: values.quiet === true,
			full: values.full === true,
			warmupS: numberFlag(values, "warmup", 3, { min: 0, max: 60 }),
		};
		const reportFlag = optionalString(values, "report");
		const reportPath = resolve(io.cwd, reportFlag ?? join("txad-reports", `loadtest-${timestamp()}.html`));
		const ext = extname(reportPath).toLowerCase();
		if (ext !== ".html" && ext !== ".htm" && ext !== ".svg") {
			throw new CliError("USAGE", `--report must end in .html or .svg, got "${reportFlag}"`, {
				field: "--report",
			});
		}

		const result = await runLoadtest(options, io);
		await mkdir(dirname(reportPath), { recursive: true });
		await writeFile(reportPath, ext === ".svg" ? renderHistogramSvg(result) : renderHtmlReport(result));
		const rel = relative(io.cwd, reportPath);
		const shown = rel === "" || rel.startsWith("..") ? reportPath : rel;
		if (values.json === true) io.out(`${JSON.stringify({ ...result, report: reportPath }, null, 2)}\n`);
		else io.out(formatLoadtestResult(result, shown));
		return result.pass ? EXIT_OK : EXIT_FAIL;
	},
};
