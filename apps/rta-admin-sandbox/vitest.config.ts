/**
 * Tests run in workerd against the real D1 binding from wrangler.jsonc (migrations applied per
 * test file), with two accounts and a small strategy limit.
 * @module
 */
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
	const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.jsonc" },
				miniflare: {
					bindings: {
						TEST_MIGRATIONS: migrations,
						// Each test file uses its own accounts, so files never see each other's rows.
						SANDBOX_ACCOUNTS: JSON.stringify({
							"10001": "token-one",
							"20002": "token-two",
							"30003": "token-three",
							"40004": "token-four",
						}),
						SANDBOX_MAX_TARGETS: "25",
					},
				},
			}),
		],
		test: { include: ["test/**/*.test.ts"], setupFiles: ["./test/apply-migrations.ts"] },
	};
});
