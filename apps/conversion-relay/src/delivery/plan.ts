/**
 * Splits the conversions bound for one endpoint into calls: at most `maxCount` items and at most
 * `maxBytes` of body per call (docs/conversion/marketing-api-v3.md "Action fields": 1–50 actions,
 * ≤ 50 KB), filling each call in order before starting the next.
 * @module
 */

/**
 * Plans calls over items of known size.
 * @param sizes - byte size of each serialized item, in order
 * @param maxCount - most items per call
 * @param maxBytes - largest body per call
 * @param envelopeBytes - body bytes with no items (each item after the first adds a comma)
 * @returns the item indexes of each call; an item too large on its own gets a call of its own
 * @example planCalls([10, 10, 10], 2, 1000, 20) // [[0, 1], [2]]
 */
export function planCalls(
	sizes: readonly number[],
	maxCount: number,
	maxBytes: number,
	envelopeBytes: number,
): number[][] {
	const calls: number[][] = [];
	let current: number[] = [];
	let bytes = envelopeBytes;
	sizes.forEach((size, index) => {
		const added = size + (current.length > 0 ? 1 : 0);
		if (current.length > 0 && (current.length >= maxCount || bytes + added > maxBytes)) {
			calls.push(current);
			current = [];
			bytes = envelopeBytes;
		}
		bytes += size + (current.length > 0 ? 1 : 0);
		current.push(index);
	});
	if (current.length > 0) calls.push(current);
	return calls;
}

/**
 * Byte length of a string in UTF-8.
 * @param text - the string
 * @returns its size in bytes
 */
export function utf8Bytes(text: string): number {
	return new TextEncoder().encode(text).byteLength;
}
