/**
 * Per-isolate counters by placement, shown by `GET /healthz`. Workers run many isolates, so these
 * describe one of them; fleet-wide numbers come from the logs (Workers observability).
 * @module
 */

/** Latency bucket upper bounds in ms; the last bucket is everything slower. */
export const LATENCY_BUCKETS_MS = [10, 25, 50, 100, 200, 500, 1000, 2000] as const;

/** Counters of one placement. */
export interface PlacementMetrics {
	/** POST /v1/ads calls that reached 优量汇 (valid and authorised). */
	requests: number;
	/** Requests answered with at least one ad. */
	fills: number;
	/** Ads handed to callers. */
	ads: number;
	/** Ads dropped by the install-relation filter. */
	filtered: number;
	/** Requests that needed the one retry the guide allows (first answer not HTTP 200). */
	retries: number;
	/** `ret` values answered, including 0 and 102006. */
	ret: Record<string, number>;
	/** Failures by gateway error code (UPSTREAM_HTTP, UPSTREAM_TIMEOUT, …). */
	errors: Record<string, number>;
	/** Win / loss notices sent, and sends that failed (no retry). */
	notices: { win: number; loss: number; failed: number };
	/** Wall time of POST /v1/ads (ms): count, sum, max and a histogram over LATENCY_BUCKETS_MS. */
	latency: { count: number; sum_ms: number; max_ms: number; buckets: number[] };
}

/** Counters since the isolate served its first request. */
export const metrics = {
	// Set on the first request: at module scope the Workers clock still reads 1970.
	startedAt: null as string | null,
	unauthorized: 0,
	badRequests: 0,
	placements: {} as Record<string, PlacementMetrics>,
};

/**
 * The counters of a placement, created on first use.
 * @param posId - the placement id
 * @returns its counters
 */
export function placementMetrics(posId: string): PlacementMetrics {
	let m = metrics.placements[posId];
	if (m === undefined) {
		m = {
			requests: 0,
			fills: 0,
			ads: 0,
			filtered: 0,
			retries: 0,
			ret: {},
			errors: {},
			notices: { win: 0, loss: 0, failed: 0 },
			latency: { count: 0, sum_ms: 0, max_ms: 0, buckets: LATENCY_BUCKETS_MS.map(() => 0).concat(0) },
		};
		metrics.placements[posId] = m;
	}
	return m;
}

/**
 * Records one request's wall time.
 * @param m - the placement's counters
 * @param ms - elapsed milliseconds
 */
export function recordLatency(m: PlacementMetrics, ms: number): void {
	m.latency.count++;
	m.latency.sum_ms += ms;
	m.latency.max_ms = Math.max(m.latency.max_ms, ms);
	const i = LATENCY_BUCKETS_MS.findIndex((limit) => ms <= limit);
	const at = i === -1 ? LATENCY_BUCKETS_MS.length : i;
	m.latency.buckets[at] = (m.latency.buckets[at] ?? 0) + 1;
}

/**
 * Adds one to a keyed counter.
 * @param counts - the counter map
 * @param key - the key
 */
export function bump(counts: Record<string, number>, key: string | number): void {
	counts[key] = (counts[key] ?? 0) + 1;
}

/** Notes when the isolate served its first request (the router calls it for each one). */
export function markStarted(): void {
	metrics.startedAt ??= new Date().toISOString();
}
