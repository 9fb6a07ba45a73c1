/**
 * A small, honest ops/s meter: candidates are measured in alternating rounds (so machine noise
 * hits both sides alike) and the median round is reported.
 * @module
 */

/** One thing to measure: `run` does `batch` operations. */
export interface Candidate {
	name: string;
	batch: number;
	run: () => void | Promise<void>;
}

/** Median ops/s of each candidate, in input order. */
export async function measure(candidates: Candidate[], rounds = 7, roundMs = 150): Promise<number[]> {
	const samples = candidates.map(() => [] as number[]);
	for (const c of candidates) for (let i = 0; i < 3; i++) await c.run(); // warm up the JIT
	for (let r = 0; r < rounds; r++) {
		for (const [i, c] of candidates.entries()) {
			let ops = 0;
			const start = performance.now();
			let elapsed = 0;
			while (elapsed < roundMs) {
				await c.run();
				ops += c.batch;
				elapsed = performance.now() - start;
			}
			samples[i]?.push((ops * 1000) / elapsed);
		}
	}
	return samples.map((s) => {
		const sorted = [...s].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)] ?? 0;
	});
}

/** Formats ops/s with thousands separators. */
export function formatOps(ops: number): string {
	return Math.round(ops).toLocaleString("en-US");
}
