/**
 * Latency histogram with fixed log-spaced buckets (10 per decade from 0.1 ms to 10 s), plus
 * exact percentiles from the recorded samples (the load test's hard request cap bounds them).
 * @module
 */

/** Bucket upper bounds in ms: 10^(k/10) from 0.1 ms to 10 000 ms. */
export const BUCKET_BOUNDS_MS: readonly number[] = Array.from(
	{ length: 51 },
	(_, k) => Math.round(10 ** (k / 10 - 1) * 1000) / 1000,
);

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

/** Records latencies. */
export class LatencyHistogram {
	/** counts[i] = samples ≤ BUCKET_BOUNDS_MS[i] and > the previous bound; last slot = overflow. */
	readonly counts: number[] = new Array(BUCKET_BOUNDS_MS.length + 1).fill(0);
	#samples: Float64Array;
	#n = 0;
	#sum = 0;

	/** @param capacity - most samples kept for exact percentiles */
	constructor(capacity: number) {
		this.#samples = new Float64Array(Math.max(1, capacity));
	}

	/** Adds one latency in ms. */
	record(ms: number): void {
		let lo = 0;
		let hi = BUCKET_BOUNDS_MS.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if ((BUCKET_BOUNDS_MS[mid] as number) < ms) lo = mid + 1;
			else hi = mid;
		}
		this.counts[lo] = (this.counts[lo] ?? 0) + 1;
		if (this.#n < this.#samples.length) this.#samples[this.#n] = ms;
		this.#n++;
		this.#sum += ms;
	}

	/** Samples recorded so far. */
	get count(): number {
		return this.#n;
	}

	/** Exact percentiles (nearest-rank) of what was recorded. */
	summary(): LatencySummary {
		const kept = this.#samples.slice(0, Math.min(this.#n, this.#samples.length)).sort();
		const rank = (p: number) =>
			kept.length === 0 ? 0 : (kept[Math.min(kept.length - 1, Math.ceil(p * kept.length) - 1)] ?? 0);
		return {
			count: this.#n,
			min: kept[0] ?? 0,
			mean: this.#n === 0 ? 0 : this.#sum / this.#n,
			p50: rank(0.5),
			p90: rank(0.9),
			p99: rank(0.99),
			max: kept.length === 0 ? 0 : (kept[kept.length - 1] ?? 0),
		};
	}
}
