/**
 * The one body reader: counts **bytes** as they arrive (a 16k-character CJK body is 48 KB,
 * whatever its length in UTF-16 units), stops reading at the limit, and can be cut short by an
 * abort signal so a stalled stream never outlives its deadline. Used for POST bodies and for
 * upstream answers.
 * @module
 */

/** What reading produced. */
export type BodyRead = { kind: "ok"; bytes: Uint8Array } | { kind: "too_large"; limit: number };

/**
 * Reads a stream up to `maxBytes`.
 * @param body - the stream (`request.body` / `response.body`), or null for an empty body
 * @param maxBytes - largest accepted size in bytes
 * @param signal - aborts the read (the pending chunk too), rejecting with the signal's reason
 * @returns the bytes, or `too_large` as soon as the limit is passed (the rest is never read)
 * @example await readBodyLimited(request.body, 16 * 1024)
 */
export async function readBodyLimited(
	body: ReadableStream<Uint8Array> | null,
	maxBytes: number,
	signal?: AbortSignal,
): Promise<BodyRead> {
	if (body === null) return { kind: "ok", bytes: new Uint8Array() };
	const reader = body.getReader();
	const aborted =
		signal === undefined
			? undefined
			: new Promise<never>((_, reject) => {
					if (signal.aborted) reject(signal.reason);
					signal.addEventListener("abort", () => reject(signal.reason), { once: true });
				});
	// The race below handles it; this only keeps an unused rejection from being reported.
	aborted?.catch(() => {});
	const chunks: Uint8Array[] = [];
	let total = 0;
	try {
		for (;;) {
			const next = aborted === undefined ? await reader.read() : await Promise.race([reader.read(), aborted]);
			if (next.done) break;
			total += next.value.byteLength;
			if (total > maxBytes) {
				await reader.cancel().catch(() => {});
				return { kind: "too_large", limit: maxBytes };
			}
			chunks.push(next.value);
		}
	} catch (e) {
		await reader.cancel().catch(() => {});
		throw e;
	}
	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return { kind: "ok", bytes };
}
