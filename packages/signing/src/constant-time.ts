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
	const length = Math.max(x.length, y.length);
	// Fold the length difference in, then walk the longer input so the loop count never
	// depends on which one is shorter.
	let diff = x.length ^ y.length;
	for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
	return diff === 0;
}
