/**
 * A throw-away local responder for the console's browser test and `npm run screenshots`:
 * `wrangler dev` on a port the OS picks, its own state directory and env file (admin token, no
 * header check), then seeded the way a user seeds it — the demo strategy config through
 * `PUT /admin/config`, the demo audience (seed/audience.csv) built and published with
 * `txad audience build` + `txad audience publish --local` into that state directory.
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The admin token the stack's responder is started with. */
export const STACK_ADMIN_TOKEN = "console-test-token";

const APP = path.join(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);
const WRANGLER = path.join(path.dirname(require.resolve("wrangler/package.json")), "bin/wrangler.js");
const TXAD = path.join(path.dirname(require.resolve("@txad/cli/package.json")), "bin/txad.mjs");
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "1" };

/** A running local responder. */
export interface LocalStack {
	/** e.g. http://127.0.0.1:41234 */
	url: string;
	/** Stops wrangler (the whole process group) and deletes the state. */
	stop(): Promise<void>;
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	const address = server.address();
	await new Promise((resolve) => server.close(resolve));
	if (address === null || typeof address === "string") throw new Error("no port from the OS");
	return address.port;
}

function txad(args: string[]): void {
	const r = spawnSync(process.execPath, [TXAD, ...args], { cwd: APP, env: ENV, encoding: "utf8" });
	if (r.status !== 0) throw new Error(`txad ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
}

/**
 * Starts and seeds the stack.
 * @returns its URL and how to stop it
 * @throws Error with wrangler's output when it does not become healthy within 90 s
 */
export async function startLocalStack(): Promise<LocalStack> {
	const dir = await mkdtemp(path.join(tmpdir(), "rta-console-"));
	const state = path.join(dir, "state");
	const envFile = path.join(dir, "stack.env");
	await writeFile(
		envFile,
		`ADMIN_TOKEN=${STACK_ADMIN_TOKEN}\nRTA_SIGN_HEADERS=\nRTA_SIGN_HEADERS_PREVIOUS=\n`,
	);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	let output = "";
	const child: ChildProcess = spawn(
		process.execPath,
		[
			WRANGLER,
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--persist-to",
			state,
			"--env-file",
			envFile,
			"--show-interactive-dev-session=false",
			"--log-level",
			"warn",
			// A published snapshot is noticed within a second.
			"--var",
			"CONFIG_REFRESH_SECONDS:1",
		],
		{ cwd: APP, env: ENV, stdio: ["ignore", "pipe", "pipe"], detached: true },
	);
	child.stdout?.on("data", (c) => {
		output += c;
	});
	child.stderr?.on("data", (c) => {
		output += c;
	});
	const stop = async () => {
		if (child.exitCode === null && child.pid !== undefined) {
			process.kill(-child.pid, "SIGTERM");
			await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5000)]);
			if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
		}
		await rm(dir, { recursive: true, force: true });
	};
	try {
		const deadline = Date.now() + 90_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
			if (Date.now() > deadline) throw new Error(`no healthy /healthz at ${url} within 90 s:\n${output}`);
			const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
				(r) => r.ok,
				() => false,
			);
			if (ok) break;
			await sleep(300);
		}
		const config = await readFile(path.join(APP, "seed/config.json"), "utf8");
		const put = await fetch(`${url}/admin/config`, {
			method: "PUT",
			headers: { authorization: `Bearer ${STACK_ADMIN_TOKEN}` },
			body: config,
		});
		if (put.status !== 200) throw new Error(`PUT /admin/config: ${put.status} ${await put.text()}`);
		const snapshot = path.join(dir, "audience");
		txad(["audience", "build", "seed/audience.csv", "--out", snapshot, "--quiet"]);
		txad([
			"audience",
			"publish",
			snapshot,
			"--local",
			"--config",
			"wrangler.jsonc",
			"--persist-to",
			state,
			"--quiet",
		]);
		// Until /healthz names the snapshot (the responder re-reads the manifest every second).
		for (let i = 0; ; i++) {
			const health = (await (await fetch(`${url}/healthz`)).json()) as { audience: { snapshot_id: unknown } };
			if (typeof health.audience.snapshot_id === "string") break;
			if (i > 100) throw new Error("the published snapshot never showed in /healthz");
			await sleep(200);
		}
	} catch (e) {
		await stop();
		throw e;
	}
	return { url, stop };
}
