/**
 * Sends a built ad request and applies the retry rule of docs/dspb/protocol.md (响应处理流程): on an HTTP
 * status other than 200, retry at once but only once; never retry anything else (network errors,
 * timeouts, ret ≠ 0).
 * @module
 */
import { DspbError, isDspbError } from "./errors.ts";
import type { DspbAdRequest } from "./request.ts";
import { type DspbAd, parseAdResponse } from "./response.ts";

/** DSP-B guide 超时时间: "广告请求超时时间建议设置1秒". */
export const DSPB_AD_REQUEST_TIMEOUT_MS = 1000;

/** The `fetch` shape this package needs (the global one, or a test double). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options for {@link fetchAds}. */
export interface FetchAdsOptions {
	/** Defaults to the global `fetch`. */
	fetch?: FetchLike;
	/** Per attempt, including reading the body; defaults to {@link DSPB_AD_REQUEST_TIMEOUT_MS}. */
	timeoutMs?: number;
	/** Cancels the whole exchange. */
	signal?: AbortSignal;
}

/** A successful exchange. */
export interface FetchAdsResult {
	/** The slot's ads (possibly none). */
	readonly ads: DspbAd[];
	/** 1, or 2 when the first attempt got a status other than 200. */
	readonly attempts: 1 | 2;
}

/** What may be reported, and how a failure of each may be retried (DSP-B guide, each 响应处理流程). */
export type DspbExchangeKind =
	| "ad_request"
	| "impression"
	| "video_view"
	| "click"
	| "conversion"
	| "win_notice"
	| "loss_notice";

/**
 * The status that counts as success for each exchange (DSP-B guide 响应处理流程 sections). Clicks
 * on web ads (interact_type 0) answer 302, on download ads (1) 200; which one a click expects
 * cannot be known without the ad's interact_type.
 * @param kind - the exchange
 * @param interactType - the ad's interact_type (clicks only)
 * @returns the expected HTTP status; undefined for a click without interact_type
 * @example expectedStatus("click", 0) // 302; expectedStatus("click") // undefined
 */
export function expectedStatus(kind: DspbExchangeKind, interactType?: 0 | 1): number | undefined {
	if (kind !== "click") return 200;
	if (interactType === 0) return 302;
	return interactType === 1 ? 200 : undefined;
}

/**
 * The DSP-B guide's retry rule for every exchange: retry at once, at most once, only when the
 * status is not the expected one; win/loss notices are never retried (竞胜/竞败上报: 其他异常情况,不允许重试), nor
 * are clicks sent without the ad's interact_type. Use `redirect: "manual"` when sending clicks so a
 * 302 stays visible.
 * @param kind - the exchange
 * @param status - the HTTP status received
 * @param attempt - attempts made so far, including this one (1 after the first)
 * @param interactType - the ad's interact_type (clicks: required for any retry)
 * @returns whether to send the same request again now
 * @example shouldRetry("impression", 503, 1) // true; shouldRetry("impression", 503, 2) // false
 */
export function shouldRetry(
	kind: DspbExchangeKind,
	status: number,
	attempt: number,
	interactType?: 0 | 1,
): boolean {
	if (kind === "win_notice" || kind === "loss_notice") return false;
	const expected = expectedStatus(kind, interactType);
	// A click whose ad type is unknown is never retried: a web-ad click answers 302, a download-ad
	// click 200, and guessing wrong would report one tap twice (DSP-B guide 点击上报: 禁止…多次点击上报).
	if (expected === undefined) return false;
	return attempt < 2 && status !== expected;
}

/** Thrown by {@link attempt} when its own timer fired (as opposed to the caller aborting). */
class AttemptTimeout extends Error {
	override name = "AttemptTimeout";
}

async function attempt(
	request: DspbAdRequest,
	doFetch: FetchLike,
	timeoutMs: number,
	outer: AbortSignal | undefined,
): Promise<{ status: number; text: string }> {
	const controller = new AbortController();
	const onAbort = () => controller.abort(outer?.reason);
	if (outer?.aborted) onAbort();
	outer?.addEventListener("abort", onAbort, { once: true });
	const timeout = new AttemptTimeout(`timed out after ${timeoutMs} ms`);
	const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
	try {
		const res = await doFetch(request.url, {
			method: request.method,
			headers: request.headers,
			signal: controller.signal,
		});
		// The body is read (or cancelled) either way so the connection can be reused.
		const text = await res.text();
		return { status: res.status, text };
	} catch (cause) {
		// Whatever the fetch implementation rethrows, the timer is what ended this attempt.
		throw controller.signal.reason === timeout ? timeout : cause;
	} finally {
		clearTimeout(timer);
		outer?.removeEventListener("abort", onAbort);
	}
}

/** The same parse error, saying how many attempts the exchange took (a ret after a retry took two). */
function withAttempts(e: unknown, attempts: number): unknown {
	if (!isDspbError(e)) return e;
	return new DspbError(e.code, e.message, {
		attempts,
		...(e.field === undefined ? {} : { field: e.field }),
		...(e.ret === undefined ? {} : { ret: e.ret }),
		...(e.msg === undefined ? {} : { msg: e.msg }),
		...(e.cause === undefined ? {} : { cause: e.cause }),
	});
}

/**
 * Sends the request, retrying once on a non-200 status, and parses the ads.
 * @param request - from {@link buildAdRequest}
 * @param options - injectable `fetch`, timeout, abort signal
 * @returns the ads and how many attempts it took
 * @throws DspbError `HTTP_ERROR` (non-200 twice; `status`, `attempts`), `TIMEOUT` (an attempt
 *   outlived `timeoutMs`; not retried), `NETWORK_ERROR` (fetch threw or the caller aborted; not
 *   retried), `API_ERROR` (ret ≠ 0; not retried), `INVALID_RESPONSE`; every one carries `attempts`
 * @example
 * const { ads } = await fetchAds(await buildAdRequest(config, input));
 */
export async function fetchAds(
	request: DspbAdRequest,
	options: FetchAdsOptions = {},
): Promise<FetchAdsResult> {
	const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
	const timeoutMs = options.timeoutMs ?? DSPB_AD_REQUEST_TIMEOUT_MS;
	if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
		throw new DspbError("INVALID_FIELD", "timeoutMs must be a positive number", { field: "timeoutMs" });
	}
	for (let n = 1; ; n++) {
		let result: { status: number; text: string };
		try {
			result = await attempt(request, doFetch, timeoutMs, options.signal);
		} catch (cause) {
			if (cause instanceof AttemptTimeout) {
				throw new DspbError("TIMEOUT", `ad request ${cause.message} (attempt ${n})`, { cause, attempts: n });
			}
			throw new DspbError(
				"NETWORK_ERROR",
				`ad request failed before a response (attempt ${n}): ${String(cause)}`,
				{
					cause,
					attempts: n,
				},
			);
		}
		if (result.status === 200) {
			try {
				return { ads: parseAdResponse(result.text, request.posId), attempts: n as 1 | 2 };
			} catch (e) {
				throw withAttempts(e, n);
			}
		}
		if (!shouldRetry("ad_request", result.status, n)) {
			throw new DspbError("HTTP_ERROR", `ad request answered HTTP ${result.status} after ${n} attempt(s)`, {
				status: result.status,
				attempts: n,
			});
		}
	}
}
