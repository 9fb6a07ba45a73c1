/**
 * A small seeded PRNG (mulberry32) so `--seed` reproduces a load test's request mix exactly.
 * Not for anything secret.
 * @module
 */

/** A seeded random source. */
export interface Random {
	/** Uniform in [0, 1). */
	next(): number;
	/** Uniform integer in [0, n). */
	int(n: number): number;
	/** True with probability p. */
	chance(p: number): boolean;
	/** One element of a non-empty list. */
	pick<T>(items: readonly T[]): T;
	/** n random bytes as lower-case hex (2n characters). */
	hex(bytes: number): string;
}

/**
 * Creates a seeded random source.
 * @param seed - any 32-bit integer
 * @returns the source
 * @example const rnd = createRandom(42); rnd.int(10);
 */
export function createRandom(seed: number): Random {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n: number) => Math.floor(next() * n);
	return {
		next,
		int,
		chance: (p) => next() < p,
		pick: <T>(items: readonly T[]) => items[int(items.length)] as T,
		hex: (bytes) => {
			let out = "";
			for (let i = 0; i < bytes; i++) out += int(256).toString(16).padStart(2, "0");
			return out;
		},
	};
}
