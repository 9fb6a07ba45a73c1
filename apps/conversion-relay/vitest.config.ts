/**
 * Tests run in workerd against the real bindings from wrangler.jsonc (D1, both queues, the Rate
 * Limiting binding), with every outbound fetch of the relay routed to the fake Tencent endpoints
 * (fake-upstream/worker.js) running as a second Worker. Delivery settings are shrunk so retries
 * take milliseconds.
 * @module
 */
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Shared with the fake, which recomputes encstr with these keys. */
export const TEST_SIGN_KEYS = JSON.stringify({
	"20345": "08ebe39d34c421b8",
	"30001": "5f3c2a1b0d9e8f77",
	"50003": "0a1b2c3d4e5f6071",
});

/**
 * Marketing API accounts of the tests (test/helpers.ts names them):
 * 50001 DataNexus key, every app in action set 5000100001; 50002 the same with md5_sha256 ids;
 * 50003 DataNexus key without an action set (callback mode or the form API); 60001 OAuth;
 * 70001 DataNexus key limited to 3 calls a minute; 80001 a key the fake does not know.
 */
const TEST_TOKENS = JSON.stringify({
	"50001": { access_token: "dn-test-key-50001" },
	"50002": { access_token: "dn-test-key-50002" },
	"50003": { access_token: "dn-test-key-50003" },
	"60001": { client_id: "1112060001", client_secret: "test-client-secret-60001" },
	"70001": { access_token: "dn-test-key-70001" },
	"80001": { access_token: "dn-test-key-unknown-to-tencent" },
});
const TEST_ACCOUNTS = JSON.stringify({
	"50001": { user_action_sets: { "*": 5000100001 } },
	"50002": { user_action_sets: { "*": 5000200001 }, user_id_hash: "md5_sha256" },
	"60001": { user_action_sets: { "*": 6000100001 } },
	"70001": { user_action_sets: { "*": 7000100001 }, calls_per_minute: 3 },
	"80001": { user_action_sets: { "*": 8000100001 } },
});
const FAKE_DATANEXUS_KEYS = JSON.stringify({
	"50001": "dn-test-key-50001",
	"50002": "dn-test-key-50002",
	"50003": "dn-test-key-50003",
	"70001": "dn-test-key-70001",
});
const FAKE_OAUTH_CLIENTS = JSON.stringify({
	"1112060001": { secret: "test-client-secret-60001", account_id: "60001" },
});

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
						CLICK_URL_TOKEN: "test-click-token",
						SIGN_KEYS: TEST_SIGN_KEYS,
						TENCENT_TOKENS: TEST_TOKENS,
						TENCENT_ACCOUNTS: TEST_ACCOUNTS,
						TENCENT_CONV_BASE_URL: "https://t.gdt.qq.com",
						TENCENT_API_BASE_URL: "https://api.e.qq.com",
						RETRY_BASE_SECONDS: "0",
						RETRY_MAX_SECONDS: "0",
						UPSTREAM_TIMEOUT_MS: "300",
						MAX_DELIVERY_ATTEMPTS: "6",
					},
					// A second, tight limiter for the per-caller test (the relay's own stays generous).
					ratelimits: { TEST_TIGHT_LIMITER: { namespace_id: "1399", simple: { limit: 3, period: 60 } } },
					// A database the migration test fills under the old schema and then upgrades.
					d1Databases: ["MIGRATION_DB"],
					// Every fetch the relay makes lands in the fake; tests reach it by a binding.
					outboundService: "fake-tencent",
					serviceBindings: { FAKE_TENCENT: "fake-tencent" },
					queueConsumers: {
						"txad-conversions": {
							maxBatchSize: 100,
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
							bindings: {
								SIGN_KEYS: TEST_SIGN_KEYS,
								DATANEXUS_KEYS: FAKE_DATANEXUS_KEYS,
								OAUTH_CLIENTS: FAKE_OAUTH_CLIENTS,
							},
						},
					],
				},
			}),
		],
		test: { include: ["test/**/*.test.ts"], setupFiles: ["./test/apply-migrations.ts"] },
	};
});
