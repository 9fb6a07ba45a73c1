/**
 * Integration tests run in workerd: the gateway as configured by wrangler.jsonc with the demo
 * settings (demo/config.ts), and every fetch it makes routed to the fake 优量汇
 * (fake-upstream/src/index.ts) running as a second Worker, bundled here with esbuild because
 * auxiliary Workers are loaded as plain JavaScript. Tests reach the fake through FAKE_DSPB.
 * @module
 */
import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { build } from "esbuild";
import { defineConfig } from "vitest/config";
import { demoGatewayEnv } from "./demo/config.ts";

const COMPATIBILITY_DATE = "2026-11-01";

export default defineConfig(async () => {
	const fake = await build({
		entryPoints: [path.join(import.meta.dirname, "fake-upstream/src/index.ts")],
		bundle: true,
		format: "esm",
		platform: "neutral",
		target: "es2022",
		write: false,
		logLevel: "warning",
	});
	const script = fake.outputFiles[0]?.text;
	if (script === undefined) throw new Error("esbuild produced no fake upstream bundle");
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.jsonc" },
				miniflare: {
					// The real host name: the fake answers on whatever origin it is called with.
					bindings: demoGatewayEnv("https://mi.gdt.qq.com/api/v3"),
					outboundService: "fake-dspb",
					serviceBindings: { FAKE_DSPB: "fake-dspb" },
					workers: [{ name: "fake-dspb", modules: true, script, compatibilityDate: COMPATIBILITY_DATE }],
				},
			}),
		],
		test: { include: ["test/**/*.test.ts"] },
	};
});
