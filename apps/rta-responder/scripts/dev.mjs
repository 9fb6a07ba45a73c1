/**
 * `npm run dev`: seeds the local KV with the demo strategy config (seed/config.json) and the demo
 * audience — built from seed/audience.csv and published as a snapshot with `txad audience build`
 * and `txad audience publish --local`, exactly as a real audience is — then runs `wrangler dev` on
 * 127.0.0.1:8787 with `--log-level warn`. Extra arguments go to wrangler (e.g. `-- --port 8790`,
 * `-- --log-level log`).
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const app = path.join(import.meta.dirname, "..");
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
// Run wrangler's own entry with this node (not through npx), so a signal to this script reaches it.
const wranglerBin = path.join(
	path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
	"bin/wrangler.js",
);
const wrangler = (args) =>
	spawnSync(process.execPath, [wranglerBin, ...args], { cwd: app, env, stdio: "inherit" });
const txadBin = path.join(
	path.dirname(createRequire(import.meta.url).resolve("@txad/cli/package.json")),
	"bin/txad.mjs",
);
// Its summaries stay out of the dev log; errors still show.
const txad = (args) =>
	spawnSync(process.execPath, [txadBin, ...args], { cwd: app, env, stdio: ["ignore", "ignore", "inherit"] });

if (!existsSync(path.join(app, ".dev.vars"))) {
	copyFileSync(path.join(app, ".dev.vars.example"), path.join(app, ".dev.vars"));
	console.log("created .dev.vars from .dev.vars.example");
}

// The config is stored in the form PUT /admin/config writes: { version, updated_at, config }.
const config = JSON.parse(readFileSync(path.join(app, "seed/config.json"), "utf8"));
const stored = { version: "seed", updated_at: new Date().toISOString(), config };
const tmp = path.join(mkdtempSync(path.join(tmpdir(), "rta-seed-")), "config.json");
writeFileSync(tmp, JSON.stringify(stored));

const snapshot = path.join(path.dirname(tmp), "audience");
for (const run of [
	() => wrangler(["kv", "key", "put", "config:strategies", "--path", tmp, "--binding", "RTA_KV", "--local"]),
	() => txad(["audience", "build", "seed/audience.csv", "--out", snapshot, "--quiet"]),
	() => txad(["audience", "publish", snapshot, "--local", "--config", "wrangler.jsonc", "--quiet"]),
]) {
	const r = run();
	if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log("seeded local KV: demo config (seed/config.json) and audience snapshot (seed/audience.csv)");

const extra = process.argv.slice(2);
const defaults = [
	...(extra.some((a) => a === "--ip" || a.startsWith("--ip=")) ? [] : ["--ip", "127.0.0.1"]),
	...(extra.some((a) => a === "--port" || a.startsWith("--port=")) ? [] : ["--port", "8787"]),
	// Warnings and errors only: wrangler's per-request "[wrangler:info] POST /rta 200" line and the
	// decision log lines cost the dev stack more CPU than the Worker itself, enough to push the root
	// README's load test over its 60 ms budget on 2 cores. `npm run dev -- --log-level log` shows them.
	...(extra.some((a) => a === "--log-level" || a.startsWith("--log-level=")) ? [] : ["--log-level", "warn"]),
];
const child = spawn(process.execPath, [wranglerBin, "dev", ...defaults, ...extra], {
	cwd: app,
	env,
	stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
