/**
 * Shared Vitest settings for pure packages: the same colocated suite runs once in Node and
 * once inside workerd (no `nodejs_compat`), which is what proves a package is portable.
 * @module
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { COMPATIBILITY_DATE } from "./compatibility-date.js";

export { COMPATIBILITY_DATE };

const include = ["src/**/*.test.ts"];

/** Vitest config that runs a package's suite in Node. */
export function nodeTestConfig() {
	return defineConfig({ test: { include, name: "node" } });
}

/** Vitest config that runs a package's suite in workerd without Node compatibility. */
export function workerdTestConfig() {
	return defineConfig({
		plugins: [
			cloudflareTest({
				miniflare: { compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: [] },
			}),
		],
		test: { include, name: "workerd" },
	});
}
