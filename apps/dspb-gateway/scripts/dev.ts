/**
 * `npm run dev`: the gateway on 127.0.0.1:8791 next to the fake 优量汇 on 127.0.0.1:8792, both
 * under `wrangler dev`, offline. Writes .dev.vars with the demo secrets when absent (demo/config.ts),
 * passes the demo vars with --var (wrangler ignores non-secret .dev.vars entries when secrets are
 * declared), and stops both on Ctrl-C. Ports: TXAD_DSPB_GATEWAY_PORT / TXAD_DSPB_FAKE_PORT.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { demoGatewayEnv, SECRET_NAMES } from "../demo/config.ts";
import { APP_DIR, WRANGLER_BIN, WRANGLER_ENV } from "./wrangler.ts";

const gatewayPort = Number(process.env.TXAD_DSPB_GATEWAY_PORT ?? 8791);
const fakePort = Number(process.env.TXAD_DSPB_FAKE_PORT ?? 8792);
const inspectorBase = Number(process.env.TXAD_DSPB_INSPECTOR_PORT ?? 9242);

const demo = demoGatewayEnv(`http://127.0.0.1:${fakePort}/api/v3`);
const devVars = path.join(APP_DIR, ".dev.vars");
if (!existsSync(devVars)) {
	const lines = SECRET_NAMES.map((name) => `${name}='${demo[name]}'`);
	writeFileSync(
		devVars,
		`# Demo secrets for local use only (written by npm run dev from demo/config.ts).\n${lines.join("\n")}\n`,
	);
	console.log("[dspb-gateway] wrote .dev.vars with the demo secrets (local use only)");
}

const children: ChildProcess[] = [];
let stopping = false;
function shutdown(code: number): void {
	if (stopping) return;
	stopping = true;
	for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
	setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

function run(name: string, args: string[]): void {
	const child = spawn(process.execPath, [WRANGLER_BIN, "dev", ...args], {
		cwd: APP_DIR,
		env: WRANGLER_ENV,
		stdio: "inherit",
	});
	child.on("exit", (code) => {
		console.log(`[dspb-gateway] ${name} exited with ${code}`);
		shutdown(code ?? 0);
	});
	children.push(child);
}

const common = (port: number, inspector: number) => [
	"--ip",
	"127.0.0.1",
	"--port",
	String(port),
	"--inspector-port",
	String(inspector),
];
run("fake 优量汇", ["-c", "fake-upstream/wrangler.jsonc", ...common(fakePort, inspectorBase + 1)]);
const vars = Object.entries(demo).filter(([name]) => !(SECRET_NAMES as readonly string[]).includes(name));
run("gateway", [...common(gatewayPort, inspectorBase), ...vars.flatMap(([k, v]) => ["--var", `${k}:${v}`])]);
console.log(
	`[dspb-gateway] gateway http://127.0.0.1:${gatewayPort} → fake 优量汇 http://127.0.0.1:${fakePort} (see apps/dspb-gateway/README.md)`,
);
