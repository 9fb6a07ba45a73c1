/**
 * `npm run cost -- --qps 250000`: monthly requests, CPU and KV reads of the RTA responder at list
 * prices, one KV key per device against sharded audience snapshots, at each QPS given (default
 * 10k, 100k and 250k). Prices: src/prices.ts (from docs/cloudflare/platform-facts.md); snapshot
 * read-path figures: the responder's recorded audience benchmark (src/read-path.ts).
 * @module
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatCostTable } from "./format.ts";
import { type Layout, monthlyCost, PER_DEVICE_LAYOUT } from "./model.ts";
import { RESPONDER_README, snapshotLayoutFrom } from "./read-path.ts";

/** Default request rates: Tencent's typical load is 200k–300k QPS (docs/rta/http-behaviour.md "Load"). */
const DEFAULT_QPS = [10_000, 100_000, 250_000];
/**
 * CPU billed per request, ms (an assumption, stated in every output: the responder's decode →
 * decide → encode measures ≈ 0.011 ms in Node, bench/hot-path.ts; an isolate also spends CPU
 * around it, so a round 1 ms is a conservative default).
 */
const DEFAULT_CPU_MS = 1;

const HELP = `npm run cost -- [--qps N[,N…]]… [--cpu-ms MS] [--json]

Monthly (30-day) Workers requests, CPU-ms and KV reads of the RTA responder at list prices, for
one KV key per device and for sharded audience snapshots. --qps defaults to 10000,100000,250000;
--cpu-ms (CPU billed per request) to ${DEFAULT_CPU_MS}.
`;

function fail(message: string): never {
	process.stderr.write(`cost: ${message}\n\n${HELP}`);
	process.exit(2);
}

const { values } = (() => {
	try {
		return parseArgs({
			options: {
				qps: { type: "string", multiple: true },
				"cpu-ms": { type: "string" },
				json: { type: "boolean" },
				help: { type: "boolean", short: "h" },
			},
		});
	} catch (e) {
		return fail(e instanceof Error ? e.message : String(e));
	}
})();
if (values.help === true) {
	process.stdout.write(HELP);
	process.exit(0);
}
const qpsList = (values.qps ?? []).flatMap((v) => v.split(",")).map((v) => v.trim());
const rates =
	qpsList.length === 0
		? DEFAULT_QPS
		: qpsList.map((v) => {
				const n = Number(v);
				if (v === "" || !Number.isInteger(n) || n < 1 || n > 10_000_000)
					fail(`--qps must be whole numbers from 1 to 10000000, got "${v}"`);
				return n;
			});
const cpuMs = values["cpu-ms"] === undefined ? DEFAULT_CPU_MS : Number(values["cpu-ms"]);
if (!Number.isFinite(cpuMs) || cpuMs < 0 || cpuMs > 30_000)
	fail(`--cpu-ms must be a number from 0 to 30000, got "${values["cpu-ms"]}"`);

const snapshot = snapshotLayoutFrom(readFileSync(RESPONDER_README, "utf8"));
const layouts: Layout[] = "missing" in snapshot ? [PER_DEVICE_LAYOUT] : [PER_DEVICE_LAYOUT, snapshot];
const rows = rates.flatMap((qps) => layouts.map((layout) => monthlyCost(qps, layout, cpuMs)));
if (values.json === true) {
	process.stdout.write(
		`${JSON.stringify({ cpuMsPerRequest: cpuMs, layouts, rows, ...("missing" in snapshot ? { snapshotMissing: snapshot.missing } : {}) }, null, 2)}\n`,
	);
} else {
	process.stdout.write(
		formatCostTable(rows, layouts, cpuMs, "missing" in snapshot ? snapshot.missing : undefined),
	);
}
