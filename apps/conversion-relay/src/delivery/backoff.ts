/**
 * Retry delays: exponential with jitter, capped.
 * @module
 */

/**
 * The delay before the next attempt: `base * 2^(attempt-1)`, capped at `max`, then jittered
 * into its upper half so conversions that failed together do not retry together.
 * @param attempt - the attempt that just failed, 1-based
 * @param baseSeconds - delay after the first failure
 * @param maxSeconds - largest delay
 * @param random - a number in [0, 1), injectable for tests
 * @returns whole seconds
 * @example retryDelaySeconds(3, 30, 3600, () => 0) // 60: 120 halved
 */
export function retryDelaySeconds(
	attempt: number,
	baseSeconds: number,
	maxSeconds: number,
	random: () => number = Math.random,
): number {
	const exponent = Math.min(Math.max(attempt - 1, 0), 30);
	const ceiling = Math.min(maxSeconds, baseSeconds * 2 ** exponent);
	return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
