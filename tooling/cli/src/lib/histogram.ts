/**
 * Latency samples: exact percentiles (every sample is kept; the load test's hard request cap
 * bounds the memory) and a log-spaced histogram whose bin edges are anchored at the budget, so
 * the budget is a bin edge: every bin is either wholly within it or wholly over it.
 * @module
 */

/** Percentiles and extremes of a set of latencies. */
export interface LatencySummary {
	count: number;
	min: number;
	mean: number;
	p50: number;
	p90: number;
	p99: number;
	max: number;
}

/**
 * Log-spaced latency bins. Bin `i` holds samples in `[edge(firstBin + i), edge(firstBin + i + 1))`
 * with `edge(k) = budgetMs × 10^(k / binsPerDecade)`: bins with `k ≥ 0` are over the budget.
 */
export interface LatencyBins {
	/** The anchor: an edge of the bins (the per-request budget). */
	budgetMs: number;
	/** Bins per factor of ten. */
	binsPerDecade: number;
	/** `k` of the first bin (negative: below the budget). */
	firstBin: number;
	/** Samples per bin, from `firstBin` on. */
	counts: number[];
}

/** Bins per decade of the report's histogram: ~12 % wide, fine enough to show a bimodal shape. */
export const BINS_PER_DECADE = 20;
/** Samples below this (a local error after 0 ms) are counted in the bin of this value. */
const FLOOR_MS = 0.01;

/**
 * The lower edge of bin `k`.
 * @param bins - the histogram
 * @param k - bin number (0 = the first bin at or over the budget)
 * @returns the edge in ms
 * @example binEdge({ budgetMs: 60, binsPerDecade: 20, firstBin: -40, counts: [] }, 0) // 60
 */
export function binEdge(bins: Pick<LatencyBins, "budgetMs" | "binsPerDecade">, k: number): number {
	return bins.budgetMs * 10 ** (k / bins.binsPerDecade);
}

/**
 * The bin of one latency.
 * @param ms - latency
 * @param budgetMs - the anchor
 * @param binsPerDecade - resolution
 * @returns `k` such that `edge(k) ≤ ms < edge(k + 1)`
 */
export function binOf(ms: number, budgetMs: number, binsPerDecade = BINS_PER_DECADE): number {
	const k = Math.floor(binsPerDecade * Math.log10(Math.max(ms, FLOOR_MS) / budgetMs) + 1e-9);
	// Guard the float edge: the result must satisfy edge(k) ≤ ms.
	return budgetMs * 10 ** (k / binsPerDecade) > Math.max(ms, FLOOR_MS) * (1 + 1e-12) ? k - 1 : k;
}

/** Records latencies. */
export class LatencyHistogram {
	#samples: Float64Array;
	#n = 0;
	#sum = 0;

	/** @param capacity - most samples kept for exact percentiles */
	constructor(capacity: number) {
		this.#samples = new Float64Array(Math.max(1, capacity));
	}

	/** Adds one latency in ms. */
	record(ms: number): void {
		if (this.#n < this.#samples.length) this.#samples[this.#n] = ms;
		this.#n++;
		this.#sum += ms;
	}

	/** Samples recorded so far. */
	get count(): number {
		return this.#n;
	}

	#kept(): Float64Array {
		return this.#samples.subarray(0, Math.min(this.#n, this.#samples.length));
	}

	/** Exact percentiles (nearest-rank) of what was recorded. */
	summary(): LatencySummary {
		return summarize(this.#kept(), this.#n, this.#sum);
	}

	/**
	 * The histogram of what was recorded, anchored at the budget.
	 * @param budgetMs - the anchor (a bin edge)
	 * @param binsPerDecade - resolution
	 * @returns the occupied bins (empty counts when nothing was recorded)
	 */
	bins(budgetMs: number, binsPerDecade = BINS_PER_DECADE): LatencyBins {
		const kept = this.#kept();
		if (kept.length === 0) return { budgetMs, binsPerDecade, firstBin: 0, counts: [] };
		let lo = Number.POSITIVE_INFINITY;
		let hi = Number.NEGATIVE_INFINITY;
		const ks = new Int32Array(kept.length);
		kept.forEach((ms, i) => {
			const k = binOf(ms, budgetMs, binsPerDecade);
			ks[i] = k;
			if (k < lo) lo = k;
			if (k > hi) hi = k;
		});
		const counts = new Array<number>(hi - lo + 1).fill(0);
		for (const k of ks) counts[k - lo] = (counts[k - lo] ?? 0) + 1;
		return { budgetMs, binsPerDecade, firstBin: lo, counts };
	}
}

/**
 * Percentiles of a set of samples (nearest rank).
 * @param samples - latencies (not modified)
 * @param count - samples recorded (may exceed `samples.length` when capped)
 * @param sum - sum of every recorded sample
 * @returns the summary
 */
export function summarize(samples: Float64Array, count = samples.length, sum?: number): LatencySummary {
	const sorted = Float64Array.from(samples).sort();
	const rank = (p: number) =>
		sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);
	const total = sum ?? sorted.reduce((a, b) => a + b, 0);
	return {
		count,
		min: sorted[0] ?? 0,
		mean: count === 0 ? 0 : total / count,
		p50: rank(0.5),
		p90: rank(0.9),
		p99: rank(0.99),
		max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] ?? 0),
	};
}
