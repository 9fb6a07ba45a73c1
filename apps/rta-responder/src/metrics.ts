/**
 * Per-isolate counters, shown by `GET /healthz`. Workers have many isolates, so these describe
 * one of them; fleet-wide numbers come from the logs (Workers observability). The audience's own
 * counters (hits per tier, loads) live on its reader (src/audience/reader.ts).
 * @module
 */
import { codeName } from "./codes.ts";

/** Counters since the isolate started. */
export const metrics = {
	/**
	 * When the isolate served its first request. Not taken at start-up: workerd's clock reads
	 * 1970-01-01 outside a request (it is set only while one runs), see {@link noteRequest}.
	 */
	startedAt: null as string | null,
	requests: 0,
	pings: 0,
	/** `is_test` requests (Tencent's debug tool): decided normally, counted apart. */
	tests: 0,
	unauthorized: 0,
	tooLarge: 0,
	byCode: {} as Record<string, number>,
	deadlineFallbacks: 0,
	storageErrors: 0,
	/** Requests decided without waiting: every shard they needed was in isolate memory. */
	decidedFromMemory: 0,
	/** Requests that waited for a shard load (Cache API or KV). */
	waitedForShards: 0,
};

/**
 * Counts an answered code.
 * @param code - RtaResponse.code
 */
export function countCode(code: number): void {
	const name = codeName(code);
	metrics.byCode[name] = (metrics.byCode[name] ?? 0) + 1;
}

/**
 * Marks the isolate's first request: the earliest moment the clock is real.
 * @param nowMs - epoch ms of the request
 */
export function noteRequest(nowMs: number): void {
	if (metrics.startedAt === null) metrics.startedAt = new Date(nowMs).toISOString();
}
