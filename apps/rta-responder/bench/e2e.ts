/**
 * End-to-end bench on loopback, twice: the responder on a published 1 M-device audience snapshot
 * (`txad audience build` + `txad audience publish --local` into the bench's own state directory;
 * the shards the requests need warmed into isolate memory) against a fixed-response Worker
 * (bench/ceiling), driven by the same bounded keep-alive load, side by side;
 *
 * 1. through `wrangler dev` (workerd behind wrangler's local proxy, what `npm start` runs), whose
 *    own ceiling hides much of the Worker's cost; goal ≥ 0.7× the ceiling;
 * 2. on workerd's own sockets: Miniflare (wrangler's copy) with `unsafeDirectSockets`, one socket
 *    per Worker, no proxy and no entry Worker in front, the responder bundled exactly as
 *    `wrangler deploy` bundles it, reading the same persisted KV; goal ≥ 0.8× the ceiling.
 *
 * Prints req/s, p50 and p99 of each and the ratios. Every server listens on a free port and is
 * stopped at the end.
 *
 *   npx tsx bench/e2e.ts [--seconds 3] [--rounds 4] [--concurrency 32]
 * @module
 */

import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { hashDeviceId } from "@txad/muid";
import { create, decodeRtaResponse, encodeRtaRequest, RtaRequestSchema } from "@txad/proto";

const { values } = parseArgs({
	options: {
		seconds: { type: "string", default: "3" },
		rounds: { type: "string", default: "4" },
		concurrency: { type: "string", default: "32" },
	},
});
const SECONDS = Math.min(30, Number(values.seconds));
const CONCURRENCY = Math.min(128, Number(values.concurrency));
// Short alternating rounds: the ratio of each responder round to the ceiling round right after it
// cancels most of the drift of a shared machine; the median of those ratios is printed too.
const ROUNDS = Math.min(10, Number(values.rounds));
const DEVICES_IN_SNAPSHOT = 1_000_000;
const ADMIN = "bench-admin-token";
const app = path.join(import.meta.dirname, "..");
const wranglerBin = path.join(
	path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
	"bin/wrangler.js",
);

const txadBin = path.join(
	path.dirname(createRequire(import.meta.url).resolve("@txad/cli/package.json")),
	"bin/txad.mjs",
);

const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };

/** A port nothing listens on now (asked from the OS). */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	const address = server.address();
	await new Promise((resolve) => server.close(resolve));
	if (address === null || typeof address === "string") throw new Error("no port");
	return address.port;
}
const RESPONDER_PORT = await freePort();
const CEILING_PORT = await freePort();
const children: ChildProcess[] = [];
function startDev(args: string[], port: number) {
	const child = spawn(
		process.execPath,
		[
			wranglerBin,
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--log-level",
			"warn",
			"--show-interactive-dev-session=false",
			...args,
		],
		{
			cwd: app,
			env,
			stdio: ["ignore", "ignore", "inherit"],
			detached: true,
		},
	);
	children.push(child);
	return child;
}
function stopAll() {
	for (const c of children) {
		try {
			if (c.pid !== undefined) process.kill(-c.pid, "SIGTERM");
		} catch {}
	}
	rmSync(work, { recursive: true, force: true });
}
process.on("exit", stopAll);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

async function waitReady(url: string) {
	for (let i = 0; i < 120; i++) {
		try {
			const r = await fetch(url, { method: "POST", body: new Uint8Array() });
			await r.arrayBuffer();
			return;
		} catch {
			await new Promise((r) => setTimeout(r, 500));
		}
	}
	throw new Error(`${url} did not come up`);
}

// The audience: 1 M Android devices, each in a segment (half of them are taken, half refused).
const work = path.join(process.env.TMPDIR ?? "/tmp", `rta-bench-${process.pid}`);
const persist = path.join(work, "state");
mkdirSync(work, { recursive: true });
const segs = [["new_user"], ["vip"], ["new_user", "installed"], ["installed"]];
const rawOf = (i: number) => `86${String(1e12 + i)}`;
{
	const rows = ["id,kind,segments"];
	for (let i = 0; i < DEVICES_IN_SNAPSHOT; i++) {
		rows.push(`${rawOf(i)},imei,${(segs[i % 4] as string[]).join("|")}`);
	}
	writeFileSync(path.join(work, "audience.csv"), `${rows.join("\n")}\n`);
	const txad = (args: string[]) => {
		const r = spawnSync(process.execPath, [txadBin, ...args], { cwd: app, env, encoding: "utf8" });
		if (r.status !== 0) throw new Error(`txad ${args.join(" ")}: ${r.stderr}`);
		return r.stdout;
	};
	const built = txad([
		"audience",
		"build",
		path.join(work, "audience.csv"),
		"--out",
		path.join(work, "snapshot"),
		"--quiet",
	]);
	console.log(
		built
			.split("\n")
			.filter((l) => /^(records|shards|built in)/.test(l))
			.join("\n"),
	);
	const published = txad([
		"audience",
		"publish",
		path.join(work, "snapshot"),
		"--local",
		"--config",
		"wrangler.jsonc",
		"--persist-to",
		persist,
		"--quiet",
	]);
	console.log(
		published
			.split("\n")
			.filter((l) => /^(written|took)/.test(l))
			.join("\n"),
	);
}

startDev(
	[
		"--persist-to",
		persist,
		"--var",
		`ADMIN_TOKEN:${ADMIN}`,
		"--var",
		"RTA_SIGN_HEADERS:",
		"--var",
		"LOG_SAMPLE_RATE:0",
	],
	RESPONDER_PORT,
);
await waitReady(`http://127.0.0.1:${RESPONDER_PORT}/rta`);
// One after the other: two wrangler dev processes starting at once can collide on local ports.
startDev(["--config", "bench/ceiling/wrangler.jsonc"], CEILING_PORT);
await waitReady(`http://127.0.0.1:${CEILING_PORT}/rta`);

// The demo config; requests for 1000 devices spread over the snapshot.
const base = `http://127.0.0.1:${RESPONDER_PORT}`;
const auth = { authorization: `Bearer ${ADMIN}` };
const r = await fetch(`${base}/admin/config`, {
	method: "PUT",
	headers: auth,
	body: readFileSync(path.join(app, "seed/config.json")),
});
if (r.status !== 200) throw new Error(`config: ${r.status} ${await r.text()}`);
const DEVICES = 1000;
const bodies: Uint8Array[] = [];
for (let i = 0; i < DEVICES; i++) {
	const device = Math.floor((i * DEVICES_IN_SNAPSHOT) / DEVICES) + (i % 4);
	bodies.push(
		encodeRtaRequest(
			create(RtaRequestSchema, {
				id: `e2e-${i}`,
				device: { os: 2, imeiMd5sum: hashDeviceId("imei", rawOf(device)), cachedDeviceidType: 1 },
				exps: [{ expId: 1002 }],
			}),
		),
	);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function post(port: number, body: Uint8Array): Promise<{ status: number | undefined; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: "127.0.0.1",
				port,
				path: "/rta",
				method: "POST",
				agent,
				headers: { "content-type": "application/x-protobuf", "content-length": body.length },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on("data", (c: Buffer) => chunks.push(c));
				res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
			},
		);
		req.on("error", reject);
		req.end(body);
	});
}

interface LoadResult {
	rps: number;
	p50: number;
	p99: number;
	errors: number;
	n: number;
}

async function load(port: number, seconds: number): Promise<LoadResult> {
	const lat: number[] = [];
	let errors = 0;
	let n = 0;
	const end = performance.now() + seconds * 1000;
	const start = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async (_, w) => {
			let i = w;
			while (performance.now() < end) {
				const t = performance.now();
				try {
					const res = await post(port, bodies[i % DEVICES] as Uint8Array);
					if (res.status !== 200) errors++;
				} catch {
					errors++;
				}
				lat.push(performance.now() - t);
				n++;
				i += CONCURRENCY;
			}
		}),
	);
	const elapsed = (performance.now() - start) / 1000;
	lat.sort((a, b) => a - b);
	return {
		rps: n / elapsed,
		p50: lat[Math.floor(lat.length * 0.5)] ?? 0,
		p99: lat[Math.floor(lat.length * 0.99)] ?? 0,
		errors,
		n,
	};
}

// Check the responder decides for real before measuring, and load the shards the requests need.
for (const body of bodies) await post(RESPONDER_PORT, body);
const sample = decodeRtaResponse((await post(RESPONDER_PORT, bodies[0] as Uint8Array)).body);
console.log(
	`responder sample answer: code ${sample.code}, out_target_id ${JSON.stringify(sample.outTargetId)}`,
);
const health = (await (await fetch(`${base}/healthz`)).json()) as {
	audience: { snapshot_id: string; records: number; memory: { shards: number; bytes: number } };
};
console.log(
	`snapshot ${health.audience.snapshot_id}: ${health.audience.records} records; ${health.audience.memory.shards} shards (${(health.audience.memory.bytes / 1e6).toFixed(1)} MB) in isolate memory`,
);
await load(RESPONDER_PORT, 2); // warm the JIT
await load(CEILING_PORT, 2);
const results: { responder: LoadResult[]; ceiling: LoadResult[] } = { responder: [], ceiling: [] };
for (let round = 0; round < ROUNDS; round++) {
	results.responder.push(await load(RESPONDER_PORT, SECONDS));
	results.ceiling.push(await load(CEILING_PORT, SECONDS));
}
const avg = (xs: LoadResult[], k: "rps" | "p50" | "p99") => xs.reduce((s, x) => s + x[k], 0) / xs.length;
function pairRatios(r: { responder: LoadResult[]; ceiling: LoadResult[] }): number {
	const ratios = r.responder.map((x, i) => x.rps / (r.ceiling[i] as LoadResult).rps).sort((a, b) => a - b);
	const mid = ratios.length / 2;
	return ratios.length % 2 === 1
		? (ratios[Math.floor(mid)] as number)
		: ((ratios[mid - 1] as number) + (ratios[mid] as number)) / 2;
}
/** Prints one side-by-side table: req/s, p50, p99, errors of each target, and the ratios. */
function report(title: string, r: { responder: LoadResult[]; ceiling: LoadResult[] }, goal: number): void {
	const sum = (xs: LoadResult[]) => ({
		rps: avg(xs, "rps"),
		p50: avg(xs, "p50"),
		p99: avg(xs, "p99"),
		errors: xs.reduce((s, x) => s + x.errors, 0),
	});
	const resp = sum(r.responder);
	const ceil = sum(r.ceiling);
	const f = (x: number) => x.toFixed(2).padStart(8);
	const row = (name: string, x: typeof resp) =>
		`${name.padEnd(17)}${Math.round(x.rps).toString().padStart(8)}  ${f(x.p50)} ${f(x.p99)}  ${x.errors}`;
	console.log(
		`e2e bench — ${title}, ${CONCURRENCY} keep-alive connections, ${ROUNDS}×${SECONDS}s alternating per target, node ${process.version}`,
	);
	console.log(`                     req/s      p50 ms   p99 ms  errors`);
	console.log(row("ceiling (fixed)", ceil));
	console.log(row("responder", resp));
	const ratio = resp.rps / ceil.rps;
	console.log(
		`ratio req/s responder / ceiling: ${ratio.toFixed(2)} (goal ≥ ${goal.toFixed(2)}) ${ratio >= goal ? "OK" : "BELOW GOAL"}`,
	);
	console.log(`ratio p99 ceiling / responder:   ${(ceil.p99 / resp.p99).toFixed(2)}`);
	console.log(`median of per-round ratios:      ${pairRatios(r).toFixed(2)}`);
}
report("wrangler dev on 127.0.0.1", results, 0.7);
const after = (await (await fetch(`${base}/healthz`)).json()) as {
	isolate: { decidedFromMemory: number; waitedForShards: number; deadlineFallbacks: number };
};
console.log(
	`responder isolate: ${after.isolate.decidedFromMemory} decided from memory, ${after.isolate.waitedForShards} waited for a shard, ${after.isolate.deadlineFallbacks} deadline fallbacks`,
);

// 2. workerd's own sockets. wrangler dev must let go of the persisted state first.
for (const c of children.splice(0)) {
	try {
		if (c.pid !== undefined) process.kill(-c.pid, "SIGTERM");
	} catch {}
	await new Promise((r) => c.once("exit", r));
}
const bundle = path.join(work, "bundle");
{
	const r = spawnSync(process.execPath, [wranglerBin, "deploy", "--dry-run", "--outdir", bundle], {
		cwd: app,
		env,
		encoding: "utf8",
	});
	if (r.status !== 0) throw new Error(`wrangler deploy --dry-run: ${r.stderr}`);
}
const miniflareEntry = createRequire(path.dirname(wranglerBin)).resolve("miniflare");
const { Miniflare, convertV4MiniflareOptions } = (await import(pathToFileURL(miniflareEntry).href)) as {
	Miniflare: new (
		options: unknown,
	) => { unsafeGetDirectURL(name: string): Promise<URL>; dispose(): Promise<void> };
	convertV4MiniflareOptions(options: unknown): unknown;
};
const compatibilityDate = /"compatibility_date":\s*"([^"]+)"/.exec(
	readFileSync(path.join(app, "wrangler.jsonc"), "utf8"),
)?.[1];
const direct = [{ host: "127.0.0.1", port: 0 }];
// Miniflare 5 takes its options in a new shape; convertV4MiniflareOptions (what wrangler itself
// calls) takes the documented one.
const mf = new Miniflare(
	convertV4MiniflareOptions({
		// Where wrangler dev (--persist-to) keeps its local state: the same KV.
		resourcePersistencePath: path.join(persist, "v3"),
		workers: [
			{
				name: "responder",
				modules: true,
				scriptPath: path.join(bundle, "index.js"),
				modulesRoot: bundle,
				compatibilityDate,
				kvNamespaces: { RTA_KV: "00000000000000000000000000000000" },
				bindings: { ADMIN_TOKEN: ADMIN, RTA_SIGN_HEADERS: "", LOG_SAMPLE_RATE: "0" },
				unsafeDirectSockets: direct,
			},
			{
				name: "ceiling",
				modules: true,
				scriptPath: path.join(app, "bench/ceiling/worker.js"),
				modulesRoot: path.join(app, "bench/ceiling"),
				compatibilityDate,
				unsafeDirectSockets: direct,
			},
		],
	}),
);
const responderUrl = await mf.unsafeGetDirectURL("responder");
const ceilingUrl = await mf.unsafeGetDirectURL("ceiling");
const DIRECT_RESPONDER = Number(responderUrl.port);
const DIRECT_CEILING = Number(ceilingUrl.port);
for (const body of bodies) await post(DIRECT_RESPONDER, body);
const directSample = decodeRtaResponse((await post(DIRECT_RESPONDER, bodies[0] as Uint8Array)).body);
if (directSample.code !== sample.code) throw new Error(`direct responder answered code ${directSample.code}`);
await load(DIRECT_RESPONDER, 2);
await load(DIRECT_CEILING, 2);
const directResults: { responder: LoadResult[]; ceiling: LoadResult[] } = { responder: [], ceiling: [] };
for (let round = 0; round < ROUNDS; round++) {
	directResults.responder.push(await load(DIRECT_RESPONDER, SECONDS));
	directResults.ceiling.push(await load(DIRECT_CEILING, SECONDS));
}
report("workerd's own sockets (Miniflare unsafeDirectSockets, no proxy)", directResults, 0.8);
await mf.dispose();
agent.destroy();
stopAll();
process.exit(0);
