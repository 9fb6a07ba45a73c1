/**
 * End-to-end bench on loopback: `wrangler dev` running the responder (seeded through its admin
 * API, LRU warm) and `wrangler dev` running a fixed-response Worker (bench/ceiling), driven by the
 * same bounded keep-alive load; prints req/s and p99 of each and the ratios. Goal: ≥ 0.7× the
 * ceiling. Both servers are stopped at the end.
 *
 *   npx tsx bench/e2e.ts [--seconds 6] [--concurrency 32]
 * @module
 */

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { hashDeviceId } from "@txad/muid";
import { create, decodeRtaResponse, encodeRtaRequest, RtaRequestSchema } from "@txad/proto";

const { values } = parseArgs({
	options: { seconds: { type: "string", default: "6" }, concurrency: { type: "string", default: "32" } },
});
const SECONDS = Math.min(30, Number(values.seconds));
const CONCURRENCY = Math.min(128, Number(values.concurrency));
const ROUNDS = 2;
const RESPONDER_PORT = 8787;
const CEILING_PORT = 18787;
const ADMIN = "bench-admin-token";
const app = path.join(import.meta.dirname, "..");
const wranglerBin = path.join(
	path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
	"bin/wrangler.js",
);

const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
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

const persist = path.join(process.env.TMPDIR ?? "/tmp", `rta-bench-${process.pid}`);
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

// Seed: the demo config and 1000 devices (3 in 4 in a segment).
const base = `http://127.0.0.1:${RESPONDER_PORT}`;
const auth = { authorization: `Bearer ${ADMIN}` };
let r = await fetch(`${base}/admin/config`, {
	method: "PUT",
	headers: auth,
	body: readFileSync(path.join(app, "seed/config.json")),
});
if (r.status !== 200) throw new Error(`config: ${r.status} ${await r.text()}`);
const DEVICES = 1000;
const segs = [["new_user"], ["vip"], ["new_user", "installed"], null];
const lines: string[] = [];
const bodies: Uint8Array[] = [];
for (let i = 0; i < DEVICES; i++) {
	const raw = `86${String(1e12 + i)}`;
	if (segs[i % 4] !== null) lines.push(JSON.stringify({ type: "imei", id: raw, segments: segs[i % 4] }));
	bodies.push(
		encodeRtaRequest(
			create(RtaRequestSchema, {
				id: `e2e-${i}`,
				device: { os: 2, imeiMd5sum: hashDeviceId("imei", raw), cachedDeviceidType: 1 },
				exps: [{ expId: 1002 }],
			}),
		),
	);
}
r = await fetch(`${base}/admin/audience`, { method: "POST", headers: auth, body: lines.join("\n") });
if (r.status !== 200) throw new Error(`audience: ${r.status} ${await r.text()}`);

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

// Check the responder decides for real before measuring.
const sample = decodeRtaResponse((await post(RESPONDER_PORT, bodies[0] as Uint8Array)).body);
console.log(
	`responder sample answer: code ${sample.code}, out_target_id ${JSON.stringify(sample.outTargetId)}`,
);
await load(RESPONDER_PORT, 2); // warm the LRU and JIT
await load(CEILING_PORT, 2);
const results: { responder: LoadResult[]; ceiling: LoadResult[] } = { responder: [], ceiling: [] };
for (let round = 0; round < ROUNDS; round++) {
	results.responder.push(await load(RESPONDER_PORT, SECONDS));
	results.ceiling.push(await load(CEILING_PORT, SECONDS));
}
const avg = (xs: LoadResult[], k: "rps" | "p50" | "p99") => xs.reduce((s, x) => s + x[k], 0) / xs.length;
const resp = {
	rps: avg(results.responder, "rps"),
	p99: avg(results.responder, "p99"),
	p50: avg(results.responder, "p50"),
	errors: results.responder.reduce((s, x) => s + x.errors, 0),
};
const ceil = {
	rps: avg(results.ceiling, "rps"),
	p99: avg(results.ceiling, "p99"),
	p50: avg(results.ceiling, "p50"),
	errors: results.ceiling.reduce((s, x) => s + x.errors, 0),
};
const f = (x: number) => x.toFixed(2).padStart(8);
console.log(
	`e2e bench — wrangler dev on 127.0.0.1, ${CONCURRENCY} keep-alive connections, ${ROUNDS}×${SECONDS}s alternating per target, node ${process.version}`,
);
console.log(`                     req/s      p50 ms   p99 ms  errors`);
console.log(
	`ceiling (fixed)  ${Math.round(ceil.rps).toString().padStart(8)}  ${f(ceil.p50)} ${f(ceil.p99)}  ${ceil.errors}`,
);
console.log(
	`responder        ${Math.round(resp.rps).toString().padStart(8)}  ${f(resp.p50)} ${f(resp.p99)}  ${resp.errors}`,
);
console.log(
	`ratio req/s responder / ceiling: ${(resp.rps / ceil.rps).toFixed(2)} (goal ≥ 0.70) ${resp.rps / ceil.rps >= 0.7 ? "OK" : "BELOW GOAL"}`,
);
console.log(`ratio p99 ceiling / responder:   ${(ceil.p99 / resp.p99).toFixed(2)}`);
agent.destroy();
stopAll();
process.exit(0);
