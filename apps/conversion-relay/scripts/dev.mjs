#!/usr/bin/env node
/**
 * `npm run dev`: the relay on 127.0.0.1:8788 next to the fake Tencent endpoints on 127.0.0.1:8790.
 * Creates .dev.vars from .dev.vars.example when absent, applies the D1 migrations locally, runs
 * both `wrangler dev` sessions until interrupted, and runs the relay's cron sweep every 30 s
 * (`wrangler dev` does not fire crons by itself), so a restart after a kill catches up on its own.
 *
 * Environment: TXAD_RELAY_NO_FAKE=1 skips the fake (the relay then sends to Tencent);
 * TXAD_RELAY_PORT, TXAD_FAKE_PORT and TXAD_RELAY_INSPECTOR_PORT move the ports.
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
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
const relayPort = Number(process.env.TXAD_RELAY_PORT ?? 8788);
const fakePort = Number(process.env.TXAD_FAKE_PORT ?? 8790);
const inspectorPort = Number(process.env.TXAD_RELAY_INSPECTOR_PORT ?? 9240);
const withFake = process.env.TXAD_RELAY_NO_FAKE !== "1";
/** How often the local stand-in for the cron trigger runs the sweep, and when first. */
const SWEEP_EVERY_MS = 30_000;
const FIRST_SWEEP_MS = 12_000;

const devVars = path.join(root, ".dev.vars");
const example = path.join(root, ".dev.vars.example");
if (!existsSync(devVars)) {
	copyFileSync(example, devVars);
	console.log("[relay] created .dev.vars from .dev.vars.example (demo secrets)");
} else {
	// A .dev.vars from an older checkout may lack secrets added since: add the demo ones.
	const keysOf = (text) => new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
	const have = keysOf(readFileSync(devVars, "utf8"));
	const missing = readFileSync(example, "utf8")
		.split("\n")
		.filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line) && !have.has(line.slice(0, line.indexOf("="))));
	if (missing.length > 0) {
		appendFileSync(devVars, `\n# Added from .dev.vars.example by npm run dev\n${missing.join("\n")}\n`);
		console.log(
			`[relay] added ${missing.map((l) => l.slice(0, l.indexOf("="))).join(", ")} to .dev.vars (demo values)`,
		);
	}
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
let sweepTimer;
function shutdown(code) {
	if (stopping) return;
	stopping = true;
	clearInterval(sweepTimer);
	for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
	setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

const fakeOrigin = `http://127.0.0.1:${fakePort}`;
if (withFake) {
	run("fake-tencent", [
		"-c",
		"fake-upstream/wrangler.jsonc",
		"--port",
		String(fakePort),
		"--ip",
		"127.0.0.1",
		"--inspector-port",
		String(inspectorPort),
		"--show-interactive-dev-session=false",
	]);
}
// Local-only settings: deliver to the fake, accept callbacks that point at it, retry after
// seconds rather than minutes, and the demo accounts' action sets. (With `secrets.required` in
// wrangler.jsonc, .dev.vars supplies only the secrets.)
const localVars = withFake
	? [
			`TENCENT_CONV_BASE_URL:${fakeOrigin}`,
			`TENCENT_API_BASE_URL:${fakeOrigin}`,
			`CALLBACK_ORIGINS:${fakeOrigin}`,
		]
	: [];
localVars.push(
	"RETRY_BASE_SECONDS:2",
	"RETRY_MAX_SECONDS:30",
	'TENCENT_ACCOUNTS:{"20345":{"user_action_sets":{"112233":1110000001}},"20347":{"user_action_sets":{"*":1110000002}}}',
);
run("relay", [
	"--port",
	String(relayPort),
	"--ip",
	"127.0.0.1",
	"--inspector-port",
	String(inspectorPort + 1),
	"--test-scheduled",
	"--show-interactive-dev-session=false",
	...localVars.flatMap((v) => ["--var", v]),
]);

// The cron trigger (`* * * * *`) does not fire under wrangler dev; stand in for it, starting soon
// after start-up so a restart after a kill catches up at once.
const runSweep = () =>
	fetch(`http://127.0.0.1:${relayPort}/__scheduled?cron=*+*+*+*+*`)
		.then((r) => r.arrayBuffer())
		.catch(() => {});
setTimeout(runSweep, FIRST_SWEEP_MS).unref();
sweepTimer = setInterval(runSweep, SWEEP_EVERY_MS);
