/**
 * Vitest global setup for the end-to-end tests: starts the REAL responder
 * (`wrangler dev` from apps/rta-responder) on a free 127.0.0.1 port with a throw-away state dir,
 * waits for /healthz, hands its URL (and state dir) to the tests, and stops it afterwards. When
 * the responder app is not there yet the tests get the reason and skip.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { TestProject } from "vitest/node";

/** Admin token the e2e responder is started with. */
export const E2E_ADMIN_TOKEN = "txad-cli-e2e-token";

declare module "vitest" {
	export interface ProvidedContext {
		/** Base URL of the running responder, or null with `responderMissing` saying why. */
		responderUrl: string | null;
		responderMissing: string;
		/** The responder's local state directory (wrangler --persist-to), for `audience publish`. */
		responderState: string;
	}
}

const APP_DIR = new URL("../../../apps/rta-responder/", import.meta.url).pathname;

/** A port nothing listens on right now (asked from the OS), so parallel runs never collide. */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	const address = server.address();
	await new Promise((resolve) => server.close(resolve));
	if (address === null || typeof address === "string") throw new Error("no port from the OS");
	return address.port;
}

async function waitForHealth(
	base: string,
	child: ChildProcess,
	log: () => string,
): Promise<string | undefined> {
	const deadline = Date.now() + 90_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) return `wrangler dev exited with ${child.exitCode}:\n${log().slice(-2000)}`;
		try {
			const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
			if (res.ok) return undefined;
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
	return `no healthy /healthz at ${base} within 90 s:\n${log().slice(-2000)}`;
}

export default async function setup(project: TestProject) {
	if (!existsSync(join(APP_DIR, "wrangler.jsonc"))) {
		project.provide("responderUrl", null);
		project.provide("responderMissing", "apps/rta-responder/wrangler.jsonc does not exist yet");
		project.provide("responderState", "");
		return;
	}
	const state = await mkdtemp(join(tmpdir(), "txad-cli-e2e-"));
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const envFile = join(state, "e2e.env");
	// No header signature (empty = check off), our admin token.
	await writeFile(envFile, `ADMIN_TOKEN=${E2E_ADMIN_TOKEN}\nRTA_SIGN_HEADERS=\nRTA_SIGN_HEADERS_PREVIOUS=\n`);
	let output = "";
	const child = spawn(
		process.execPath,
		[
			new URL("../../../node_modules/wrangler/bin/wrangler.js", import.meta.url).pathname,
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--persist-to",
			join(state, "state"),
			// Our own env file: secrets come from it instead of a developer's .dev.vars.
			"--env-file",
			envFile,
			"--show-interactive-dev-session=false",
			// Per-request info lines cost the dev proxy more than the Worker itself under load.
			"--log-level",
			"warn",
			// Notice a published snapshot within a second (the default is 10 s).
			"--var",
			"CONFIG_REFRESH_SECONDS:1",
		],
		{
			cwd: APP_DIR,
			env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "1" },
			stdio: ["ignore", "pipe", "pipe"],
			detached: true,
		},
	);
	child.stdout?.on("data", (c) => {
		output += c;
	});
	child.stderr?.on("data", (c) => {
		output += c;
	});
	const stop = async () => {
		if (child.exitCode === null && child.pid !== undefined) {
			// wrangler starts workerd as a child: signal the whole group we created.
			process.kill(-child.pid, "SIGTERM");
			await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5000)]);
			if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
		}
		await rm(state, { recursive: true, force: true });
	};
	const problem = await waitForHealth(base, child, () => output);
	if (problem !== undefined) {
		await stop();
		project.provide("responderUrl", null);
		project.provide("responderMissing", problem);
		project.provide("responderState", "");
		return;
	}
	project.provide("responderUrl", base);
	project.provide("responderMissing", "");
	project.provide("responderState", join(state, "state"));
	return stop;
}
