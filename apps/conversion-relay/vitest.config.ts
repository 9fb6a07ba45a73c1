/**
 * Tests run in workerd against the real bindings from wrangler.jsonc (D1, both queues), with the
 * relay's outbound fetches routed to a fake Tencent endpoint (fake-upstream/worker.js) running as
 * a second Worker. Delivery settings are shrunk so retries take milliseconds.
 * @module
 */
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Shared with the fake, which recomputes encstr with these keys. */
export const TEST_SIGN_KEYS = JSON.stringify({ "20345": "08ebe39d34c421b8", "30001": "5f3c2a1b0d9e8f77" });

export default defineConfig(async () => {
	const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.jsonc" },
				miniflare: {
					bindings: {
						TEST_MIGRATIONS: migrations,
						INGEST_TOKEN: "test-ingest-token",
						SIGN_KEYS: TEST_SIGN_KEYS,
						TENCENT_CONV_BASE_URL: "https://t.gdt.qq.com",
						RETRY_BASE_SECONDS: "0",
						RETRY_MAX_SECONDS: "0",
						UPSTREAM_TIMEOUT_MS: "300",
						MAX_DELIVERY_ATTEMPTS: "6",
					},
					// Every fetch the relay makes lands in the fake; tests reach it by a binding.
					outboundService: "fake-tencent",
					serviceBindings: { FAKE_TENCENT: "fake-tencent" },
					queueConsumers: {
						"txad-conversions": {
							maxBatchSize: 10,
							maxBatchTimeout: 0,
							maxRetries: 20,
							deadLetterQueue: "txad-conversions-dlq",
						},
					},
					workers: [
						{
							name: "fake-tencent",
							modules: true,
							scriptPath: path.join(import.meta.dirname, "fake-upstream/worker.js"),
							compatibilityDate: "2026-11-01",
							bindings: { SIGN_KEYS: TEST_SIGN_KEYS },
						},
					],
				},
			}),
		],
		test: { include: ["test/**/*.test.ts"], setupFiles: ["./test/apply-migrations.ts"] },
	};
});
