/**
 * Constant-time comparison for secrets (header values, hex signatures).
 * @module
 */
import { toBytes } from "./encoding.ts";

/**
 * Compares two strings or byte arrays in time that depends only on their lengths, never on
 * where they first differ, so a caller cannot learn a secret byte by byte from response times.
 * @param a - first value
 * @param b - second value
 * @returns true when both have the same bytes
 * @example timingSafeEqual(request.headers.get("x-rta-key") ?? "", expected)
 */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
	const x = toBytes(a);
	const y = toBytes(b);
	// Only the lengths may show in the timing: unequal lengths return at once; for equal lengths
	// every byte is visited and the differences OR-ed, with no exit at the first mismatch.
	if (x.length !== y.length) return false;
	let diff = 0;
	for (const [i, byte] of x.entries()) diff |= byte ^ (y[i] ?? 0);
	return diff === 0;
}
