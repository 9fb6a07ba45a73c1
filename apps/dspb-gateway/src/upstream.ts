/**
 * The only module that talks to 优量汇: ad requests (with `@txad/dspb`'s retry-once rule and
 * timeout) and notices (one GET each, never retried). It takes a `fetch` rather than reaching for
 * a global, so the domain never touches the network directly.
 * @module
 */
import { type DspbAdRequest, type FetchAdsResult, type FetchLike, fetchAds } from "@txad/dspb";

/** DSP-B guide 超时时间: every interface other than the ad request gets a larger timeout, e.g. 10 s. */
export const NOTICE_TIMEOUT_MS = 10_000;

/** 优量汇 as the gateway uses it. */
export interface Upstream {
	/** Sends an ad request: one retry on a non-200 status, per-attempt timeout, parsed ads. */
	requestAds(request: DspbAdRequest, timeoutMs: number): Promise<FetchAdsResult>;
	/** Sends a notice once; resolves with the status, or the error message when it failed. */
	sendNotice(url: string): Promise<{ status: number } | { error: string }>;
}

/**
 * 优量汇 reached through a `fetch`.
 * @param doFetch - the Workers `fetch`
 * @returns the upstream
 */
export function createUpstream(doFetch: FetchLike): Upstream {
	return {
		requestAds: (request, timeoutMs) => fetchAds(request, { fetch: doFetch, timeoutMs }),
		async sendNotice(url) {
			try {
				// DSP-B guide 竞胜上报 / 竞败上报: no need to wait for the answer, never retried.
				const res = await doFetch(url, { method: "GET", signal: AbortSignal.timeout(NOTICE_TIMEOUT_MS) });
				await res.body?.cancel();
				return { status: res.status };
			} catch (e) {
				return { error: e instanceof Error ? e.message : String(e) };
			}
		},
	};
}
