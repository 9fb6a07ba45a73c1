/**
 * The one body reader: counts **bytes** as they arrive (a 16k-character CJK body is 48 KB,
 * whatever its length in UTF-16 units), stops reading at the limit, and can be cut short by an
 * abort signal so a stalled stream never outlives its deadline. For request bodies and upstream
 * answers alike. The text and JSON helpers return typed results, never an app's error, so each
 * app maps them onto its own (413 `BODY_TOO_LARGE`, 400 `INVALID_JSON`, …).
 * @module
 */

/** What reading the bytes produced. */
export type BodyRead = { kind: "ok"; bytes: Uint8Array } | { kind: "too_large"; limit: number };

/** What reading a UTF-8 text body produced. */
export type TextRead =
	| { kind: "ok"; text: string }
	| { kind: "too_large"; limit: number }
	| { kind: "not_utf8" };

/** What reading a JSON body produced; `reason` is the parser's own message. */
export type JsonRead =
	| { kind: "ok"; value: unknown }
	| { kind: "too_large"; limit: number }
	| { kind: "not_utf8" }
	| { kind: "invalid_json"; reason: string };

/** A request or a response: what the text and JSON helpers read. */
export interface BodySource {
	readonly headers: Headers;
	readonly body: ReadableStream<Uint8Array> | null;
	/** The whole body at once (`Request` / `Response` have it): used when the length is declared. */
	arrayBuffer?(): Promise<ArrayBuffer>;
}

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

/**
 * Reads a body as bytes of at most `maxBytes` (a protobuf body, a file). A declared
 * `content-length` over the limit is refused before reading. A declared length within it is read
 * in one native `arrayBuffer()` (HTTP framing bounds the body to that length; on workerd this is
 * several times cheaper than pulling the stream chunk by chunk, which dominated the RTA hot path)
 * and checked again; a body without one is pulled and counted, and cut off at the limit.
 * @param source - the request (or response)
 * @param maxBytes - largest accepted size in bytes
 * @param signal - aborts the read, rejecting with the signal's reason
 * @returns the bytes, or `too_large`
 * @example
 * const read = await readBytesWithin(request, 64 * 1024);
 * if (read.kind === "too_large") return new Response(null, { status: 413 });
 */
export async function readBytesWithin(
	source: BodySource,
	maxBytes: number,
	signal?: AbortSignal,
): Promise<BodyRead> {
	const header = source.headers.get("content-length");
	const declared = Number(header ?? "0");
	if (declared > maxBytes) return { kind: "too_large", limit: maxBytes };
	if (header !== null && signal === undefined && source.arrayBuffer !== undefined) {
		const bytes = new Uint8Array(await source.arrayBuffer());
		return bytes.byteLength > maxBytes ? { kind: "too_large", limit: maxBytes } : { kind: "ok", bytes };
	}
	return readBodyLimited(source.body, maxBytes, signal);
}

/**
 * Reads a body as UTF-8 text of at most `maxBytes` bytes. A declared `content-length` over the
 * limit is refused before reading; the bytes read are counted either way, so a body without one,
 * or with a wrong one, is cut off at the limit. A byte-order mark is dropped; any other invalid
 * UTF-8 is `not_utf8`, never silently replaced.
 * @param source - the request (or response)
 * @param maxBytes - largest accepted size in bytes
 * @param signal - aborts the read, rejecting with the signal's reason
 * @returns the text, `too_large` or `not_utf8`
 * @example
 * const read = await readTextWithin(request, 1024 * 1024);
 * if (read.kind === "too_large") throw new AppError(413, "BODY_TOO_LARGE", `body exceeds ${read.limit} bytes`);
 */
export async function readTextWithin(
	source: BodySource,
	maxBytes: number,
	signal?: AbortSignal,
): Promise<TextRead> {
	const read = await readBytesWithin(source, maxBytes, signal);
	if (read.kind === "too_large") return read;
	try {
		return {
			kind: "ok",
			text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(read.bytes),
		};
	} catch {
		return { kind: "not_utf8" };
	}
}

/**
 * Reads a body as JSON of at most `maxBytes` bytes, with {@link readTextWithin}'s rules.
 * Any JSON value is `ok`; whether it must be an object is the route's decision.
 * @param source - the request (or response)
 * @param maxBytes - largest accepted size in bytes
 * @param signal - aborts the read, rejecting with the signal's reason
 * @returns the parsed value, `too_large`, `not_utf8` or `invalid_json` with the parser's reason
 * @example
 * const read = await readJsonWithin(request, 16 * 1024);
 * if (read.kind === "invalid_json") throw new AppError(400, "INVALID_JSON", `body is not JSON: ${read.reason}`);
 */
export async function readJsonWithin(
	source: BodySource,
	maxBytes: number,
	signal?: AbortSignal,
): Promise<JsonRead> {
	const read = await readTextWithin(source, maxBytes, signal);
	if (read.kind !== "ok") return read;
	try {
		return { kind: "ok", value: JSON.parse(read.text) };
	} catch (e) {
		return { kind: "invalid_json", reason: e instanceof Error ? e.message : String(e) };
	}
}
