#!/usr/bin/env node
// Local development: create .dev.vars from the example when absent, apply the D1 migrations and
// the demo data to the local database, then run `wrangler dev` on 127.0.0.1:8789.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";

const root = path.join(import.meta.dirname, "..");
const env = {
	...process.env,
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	WRANGLER_SEND_METRICS: "false",
	CI: "true",
};

if (!existsSync(path.join(root, ".dev.vars"))) {
	copyFileSync(path.join(root, ".dev.vars.example"), path.join(root, ".dev.vars"));
	console.log("created .dev.vars from .dev.vars.example (demo account 10001 / sandbox-demo-token)");
}

function wrangler(args) {
	const result = spawnSync("npx", ["wrangler", ...args], { cwd: root, env, stdio: "inherit" });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

wrangler(["d1", "migrations", "apply", "SANDBOX_DB", "--local"]);
wrangler(["d1", "execute", "SANDBOX_DB", "--local", "--file", "demo/seed.sql"]);
// CI=true above only keeps the migration step non-interactive; the dev server runs normally.
const dev = spawnSync("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", "8789"], {
	cwd: root,
	env: { ...env, CI: process.env.CI ?? "" },
	stdio: "inherit",
});
process.exit(dev.status ?? 0);
