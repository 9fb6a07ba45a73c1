/**
 * The gateway's overhead per request, measured side by side on loopback: the fake 优量汇 and the
 * gateway each under `wrangler dev` (free ports, asked from the OS), then the same bounded
 * keep-alive load sent (a) straight to the fake with a pre-signed DSP-B request and (b) to the
 * gateway's POST /v1/ads, which builds, signs, sends that request to the same fake, filters,
 * decides the jumps and signs notice tokens. Rounds alternate (direct, gateway, direct, …) so
 * both sides see the same machine load. Prints req/s, p50 and p99 of each and the ratios.
 *
 *   npx tsx bench/overhead.ts [--seconds 3] [--concurrency 8] [--rounds 2]
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { parseArgs } from "node:util";
import { buildAdRequest, parseAdResponse } from "@txad/dspb";
import { bearer, DEMO_KEYS, DEMO_PLACEMENTS, demoGatewayEnv } from "../demo/config.ts";
import { APP_DIR, WRANGLER_BIN, WRANGLER_ENV } from "../scripts/wrangler.ts";
import { serveAds } from "../src/domain/serve-ads.ts";
import { parseSettings } from "../src/settings.ts";
import type { Upstream } from "../src/upstream.ts";

const { values } = parseArgs({
	options: {
		seconds: { type: "string", default: "3" },
		concurrency: { type: "string", default: "8" },
		rounds: { type: "string", default: "2" },
	},
});
const SECONDS = Math.min(20, Number(values.seconds));
const CONCURRENCY = Math.min(64, Number(values.concurrency));
const ROUNDS = Math.min(5, Number(values.rounds));
const AD_COUNT = 2;

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

const children: ChildProcess[] = [];
function stopAll(): void {
	for (const c of children) {
		try {
			if (c.pid !== undefined) process.kill(-c.pid, "SIGTERM");
		} catch {}
	}
}
process.on("exit", stopAll);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

function startDev(args: string[], port: number, inspector: number): void {
	const child = spawn(
		process.execPath,
		[
			WRANGLER_BIN,
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--inspector-port",
			String(inspector),
			"--log-level",
			"error",
			"--show-interactive-dev-session=false",
			...args,
		],
		{ cwd: APP_DIR, env: WRANGLER_ENV, stdio: ["ignore", "ignore", "inherit"], detached: true },
	);
	children.push(child);
}

async function waitReady(url: string): Promise<void> {
	for (let i = 0; i < 120; i++) {
		try {
			const r = await fetch(url);
			await r.arrayBuffer();
			if (r.status < 500) return;
		} catch {}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`${url} did not come up`);
}

const [fakePort, gatewayPort, fakeInspector, gatewayInspector] = [
	await freePort(),
	await freePort(),
	await freePort(),
	await freePort(),
];
const fakeEndpoint = `http://127.0.0.1:${fakePort}/api/v3`;
const gatewayEnv = demoGatewayEnv(fakeEndpoint);
startDev(["-c", "fake-upstream/wrangler.jsonc"], fakePort, fakeInspector);
await waitReady(`http://127.0.0.1:${fakePort}/`);
// All settings as --var, secrets included: the bench does not read or write .dev.vars.
startDev(
	Object.entries(gatewayEnv).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
	gatewayPort,
	gatewayInspector,
);
await waitReady(`http://127.0.0.1:${gatewayPort}/healthz`);

const device = {
	os: "android",
	os_version: "13.0",
	model: "23049RAD8C",
	manufacturer: "Xiaomi",
	device_type: 1,
	oaid: "bench-oaid-0001",
} as const;
const network = {
	connect_type: 1,
	carrier: 3,
	ua: "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36",
} as const;
const signed = await buildAdRequest(
	{ secret: "LUqGS3BaEbe1O", endpoint: fakeEndpoint },
	{
		pos: { id: DEMO_PLACEMENTS.android, ad_count: AD_COUNT },
		media: { app_id: "1104241296", app_bundle_id: "com.test.android" },
		device,
		network: { ...network, ip: "127.0.0.1" },
	},
);
const gatewayBody = JSON.stringify({
	placement: { id: DEMO_PLACEMENTS.android, ad_count: AD_COUNT },
	device,
	network,
});

interface Side {
	name: string;
	options: http.RequestOptions;
	body?: string;
	latencies: number[];
	elapsedMs: number;
	failures: number;
}
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const direct: Side = {
	name: "direct to fake 优量汇",
	options: {
		host: "127.0.0.1",
		port: fakePort,
		path: signed.url.slice(signed.url.indexOf("/api/v3")),
		method: "GET",
		headers: signed.headers,
		agent,
	},
	latencies: [],
	elapsedMs: 0,
	failures: 0,
};
const gateway: Side = {
	name: "through the gateway",
	options: {
		host: "127.0.0.1",
		port: gatewayPort,
		path: "/v1/ads",
		method: "POST",
		headers: { authorization: bearer(DEMO_KEYS.android), "content-type": "application/json" },
		agent,
	},
	body: gatewayBody,
	latencies: [],
	elapsedMs: 0,
	failures: 0,
};

function once(side: Side): Promise<boolean> {
	return new Promise((resolve) => {
		const req = http.request(side.options, (res) => {
			let text = "";
			res.setEncoding("utf8");
			res.on("data", (c) => {
				text += c;
			});
			res.on("end", () => resolve(res.statusCode === 200 && text.includes('"ad_id"')));
		});
		req.on("error", () => resolve(false));
		req.end(side.body);
	});
}

async function drive(side: Side, seconds: number, record: boolean): Promise<void> {
	const until = performance.now() + seconds * 1000;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (performance.now() < until) {
				const t0 = performance.now();
				const ok = await once(side);
				if (!record) continue;
				if (ok) side.latencies.push(performance.now() - t0);
				else side.failures++;
			}
		}),
	);
	if (record) side.elapsedMs += performance.now() - started;
}

// The gateway's own work without any network: serveAds in this Node process, its upstream a stub
// that answers with a real answer of the fake (parsed as the Worker parses it).
const fakeAnswer = await (await fetch(signed.url, { headers: signed.headers })).text();
const settings = parseSettings(gatewayEnv);
const stub: Upstream = {
	requestAds: async (request) => ({ ads: parseAdResponse(fakeAnswer, request.posId), attempts: 1 }),
	sendNotice: async () => ({ status: 200 }),
};
const caller = settings.appKeys.get(DEMO_KEYS.android.id);
if (caller === undefined) throw new Error("demo key missing");
const body = JSON.parse(gatewayBody);
const serve = () => serveAds(body, { caller, clientIp: "127.0.0.1", settings, upstream: stub });
for (let i = 0; i < 500; i++) await serve();
const inProcessRuns = 5000;
const t0 = performance.now();
for (let i = 0; i < inProcessRuns; i++) await serve();
const inProcessUs = ((performance.now() - t0) / inProcessRuns) * 1000;

// Warm both isolates (key imports, JIT) before measuring.
await drive(direct, 1, false);
await drive(gateway, 1, false);
for (let r = 0; r < ROUNDS; r++) {
	await drive(direct, SECONDS, true);
	await drive(gateway, SECONDS, true);
}
stopAll();

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const rate = (s: Side) => s.latencies.length / (s.elapsedMs / 1000);
const line = (s: Side) =>
	`${s.name.padEnd(22)} ${rate(s).toFixed(0).padStart(6)} req/s  p50 ${pct(s.latencies, 50).toFixed(1)} ms  p99 ${pct(s.latencies, 99).toFixed(1)} ms  (${s.latencies.length} ok, ${s.failures} failed)`;
const p50Direct = pct(direct.latencies, 50);
const p50Gateway = pct(gateway.latencies, 50);
console.log(
	`dspb-gateway overhead: ${ROUNDS} rounds × ${SECONDS} s per side, ${CONCURRENCY} connections, ${AD_COUNT} ads per answer, loopback, wrangler dev`,
);
console.log(line(direct));
console.log(line(gateway));
console.log(
	`gateway overhead per request: +${(p50Gateway - p50Direct).toFixed(1)} ms at p50; latency ratio ${(p50Gateway / p50Direct).toFixed(2)}× (p50 gateway / direct), throughput ratio ${(rate(gateway) / rate(direct)).toFixed(2)}× (gateway / direct)`,
);
console.log(
	`gateway's own work per request, in-process (Node, stub upstream, no network): ${inProcessUs.toFixed(0)} µs`,
);
if (direct.failures > 0 || gateway.failures > 0) process.exitCode = 1;
process.exit();
