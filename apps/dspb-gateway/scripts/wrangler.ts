/**
 * How the local scripts (dev.ts, bench/overhead.ts) start wrangler: its own entry run with this
 * Node (not through npx, so signals reach it directly), offline and without metrics.
 * @module
 */
import { createRequire } from "node:module";
import path from "node:path";

/** This app's folder, where wrangler.jsonc lives. */
export const APP_DIR = path.join(import.meta.dirname, "..");

/** wrangler's CLI entry. */
export const WRANGLER_BIN = path.join(
	path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
	"bin",
	"wrangler.js",
);

/** The environment every wrangler run gets. */
export const WRANGLER_ENV = {
	...process.env,
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_SEND_METRICS: "false",
};
