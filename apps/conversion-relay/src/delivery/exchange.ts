/**
 * One HTTP exchange with a hard deadline over the **whole** exchange: connecting, the response
 * head and reading the body. A response whose body stalls is a timeout like any other, so no
 * conversion sits in `sending` for a whole lease waiting for bytes that never come.
 * @module
 */
import { describeError, readBodyLimited } from "@txad/worker-kit";
import type { Answer } from "./types.ts";

/** Upstream answers are small JSON; anything larger is not an answer we can use. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** What an exchange produced. */
export type Exchanged =
	| { kind: "answer"; answer: Answer; durationMs: number }
	/** The deadline passed; `phase` says whether the response head had arrived. */
	| { kind: "timeout"; phase: "head" | "body"; durationMs: number }
	| { kind: "network"; detail: string; durationMs: number }
	| { kind: "too_large"; status: number; durationMs: number };

class ExchangeTimeout extends Error {
	override name = "ExchangeTimeout";
}

/**
 * Sends `request` and reads the whole answer, all within `timeoutMs`.
 * @param request - the request
 * @param timeoutMs - deadline for the whole exchange
 * @param fetcher - the fetch to use (the global one by default)
 * @returns the answer, or how the exchange ended without one
 */
export async function exchange(
	request: Request,
	timeoutMs: number,
	fetcher: typeof fetch = fetch,
): Promise<Exchanged> {
	const started = Date.now();
	const controller = new AbortController();
	const timer = setTimeout(
		() => controller.abort(new ExchangeTimeout(`no answer within ${timeoutMs} ms`)),
		timeoutMs,
	);
	let phase: "head" | "body" = "head";
	try {
		const response = await fetcher(request, { signal: controller.signal });
		phase = "body";
		const read = await readBodyLimited(response.body, MAX_ANSWER_BYTES, controller.signal);
		if (read.kind === "too_large") {
			return { kind: "too_large", status: response.status, durationMs: Date.now() - started };
		}
		const text = new TextDecoder().decode(read.bytes);
		return {
			kind: "answer",
			answer: { status: response.status, headers: response.headers, text },
			durationMs: Date.now() - started,
		};
	} catch (e) {
		if (controller.signal.aborted) return { kind: "timeout", phase, durationMs: Date.now() - started };
		return { kind: "network", detail: describeError(e), durationMs: Date.now() - started };
	} finally {
		clearTimeout(timer);
	}
}
