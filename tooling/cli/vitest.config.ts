/**
 * Vitest for the CLI: Node only (it is a Node tool). Two projects: `cli` — unit tests next to the
 * code in src/ plus the tests in test/ against the scripted target and the report in headless
 * Chromium, all on ports the OS picks — and `cli-e2e`, the end-to-end tests against a real
 * `wrangler dev` responder on the fixed port 8797, started once by test/responder.setup.ts. A
 * global setup runs only when its project has tests queued, so `vitest run src/…` never starts
 * the responder. Files run one at a time: the load tests measure latency against a 60 ms budget,
 * and a browser or a 200 000-line build in a parallel worker would eat the same cores.
 * @module
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		environment: "node",
		testTimeout: 30_000,
		fileParallelism: false,
		projects: [
			{
				extends: true,
				test: {
					name: "cli",
					include: ["src/**/*.test.ts", "test/**/*.test.ts"],
					exclude: ["test/**/*.e2e.test.ts"],
				},
			},
			{
				extends: true,
				test: {
					name: "cli-e2e",
					include: ["test/**/*.e2e.test.ts"],
					globalSetup: ["./test/responder.setup.ts"],
					hookTimeout: 120_000,
				},
			},
		],
	},
});
