import { describe, it } from "vitest";
import { isDspbError } from "./errors.ts";
import { type DspbExchangeKind, expectedStatus, type FetchLike, fetchAds, shouldRetry } from "./fetch.ts";
import { SECRET, seedAndroid } from "./request.testdata.ts";
import { buildAdRequest } from "./request.ts";
import { SEED_NATIVE_RESPONSE } from "./seed.testdata.ts";

/** A fetch double that answers from a script and records every call. */
function scripted(answers: Array<{ status: number; body?: string } | Error>) {
	const calls: Array<{ url: string; init: RequestInit }> = [];
	const fetch: FetchLike = async (url, init) => {
		calls.push({ url, init });
		const next = answers[calls.length - 1];
		if (next === undefined) throw new Error("unexpected extra call");
		if (next instanceof Error) throw next;
		return new Response(next.body ?? "", { status: next.status });
	};
	return { fetch, calls };
}

const request = () => buildAdRequest({ secret: SECRET }, seedAndroid);

describe("fetchAds: docs/dspb/protocol.md retry rule (retry once only on non-200)", () => {
	it("200 at once: one call, ads parsed, headers and GET sent", async ({ expect }) => {
		const req = await request();
		const { fetch, calls } = scripted([{ status: 200, body: SEED_NATIVE_RESPONSE }]);
		const result = await fetchAds(req, { fetch });
		expect(result.attempts).toBe(1);
		expect(result.ads).toHaveLength(2);
		expect(calls).toHaveLength(1);
		expect(calls[0]?.url).toBe(req.url);
		expect(calls[0]?.init.method).toBe("GET");
		expect(calls[0]?.init.headers).toEqual(req.headers);
	});

	it.for([500, 502, 503, 404, 429, 302])(
		"HTTP %i then 200: retried once, same request",
		async (status, { expect }) => {
			const req = await request();
			const { fetch, calls } = scripted([{ status }, { status: 200, body: SEED_NATIVE_RESPONSE }]);
			const result = await fetchAds(req, { fetch });
			expect(result.attempts).toBe(2);
			expect(calls.map((c) => c.url)).toEqual([req.url, req.url]);
		},
	);

	it("non-200 twice: HTTP_ERROR after exactly two calls", async ({ expect }) => {
		const { fetch, calls } = scripted([
			{ status: 503 },
			{ status: 500 },
			{ status: 200, body: SEED_NATIVE_RESPONSE },
		]);
		const e = await fetchAds(await request(), { fetch }).catch((x: unknown) => x);
		expect(isDspbError(e) && e.code).toBe("HTTP_ERROR");
		expect(isDspbError(e) && e.status).toBe(500);
		expect(isDspbError(e) && e.attempts).toBe(2);
		expect(calls).toHaveLength(2);
	});

	it("ret ≠ 0 on 200 is not retried", async ({ expect }) => {
		const { fetch, calls } = scripted([
			{ status: 200, body: '{"ret":102006,"msg":"no ad"}' },
			{ status: 200 },
		]);
		const e = await fetchAds(await request(), { fetch }).catch((x: unknown) => x);
		expect(isDspbError(e) && e.code).toBe("API_ERROR");
		expect(isDspbError(e) && e.retMeaning).toBe("没有匹配到合适的广告");
		expect(calls).toHaveLength(1);
	});

	it("a ret after the retry says it took two attempts", async ({ expect }) => {
		const { fetch } = scripted([{ status: 503 }, { status: 200, body: '{"ret":102006,"msg":"no ad"}' }]);
		const e = await fetchAds(await request(), { fetch }).catch((x: unknown) => x);
		expect(isDspbError(e) && [e.code, e.ret, e.attempts]).toEqual(["API_ERROR", 102006, 2]);
		expect(isDspbError(e) && e.retMeaning).toBe("没有匹配到合适的广告");
	});

	it("a malformed 200 body is not retried", async ({ expect }) => {
		const { fetch, calls } = scripted([{ status: 200, body: "oops" }, { status: 200 }]);
		const e = await fetchAds(await request(), { fetch }).catch((x: unknown) => x);
		expect(isDspbError(e) && e.code).toBe("INVALID_RESPONSE");
		expect(isDspbError(e) && [e.field, e.attempts]).toEqual(["body", 1]);
		expect(calls).toHaveLength(1);
	});

	it("a network error is not retried", async ({ expect }) => {
		const { fetch, calls } = scripted([new TypeError("connection refused"), { status: 200 }]);
		const e = await fetchAds(await request(), { fetch }).catch((x: unknown) => x);
		expect(isDspbError(e) && e.code).toBe("NETWORK_ERROR");
		expect(isDspbError(e) && e.attempts).toBe(1);
		expect(calls).toHaveLength(1);
	});

	it("a timeout aborts the attempt and is not retried", async ({ expect }) => {
		let calls = 0;
		const hang: FetchLike = (_url, init) => {
			calls++;
			return new Promise((_resolve, reject) => {
				init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
			});
		};
		const e = await fetchAds(await request(), { fetch: hang, timeoutMs: 20 }).catch((x: unknown) => x);
		expect(isDspbError(e) && e.code).toBe("TIMEOUT");
		expect(isDspbError(e) && e.message).toContain("timed out after 20 ms");
		expect(isDspbError(e) && e.attempts).toBe(1);
		expect(calls).toBe(1);
	});

	it("a timeout on the retry is a TIMEOUT after two attempts", async ({ expect }) => {
		let calls = 0;
		const fetch: FetchLike = (_url, init) => {
			calls++;
			if (calls === 1) return Promise.resolve(new Response("", { status: 503 }));
			return new Promise((_resolve, reject) => {
				init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
			});
		};
		const e = await fetchAds(await request(), { fetch, timeoutMs: 20 }).catch((x: unknown) => x);
		expect(isDspbError(e) && e.code).toBe("TIMEOUT");
		expect(isDspbError(e) && e.attempts).toBe(2);
	});

	it("the caller's own abort is a NETWORK_ERROR, not a TIMEOUT", async ({ expect }) => {
		const controller = new AbortController();
		const hang: FetchLike = (_url, init) =>
			new Promise((_resolve, reject) => {
				init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
				controller.abort(new Error("caller gave up"));
			});
		const e = await fetchAds(await request(), {
			fetch: hang,
			timeoutMs: 5000,
			signal: controller.signal,
		}).catch((x: unknown) => x);
		expect(isDspbError(e) && e.code).toBe("NETWORK_ERROR");
	});

	it("rejects a non-positive timeout", async ({ expect }) => {
		const e = await fetchAds(await request(), { timeoutMs: 0 }).catch((x: unknown) => x);
		expect(isDspbError(e) && e.field).toBe("timeoutMs");
	});
});

describe("shouldRetry: every exchange's 响应处理流程", () => {
	const rows: Array<[DspbExchangeKind, 0 | 1 | undefined, number, number, boolean]> = [
		["ad_request", undefined, 200, 1, false],
		["ad_request", undefined, 500, 1, true],
		["ad_request", undefined, 500, 2, false],
		["impression", undefined, 404, 1, true],
		["impression", undefined, 200, 1, false],
		["video_view", undefined, 502, 1, true],
		["video_view", undefined, 502, 2, false],
		["conversion", undefined, 500, 1, true],
		["click", 1, 200, 1, false],
		["click", 1, 302, 1, true],
		["click", 0, 302, 1, false],
		["click", 0, 200, 1, true],
		["click", 0, 200, 2, false],
		// Without interact_type the expected status is unknown: a retry could report the click twice.
		["click", undefined, 302, 1, false],
		["click", undefined, 200, 1, false],
		["click", undefined, 500, 1, false],
		["win_notice", undefined, 500, 1, false],
		["loss_notice", undefined, 500, 1, false],
	];
	it.for(rows)(
		"%s (interact_type %s) status %i attempt %i → %s",
		([kind, it_, status, attempt, retry], { expect }) => {
			expect(shouldRetry(kind, status, attempt, it_)).toBe(retry);
		},
	);
	it("expects 302 only for web-ad clicks", ({ expect }) => {
		expect(expectedStatus("click", 0)).toBe(302);
		expect(expectedStatus("click", 1)).toBe(200);
		expect(expectedStatus("click")).toBeUndefined();
		expect(expectedStatus("impression")).toBe(200);
	});
});
