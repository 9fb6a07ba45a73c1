/**
 * GET /healthz: settings validity (503 naming the variable) and this isolate's counters per placement.
 * @module
 */
import { SELF } from "cloudflare:test";
import { describe, it } from "vitest";
import { demoGatewayEnv } from "../demo/config.ts";
import { handleHealthz } from "../src/handlers/healthz.ts";
import { ANDROID_NETWORK, androidDevice, BASE, DEMO_PLACEMENTS, post } from "./helpers.ts";

describe("GET /healthz", () => {
	it("shows the configuration's shape (no secrets) and per-placement counters", async ({ expect }) => {
		await post("/v1/ads", {
			placement: { id: DEMO_PLACEMENTS.noFill },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		await post("/v1/ads", {
			placement: { id: DEMO_PLACEMENTS.http503 },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		const res = await SELF.fetch(`${BASE}/healthz`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as {
			ok: boolean;
			placements: number;
			isolate: {
				placements: Record<
					string,
					{
						requests: number;
						ret: Record<string, number>;
						errors: Record<string, number>;
						retries: number;
						latency: { count: number; buckets: number[] };
					}
				>;
			};
		};
		expect(body).toMatchObject({
			ok: true,
			timeout_ms: 1000,
			placements: 9,
			app_keys: 5,
			price_key: "pkcs1",
		});
		// Set on the first request, not at module scope, where the Workers clock still reads 1970.
		const startedAt = Date.parse((body.isolate as unknown as { startedAt: string }).startedAt);
		expect(startedAt).toBeGreaterThan(Date.parse("2020-01-01"));
		const text = JSON.stringify(body);
		expect(text).not.toContain("LUqGS3BaEbe1O");
		expect(text).not.toContain("demo-android-app-key");
		const noFill = body.isolate.placements[DEMO_PLACEMENTS.noFill];
		expect(noFill?.requests).toBeGreaterThanOrEqual(1);
		expect(noFill?.ret["102006"]).toBeGreaterThanOrEqual(1);
		expect(noFill?.latency.count).toBe(noFill?.requests);
		const http = body.isolate.placements[DEMO_PLACEMENTS.http503];
		expect(http?.errors.UPSTREAM_HTTP).toBeGreaterThanOrEqual(1);
		expect(http?.retries).toBe(http?.errors.UPSTREAM_HTTP);
		expect(http?.latency.buckets.reduce((a, b) => a + b, 0)).toBe(http?.latency.count);
	});

	it("answers 503 naming the bad variable", async ({ expect }) => {
		const env = {
			...demoGatewayEnv("https://mi.gdt.qq.com/api/v3"),
			NOTICE_SIGNING_KEY: "short",
		} as unknown as Env;
		const res = handleHealthz(new Request(`${BASE}/healthz`), env);
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({
			ok: false,
			field: "NOTICE_SIGNING_KEY",
			message: "NOTICE_SIGNING_KEY must be at least 32 characters",
		});
	});
});
