/**
 * Vitest for the CLI: Node only (it is a Node tool). Unit tests sit next to the code in src/;
 * test/ holds the end-to-end tests against a real `wrangler dev` responder, started once by
 * test/responder.setup.ts.
 * @module
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		name: "cli",
		environment: "node",
		include: ["src/**/*.test.ts", "test/**/*.test.ts"],
		globalSetup: ["./test/responder.setup.ts"],
		testTimeout: 30_000,
		hookTimeout: 120_000,
	},
});
