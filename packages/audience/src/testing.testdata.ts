/**
 * Deterministic test inputs: a small PRNG and md5-shaped hex ids derived from it.
 * @module
 */

/** xorshift32: reproducible, fast, good enough to spread test ids. */
export function prng(seed: number): () => number {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return x >>> 0;
	};
}

/** A random 32-hex id. */
export function randomHash(next: () => number): string {
	let s = "";
	for (let i = 0; i < 4; i++) s += next().toString(16).padStart(8, "0");
	return s;
}

/** Structured, clearly-not-md5 ids: "0000…0001", "0000…0002", … */
export function sequentialHash(i: number): string {
	return i.toString(16).padStart(32, "0");
}
