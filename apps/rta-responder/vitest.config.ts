/**
 * Five projects:
 * - "unit" (vitest.unit.config.ts): the colocated unit tests of the pure modules, in Node;
 * - "unit-workerd": the same files inside workerd, the runtime the modules are deployed to;
 * - "integration": the responder as deployed, in workerd against the real KV from wrangler.jsonc,
 *   with the header check and admin token set;
 * - "deadline": DEADLINE_MS=0 and a strategy FALLBACK, so the deadline path is exercised by
 *   configuration rather than by mocking KV;
 * - "browser": the operator console in headless Chromium against a real `wrangler dev` on a port
 *   the OS picks (test/browser/local-stack.ts).
 * Files run one at a time: the workerd projects share the KV namespace and its strategy config.
 * @module
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { UNIT_TESTS } from "./vitest.unit.config.ts";

/** Secrets and vars every project sets (test/helpers.ts reads the same values). */
const bindings = {
	RTA_SIGN_HEADERS: JSON.stringify({ "X-Rta-Token": "tok-current", "X-Rta-Source": "tencent" }),
	RTA_SIGN_HEADERS_PREVIOUS: JSON.stringify({ "X-Rta-Token": "tok-previous", "X-Rta-Source": "tencent" }),
	RTA_SIGN_HEADERS_GRACE_UNTIL: "2999-01-01T00:00:00Z",
	ADMIN_TOKEN: "test-admin-token",
	PLATFORM_CACHE_TIME_SECONDS: "3600",
	// Every request refreshes config, manifest and deltas, so a test sees what it published at once.
	CONFIG_REFRESH_SECONDS: "0",
};

export default defineConfig({
	test: {
		fileParallelism: false,
		projects: [
			"./vitest.unit.config.ts",
			{
				plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.jsonc" }, miniflare: { bindings } })],
				test: { name: "unit-workerd", include: UNIT_TESTS },
			},
			{
				plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.jsonc" }, miniflare: { bindings } })],
				test: {
					name: "integration",
					include: ["test/**/*.test.ts"],
					exclude: ["test/deadline/**", "test/browser/**"],
				},
			},
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: "./wrangler.jsonc" },
						miniflare: { bindings: { ...bindings, DEADLINE_MS: "0", FALLBACK: "st_fallback" } },
					}),
				],
				test: { name: "deadline", include: ["test/deadline/**/*.test.ts"] },
			},
			{
				// The console in headless Chromium against a real `wrangler dev` the test starts itself.
				test: {
					name: "browser",
					include: ["test/browser/**/*.browser.test.ts"],
					environment: "node",
					testTimeout: 60_000,
					hookTimeout: 180_000,
				},
			},
		],
	},
});
