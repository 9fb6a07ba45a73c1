/**
 * `npm run dev`: seeds the local KV with the demo strategy config and audience (seed/), then runs
 * `wrangler dev` on 127.0.0.1:8787. Extra arguments go to wrangler (e.g. `-- --port 8790`).
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

if (!existsSync(path.join(app, ".dev.vars"))) {
	copyFileSync(path.join(app, ".dev.vars.example"), path.join(app, ".dev.vars"));
	console.log("created .dev.vars from .dev.vars.example");
}

// The config is stored in the form PUT /admin/config writes: { version, updated_at, config }.
const config = JSON.parse(readFileSync(path.join(app, "seed/config.json"), "utf8"));
const stored = { version: "seed", updated_at: new Date().toISOString(), config };
const tmp = path.join(mkdtempSync(path.join(tmpdir(), "rta-seed-")), "config.json");
writeFileSync(tmp, JSON.stringify(stored));

for (const args of [
	["kv", "bulk", "put", "seed/audience.json", "--binding", "RTA_KV", "--local"],
	["kv", "key", "put", "config:strategies", "--path", tmp, "--binding", "RTA_KV", "--local"],
]) {
	const r = wrangler(args);
	if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log("seeded local KV: demo config (seed/config.json) and audience (seed/audience.json)");

const child = spawn(
	process.execPath,
	[wranglerBin, "dev", "--ip", "127.0.0.1", "--port", "8787", ...process.argv.slice(2)],
	{
		cwd: app,
		env,
		stdio: "inherit",
	},
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
