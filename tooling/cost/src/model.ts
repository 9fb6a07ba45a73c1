/**
 * The monthly usage and list-price cost of the RTA responder at a given request rate, for two
 * audience layouts: one KV key per device (every request reads KV, missing keys billed too), and
 * sharded audience snapshots (KV read once per shard, data center and snapshot; the rest comes
 * from isolate memory and the Cache API, which is not billed). Pure arithmetic over
 * {@link PRICES}; the read-path figures of the snapshot layout come from the responder's
 * audience benchmark (see read-path.ts).
 * @module
 */
import { PRICES, SECONDS_PER_MONTH, usdFor, WORKERS_PAID_MONTHLY_USD } from "./prices.ts";

/** How one layout reads storage, per RTA request. */
export interface Layout {
	/** Short name for tables. */
	name: string;
	/** Billed KV reads per request (averaged over the month). */
	kvReadsPerRequest: number;
	/** Cache API reads per request (not billed). */
	cacheApiReadsPerRequest: number;
	/** Where the two figures come from. */
	source: string;
}

/**
 * The per-device layout: each request reads the KV key of a device Tencent has not asked about
 * recently, so practically every read is billed. One read per request is the lower bound the
 * platform facts use (docs/cloudflare/platform-facts.md "What this means for RTA"); the per-device
 * read path read one key per usable id, 2–6 on an in-isolate miss.
 */
export const PER_DEVICE_LAYOUT: Layout = {
	name: "per-device KV",
	kvReadsPerRequest: 1,
	cacheApiReadsPerRequest: 0,
	source:
		'docs/cloudflare/platform-facts.md "What this means for RTA": one KV read per request (a lower bound)',
};

/** One line of the estimate. */
export interface MonthlyCost {
	qps: number;
	layout: string;
	requests: number;
	requestsUsd: number;
	cpuMs: number;
	cpuUsd: number;
	kvReads: number;
	kvReadsUsd: number;
	cacheApiReads: number;
	planUsd: number;
	totalUsd: number;
}

/**
 * Usage and cost of one month.
 * @param qps - RTA requests per second reaching the responder (after Tencent's cache)
 * @param layout - how the audience is read
 * @param cpuMsPerRequest - CPU time billed per request
 * @returns the month's figures
 * @example monthlyCost(250_000, PER_DEVICE_LAYOUT, 1).kvReads // 648_000_000_000
 */
export function monthlyCost(qps: number, layout: Layout, cpuMsPerRequest: number): MonthlyCost {
	const requests = qps * SECONDS_PER_MONTH;
	const cpuMs = requests * cpuMsPerRequest;
	const kvReads = requests * layout.kvReadsPerRequest;
	const requestsUsd = usdFor(requests, PRICES.workerRequests);
	const cpuUsd = usdFor(cpuMs, PRICES.workerCpuMs);
	const kvReadsUsd = usdFor(kvReads, PRICES.kvReads);
	return {
		qps,
		layout: layout.name,
		requests,
		requestsUsd,
		cpuMs,
		cpuUsd,
		kvReads,
		kvReadsUsd,
		cacheApiReads: requests * layout.cacheApiReadsPerRequest,
		planUsd: WORKERS_PAID_MONTHLY_USD,
		totalUsd: WORKERS_PAID_MONTHLY_USD + requestsUsd + cpuUsd + kvReadsUsd,
	};
}
