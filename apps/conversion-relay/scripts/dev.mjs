#!/usr/bin/env node
/**
 * `npm run dev`: the relay on 127.0.0.1:8788 next to a fake Tencent endpoint on 127.0.0.1:8790.
 * Creates .dev.vars from .dev.vars.example when absent, applies the D1 migrations locally, then
 * runs both `wrangler dev` sessions until interrupted. Set TXAD_RELAY_NO_FAKE=1 to skip the fake.
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// Run wrangler's own entry with this Node, not through npx, so signals reach it directly.
const wrangler = path.join(
	path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
	"bin",
	"wrangler.js",
);
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

if (!existsSync(path.join(root, ".dev.vars"))) {
	copyFileSync(path.join(root, ".dev.vars.example"), path.join(root, ".dev.vars"));
	console.log("[relay] created .dev.vars from .dev.vars.example (demo secrets)");
}

const migrate = spawnSync(process.execPath, [wrangler, "d1", "migrations", "apply", "LEDGER", "--local"], {
	cwd: root,
	env,
	stdio: "inherit",
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const children = [];
function run(name, args) {
	const child = spawn(process.execPath, [wrangler, "dev", ...args], { cwd: root, env, stdio: "inherit" });
	child.on("exit", (code) => {
		console.log(`[relay] ${name} exited with ${code}`);
		shutdown(code ?? 0);
	});
	children.push(child);
}

let stopping = false;
function shutdown(code) {
	if (stopping) return;
	stopping = true;
	for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
	setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

if (process.env.TXAD_RELAY_NO_FAKE !== "1") {
	run("fake-tencent", [
		"-c",
		"fake-upstream/wrangler.jsonc",
		"--port",
		"8790",
		"--ip",
		"127.0.0.1",
		"--inspector-port",
		"9240",
	]);
}
// Local-only settings: deliver to the fake, retry after seconds rather than minutes.
// (With `secrets.required` in wrangler.jsonc, .dev.vars supplies only the secrets.)
const localVars =
	process.env.TXAD_RELAY_NO_FAKE === "1" ? [] : ["TENCENT_CONV_BASE_URL:http://127.0.0.1:8790"];
localVars.push("RETRY_BASE_SECONDS:2", "RETRY_MAX_SECONDS:30");
run("relay", [
	"--port",
	"8788",
	"--ip",
	"127.0.0.1",
	"--inspector-port",
	"9241",
	"--test-scheduled",
	...localVars.flatMap((v) => ["--var", v]),
]);
