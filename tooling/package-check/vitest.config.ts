/**
 * Vitest for the package checker: Node only. The tests pack and inspect small fixture packages
 * (a good one and broken variants), so they take seconds, not milliseconds.
 * @module
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: { name: "package-check", environment: "node", include: ["src/**/*.test.ts"], testTimeout: 120_000 },
});
