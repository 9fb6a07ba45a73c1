/**
 * The cost table as the terminal shows it: exact counts with thousands separators and whole
 * dollars, then the assumptions and sources behind them.
 * @module
 */
import type { Layout, MonthlyCost } from "./model.ts";
import { PRICES, SECONDS_PER_MONTH, WORKERS_PAID_MONTHLY_USD } from "./prices.ts";

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const usd = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Renders rows as an aligned table plus notes.
 * @param rows - one per (QPS, layout)
 * @param layouts - the layouts, for their sources
 * @param cpuMs - CPU-ms per request used
 * @param snapshotMissing - why the snapshot layout is absent, if it is
 * @returns the text
 */
export function formatCostTable(
	rows: MonthlyCost[],
	layouts: Layout[],
	cpuMs: number,
	snapshotMissing?: string,
): string {
	const header = [
		"qps",
		"layout",
		"requests/month",
		"requests $",
		"CPU-ms/month",
		"CPU $",
		"KV reads/month",
		"KV reads $",
		"total $/month",
	];
	const body = rows.map((r) => [
		count(r.qps),
		r.layout,
		count(r.requests),
		usd(r.requestsUsd),
		count(r.cpuMs),
		usd(r.cpuUsd),
		count(r.kvReads),
		usd(r.kvReadsUsd),
		usd(r.totalUsd),
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (i === 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
			.join("  ");
	return [
		line(header),
		widths.map((w) => "-".repeat(w)).join("  "),
		...body.map(line),
		"",
		`A ${SECONDS_PER_MONTH / 86_400}-day month at list prices; totals include the $${WORKERS_PAID_MONTHLY_USD} Workers Paid plan. Included each month:`,
		`${count(PRICES.workerRequests.includedPerMonth)} requests, ${count(PRICES.workerCpuMs.includedPerMonth)} CPU-ms, ${count(PRICES.kvReads.includedPerMonth)} KV reads. Cache API reads are not billed.`,
		`Prices: $${PRICES.workerRequests.usdPerMillion}/M requests, $${PRICES.workerCpuMs.usdPerMillion}/M CPU-ms, $${PRICES.kvReads.usdPerMillion}/M KV reads (${PRICES.kvReads.source}; tooling/cost/src/prices.ts).`,
		`CPU: ${cpuMs} ms per request (assumed; --cpu-ms to change).`,
		...layouts.map(
			(l) =>
				`${l.name}: ${l.kvReadsPerRequest} KV reads and ${l.cacheApiReadsPerRequest} Cache API reads per request (${l.source}).`,
		),
		...(snapshotMissing === undefined ? [] : [`sharded snapshot: not shown, ${snapshotMissing}.`]),
		"",
	].join("\n");
}
