/**
 * The load test's time series: every request's send time, latency and outcome label (an RTA
 * `code`, "timeout" or an error reason), folded into per-second rows for the report — throughput,
 * p50/p90/p99 latency and outcomes per second, the way k6 and Gatling chart a run. Kept in typed
 * arrays (≈ 13 bytes per request), bounded by the load test's request cap.
 * @module
 */
import { summarize } from "./histogram.ts";

/** Label of a request that got no answer within the budget. */
export const TIMEOUT_LABEL = "timeout";
/** Most distinct labels kept; the rest are counted together (a target answering random codes). */
export const MAX_LABELS = 16;
/** What the labels past {@link MAX_LABELS} are counted as. */
export const OTHER_LABEL = "other";

/** What kind of outcome a label stands for (colours and verdict). */
export type OutcomeKind = "taken" | "refused" | "ping" | "timeout" | "error";

/** One second of the run (requests grouped by the second they were sent in). */
export interface SecondRow {
	/** Seconds since the start of the run (warm-up included). */
	t: number;
	/** Whether the second belongs to the warm-up ramp (not counted in the verdict). */
	warmup: boolean;
	/** Requests sent in this second. */
	sent: number;
	/** Of them, answered (HTTP 200 with a decodable RtaResponse) within the budget. */
	ok: number;
	timeouts: number;
	errors: number;
	/** Requests per outcome label (see {@link Timeline.labels}). */
	outcomes: Record<string, number>;
	/** Latency of the second's requests, ms (a timeout counts as at least the budget). */
	p50: number;
	p90: number;
	p99: number;
	max: number;
}

/** Records requests and folds them into seconds. */
export class Timeline {
	readonly #sentAt: Float64Array;
	readonly #ms: Float32Array;
	readonly #label: Uint8Array;
	readonly #warmup: Uint8Array;
	readonly #labels: string[] = [];
	readonly #kinds: OutcomeKind[] = [];
	#n = 0;

	/** @param capacity - most requests recorded (the run's planned total) */
	constructor(capacity: number) {
		const size = Math.max(1, capacity);
		this.#sentAt = new Float64Array(size);
		this.#ms = new Float32Array(size);
		this.#label = new Uint8Array(size);
		this.#warmup = new Uint8Array(size);
	}

	#labelIndex(label: string, kind: OutcomeKind): number {
		let i = this.#labels.indexOf(label);
		if (i >= 0) return i;
		if (this.#labels.length >= MAX_LABELS - 1) {
			i = this.#labels.indexOf(OTHER_LABEL);
			if (i >= 0) return i;
			label = OTHER_LABEL;
		}
		this.#labels.push(label);
		this.#kinds.push(kind);
		return this.#labels.length - 1;
	}

	/**
	 * Records one finished request.
	 * @param sentAtMs - when it was sent, ms since the start of the run
	 * @param ms - its latency
	 * @param label - what came back: "0 TAKE", "4 NO_STRATEGY", "timeout", "http_500"…
	 * @param kind - the outcome class of the label
	 * @param warmup - sent during the warm-up ramp
	 */
	record(sentAtMs: number, ms: number, label: string, kind: OutcomeKind, warmup: boolean): void {
		if (this.#n >= this.#sentAt.length) return;
		const i = this.#n++;
		this.#sentAt[i] = sentAtMs;
		this.#ms[i] = ms;
		this.#label[i] = this.#labelIndex(label, kind);
		this.#warmup[i] = warmup ? 1 : 0;
	}

	/** Outcome labels in first-seen order, with their kinds. */
	labels(): { label: string; kind: OutcomeKind }[] {
		return this.#labels.map((label, i) => ({ label, kind: this.#kinds[i] as OutcomeKind }));
	}

	/**
	 * Per-second rows, from second 0 to the last second anything was sent in (empty seconds
	 * included, so a stall shows as a gap).
	 * @returns the rows
	 */
	seconds(): SecondRow[] {
		if (this.#n === 0) return [];
		let last = 0;
		for (let i = 0; i < this.#n; i++) last = Math.max(last, Math.floor((this.#sentAt[i] as number) / 1000));
		const groups: number[][] = Array.from({ length: last + 1 }, () => []);
		for (let i = 0; i < this.#n; i++) groups[Math.floor((this.#sentAt[i] as number) / 1000)]?.push(i);
		return groups.map((members, t) => {
			const outcomes: Record<string, number> = {};
			let ok = 0;
			let timeouts = 0;
			let errors = 0;
			let warm = 0;
			const ms = new Float64Array(members.length);
			members.forEach((i, j) => {
				const labelIndex = this.#label[i] as number;
				const label = this.#labels[labelIndex] as string;
				const kind = this.#kinds[labelIndex] as OutcomeKind;
				outcomes[label] = (outcomes[label] ?? 0) + 1;
				if (kind === "timeout") timeouts++;
				else if (kind === "error") errors++;
				else ok++;
				warm += this.#warmup[i] as number;
				ms[j] = this.#ms[i] as number;
			});
			const s = summarize(ms);
			return {
				t,
				warmup: members.length > 0 && warm * 2 > members.length,
				sent: members.length,
				ok,
				timeouts,
				errors,
				outcomes,
				p50: s.p50,
				p90: s.p90,
				p99: s.p99,
				max: s.max,
			};
		});
	}
}
