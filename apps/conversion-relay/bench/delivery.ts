/**
 * Delivery throughput through the local queue into the fake Tencent endpoints, batched against
 * one action per call, side by side in one run.
 *
 * Starts the fake and two relays under `wrangler dev` on free loopback ports, each relay with its
 * own fresh local D1 and queue: one with MAX_ACTIONS_PER_CALL=50 (the default), one with 1. Each
 * round holds N conversions (direct mode, 20 devices × N/20) for a late click, then sends the 20
 * clicks and times from the first click until the fake has accepted all N actions: queue → consumer
 * → Marketing API calls → fake, nothing else. Rounds alternate between the two relays. Prints
 * actions per second, upstream calls per 1,000 conversions, and the ratio. Every server is stopped
 * at the end.
 *
 *   npx tsx bench/delivery.ts [--conversions 1000] [--rounds 2]
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
	options: { conversions: { type: "string", default: "1000" }, rounds: { type: "string", default: "2" } },
});
const DEVICES = 20;
const N = Math.max(DEVICES, Math.min(5000, Math.round(Number(values.conversions) / DEVICES) * DEVICES));
const ROUNDS = Math.max(1, Math.min(5, Number(values.rounds)));
const ROUND_TIMEOUT_MS = 180_000;
const app = path.join(import.meta.dirname, "..");
const wranglerBin = path.join(
	path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
	"bin/wrangler.js",
);
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
const INGEST = "bench-ingest-token";
const CLICK = "bench-click-token";
const MODES = [
	{ label: "batched (≤ 50 actions per call)", account: "31001", maxActions: 50 },
	{ label: "one action per call", account: "31002", maxActions: 1 },
] as const;
const APPID = "112233";

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() =>
				typeof address === "object" && address !== null ? resolve(address.port) : reject(),
			);
		});
	});
}

const children: ChildProcess[] = [];
const tempDirs: string[] = [];
function stopAll() {
	for (const c of children) {
		try {
			if (c.pid !== undefined) process.kill(-c.pid, "SIGTERM");
		} catch {}
	}
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on("exit", stopAll);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

function startDev(args: string[]) {
	const child = spawn(
		process.execPath,
		[
			wranglerBin,
			"dev",
			"--ip",
			"127.0.0.1",
			"--log-level",
			"error",
			"--show-interactive-dev-session=false",
			...args,
		],
		{ cwd: app, env, stdio: ["ignore", "ignore", "inherit"], detached: true },
	);
	children.push(child);
}

async function waitReady(url: string) {
	for (let i = 0; i < 240; i++) {
		try {
			const r = await fetch(url);
			await r.arrayBuffer();
			if (r.ok) return;
		} catch {}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`${url} did not come up`);
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) await work(items[next++] as T);
		}),
	);
}

const fakePort = await freePort();
const fakeUrl = `http://127.0.0.1:${fakePort}`;
startDev([
	"-c",
	"fake-upstream/wrangler.jsonc",
	"--port",
	String(fakePort),
	"--inspector-port",
	String(await freePort()),
	"--var",
	`DATANEXUS_KEYS:${JSON.stringify({ "31001": "bench-key-31001", "31002": "bench-key-31002" })}`,
]);

const secrets = path.join(mkdtempSync(path.join(os.tmpdir(), "relay-bench-")), "secrets.env");
tempDirs.push(path.dirname(secrets));
writeFileSync(
	secrets,
	[
		`INGEST_TOKEN="${INGEST}"`,
		`CLICK_URL_TOKEN="${CLICK}"`,
		"SIGN_KEYS='{}'",
		`TENCENT_TOKENS='${JSON.stringify({
			"31001": { access_token: "bench-key-31001" },
			"31002": { access_token: "bench-key-31002" },
		})}'`,
	].join("\n"),
);

const relays: { url: string; mode: (typeof MODES)[number] }[] = [];
for (const mode of MODES) {
	const persist = mkdtempSync(path.join(os.tmpdir(), "relay-bench-d1-"));
	tempDirs.push(persist);
	const migrate = spawnSync(
		process.execPath,
		[wranglerBin, "d1", "migrations", "apply", "LEDGER", "--local", "--persist-to", persist],
		{ cwd: app, env, stdio: "ignore" },
	);
	if (migrate.status !== 0) throw new Error("migrations failed");
	const port = await freePort();
	startDev([
		"--port",
		String(port),
		"--inspector-port",
		String(await freePort()),
		"--persist-to",
		persist,
		"--env-file",
		secrets,
		...[
			`TENCENT_API_BASE_URL:${fakeUrl}`,
			`CALLBACK_ORIGINS:${fakeUrl}`,
			`TENCENT_ACCOUNTS:${JSON.stringify({ [mode.account]: { user_action_sets: { "*": 1110000001 } } })}`,
			`MAX_ACTIONS_PER_CALL:${mode.maxActions}`,
			"RETRY_BASE_SECONDS:1",
			"RETRY_MAX_SECONDS:5",
		].flatMap((v) => ["--var", v]),
	]);
	relays.push({ url: `http://127.0.0.1:${port}`, mode });
}
await waitReady(`${fakeUrl}/`);
for (const r of relays) await waitReady(`${r.url}/healthz`);

async function fakeSummary(account: string): Promise<{ accepted: number; calls: number }> {
	const r = await fetch(`${fakeUrl}/__v3/actions?account_id=${account}&summary=1`);
	return r.json() as Promise<{ accepted: number; calls: number }>;
}

let roundNo = 0;
async function runRound(
	relay: (typeof relays)[number],
): Promise<{ actionsPerSecond: number; callsPer1000: number }> {
	roundNo++;
	const now = Math.floor(Date.now() / 1000);
	const imeis = Array.from(
		{ length: DEVICES },
		(_, d) => `86${String(roundNo).padStart(3, "0")}${String(d + 1).padStart(10, "0")}`,
	);
	const bodies = Array.from({ length: N }, (_, i) => ({
		event_id: `bench-${relay.mode.account}-${roundNo}-${i}`,
		appid: APPID,
		advertiser_id: relay.mode.account,
		app_type: "ANDROID",
		conv_type: "MOBILEAPP_ACTIVITE",
		conv_time: now - 60,
		imei: imeis[i % DEVICES],
	}));
	// Held for a late click: not timed.
	await pool(bodies, 16, async (body) => {
		const r = await fetch(`${relay.url}/conversions`, {
			method: "POST",
			headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/json" },
			body: JSON.stringify(body),
		});
		const json = (await r.json()) as { status?: string };
		if (r.status !== 202 || json.status !== "waiting_click")
			throw new Error(`ingest: ${r.status} ${JSON.stringify(json)}`);
	});
	const before = await fakeSummary(relay.mode.account);
	const { createHash } = await import("node:crypto");
	const started = performance.now();
	for (const [d, imei] of imeis.entries()) {
		const muid = createHash("md5").update(imei).digest("hex");
		const qs = new URLSearchParams({
			token: CLICK,
			muid,
			click_time: String(now - 120),
			click_id: `bench-click-${relay.mode.account}-${roundNo}-${d}`,
			appid: APPID,
			advertiser_id: relay.mode.account,
			app_type: "android",
		});
		const r = await fetch(`${relay.url}/click?${qs}`);
		const answer = (await r.json()) as { ret: number };
		if (answer.ret !== 0) throw new Error(`click: ${JSON.stringify(answer)}`);
	}
	for (;;) {
		const s = await fakeSummary(relay.mode.account);
		if (s.accepted - before.accepted >= N) {
			const seconds = (performance.now() - started) / 1000;
			return { actionsPerSecond: N / seconds, callsPer1000: ((s.calls - before.calls) / N) * 1000 };
		}
		if (performance.now() - started > ROUND_TIMEOUT_MS) throw new Error("round timed out");
		await new Promise((r) => setTimeout(r, 50));
	}
}

const results = new Map<string, { actionsPerSecond: number; callsPer1000: number }[]>();
for (let round = 0; round < ROUNDS; round++) {
	for (const relay of relays) {
		const r = await runRound(relay);
		const list = results.get(relay.mode.label) ?? [];
		list.push(r);
		results.set(relay.mode.label, list);
	}
}

const best = (label: string) => {
	const list = results.get(label) ?? [];
	return {
		actionsPerSecond: Math.max(...list.map((r) => r.actionsPerSecond)),
		callsPer1000: list.reduce((a, r) => a + r.callsPer1000, 0) / list.length,
	};
};
const fmt = (n: number, digits = 0) =>
	n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const batched = best(MODES[0].label);
const single = best(MODES[1].label);
console.log(
	`conversion-relay delivery bench: ${fmt(N)} conversions per round, direct mode, local queue → fake Tencent, ${ROUNDS} rounds (best of)`,
);
for (const [label, r] of [
	[MODES[0].label, batched],
	[MODES[1].label, single],
] as const) {
	console.log(
		`${`${label}:`.padEnd(34)} ${fmt(r.actionsPerSecond).padStart(6)} actions/s, ${fmt(r.callsPer1000, 1)} upstream calls per 1,000 conversions`,
	);
}
console.log(
	`throughput ratio, batched / one action per call: ${fmt(batched.actionsPerSecond / single.actionsPerSecond, 2)}×`,
);
console.log(
	`upstream calls per 1,000 conversions with batching: ${fmt(batched.callsPer1000, 1)} (goal ≤ 25: ${batched.callsPer1000 <= 25 ? "met" : "NOT met"})`,
);
process.exit(0);
