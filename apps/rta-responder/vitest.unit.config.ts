/**
 * The colocated unit tests (`src/**\/*.test.ts`) of the pure modules, in Node: no workerd, no
 * bindings. StrykerJS runs this config (stryker.config.json); vitest.config.ts runs it as the
 * "unit" project and runs the same files once more inside workerd.
 * @module
 */
import { defineConfig } from "vitest/config";

/** The colocated unit test files. */
export const UNIT_TESTS = ["src/**/*.test.ts"];

export default defineConfig({
	test: { name: "unit", include: UNIT_TESTS, environment: "node" },
});
