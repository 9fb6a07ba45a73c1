/**
 * `txad rta stats` against a stand-in for Cloudflare's Analytics Engine SQL API (an external
 * service: a local HTTP server on a port the OS picks holds data points built with the
 * responder's own `toDataPoint` and answers our three queries — recognised by their exact text —
 * the way the SQL API would, `_sample_interval` and the responder's own weights and string-typed
 * numbers included), and
 * against a stand-in `/admin/metrics`.
 */
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
	type DataPoint,
	DEFAULT_DATASET,
	type DecisionRecord,
	IsolateStats,
	quantile,
	statsQueries,
	toDataPoint,
} from "@txad/rta-metrics";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { main } from "../main.ts";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "cf-token";
const NOW_MINUTE = Math.floor(Date.now() / 60_000) * 60_000;

interface Row {
	point: DataPoint;
	timestamp: number;
	sampleInterval: number;
}
const rows: Row[] = [];
const seen: { path: string; auth: string; sql: string }[] = [];
let server: Server;
let base: string;

const rec = (over: Partial<DecisionRecord>): DecisionRecord => ({
	code: 0,
	codeName: "TAKE",
	stage: "first",
	strategies: ["st_new_user"],
	fallback: "",
	tier: "memory",
	processingMs: 1,
	isTest: false,
	ids: 2,
	ads: 0,
	configVersion: "v1",
	...over,
});

/** What the SQL API would answer to one of our queries over `rows`. */
function answer(sql: string): Record<string, unknown>[] {
	const q = statsQueries(DEFAULT_DATASET, 60);
	const live = rows.filter((r) => r.point.doubles[2] === 0);
	if (sql === q.totals) {
		const groups = new Map<string, Record<string, unknown>>();
		for (const r of rows) {
			const [codeName, stage, , fallback, tier] = r.point.blobs;
			const key = JSON.stringify([r.point.doubles[0], codeName, stage, fallback, tier, r.point.doubles[2]]);
			const g = groups.get(key) ?? {
				code: r.point.doubles[0],
				code_name: codeName,
				stage,
				fallback,
				tier,
				is_test: r.point.doubles[2],
				answers: 0,
			};
			g.answers = (g.answers as number) + r.sampleInterval * (r.point.doubles[5] as number);
			groups.set(key, g);
		}
		// The SQL API quotes 64-bit sums: the CLI must read numbers given as strings.
		return [...groups.values()].map((g) => ({ ...g, answers: String(g.answers) }));
	}
	const weights = (list: Row[]) => {
		const w = new Map<number, number>();
		for (const r of list)
			w.set(r.point.doubles[1] as number, (w.get(r.point.doubles[1] as number) ?? 0) + r.sampleInterval);
		return w;
	};
	if (sql === q.latency)
		return [{ p50_ms: quantile(weights(live), 0.5), p99_ms: quantile(weights(live), 0.99) }];
	if (sql === q.perMinute) {
		const minutes = [...new Set(live.map((r) => r.timestamp))].sort();
		return minutes.map((t) => {
			const inMinute = live.filter((r) => r.timestamp === t);
			const sum = (f: (r: Row) => boolean) =>
				String(inMinute.filter(f).reduce((n, r) => n + r.sampleInterval * (r.point.doubles[5] as number), 0));
			return {
				minute: new Date(t).toISOString().slice(0, 19).replace("T", " "),
				requests: sum(() => true),
				takes: sum((r) => r.point.doubles[0] === 0),
				fallbacks: sum((r) => r.point.blobs[3] !== ""),
				p50_ms: quantile(weights(inMinute), 0.5),
				p99_ms: quantile(weights(inMinute), 0.99),
			};
		});
	}
	throw new Error(`unexpected query:\n${sql}`);
}

beforeAll(async () => {
	const add = (r: DecisionRecord, minutesAgo: number, sampleInterval = 1, times = 1, weight = 1) => {
		for (let i = 0; i < times; i++)
			rows.push({
				point: toDataPoint(r, weight),
				timestamp: NOW_MINUTE - minutesAgo * 60_000,
				sampleInterval,
			});
	};
	// 90 takes in 9 rows: Analytics Engine kept 1 row in 5, each row a point the responder wrote for 2 decisions.
	add(rec({ processingMs: 2 }), 1, 5, 9, 2);
	add(rec({ code: 4, codeName: "NO_STRATEGY", strategies: [], tier: "cache_api", processingMs: 3 }), 1, 1, 8);
	add(
		rec({
			code: 5,
			codeName: "DEADLINE",
			strategies: [],
			fallback: "deadline",
			tier: "kv",
			processingMs: 30,
		}),
		0,
		1,
		2,
	);
	add(rec({ code: 3, codeName: "NO_USABLE_ID", strategies: [], tier: "none", processingMs: 0 }), 0, 1, 5);
	add(rec({ isTest: true, processingMs: 99 }), 0, 1, 3);
	server = createServer((req, res) => {
		let sql = "";
		req.on("data", (c) => {
			sql += c;
		});
		req.on("end", () => {
			seen.push({ path: req.url ?? "", auth: req.headers.authorization ?? "", sql });
			if (req.url === "/admin/metrics?minutes=5") {
				if (req.headers.authorization !== "Bearer adm") {
					res.writeHead(401).end();
					return;
				}
				const s = new IsolateStats();
				s.record(rec({}), Date.now());
				res
					.writeHead(200, { "content-type": "application/json" })
					.end(JSON.stringify(s.stats(Date.now(), 5)));
				return;
			}
			if (req.url !== `/client/v4/accounts/${ACCOUNT}/analytics_engine/sql`) {
				res.writeHead(404).end("no route");
				return;
			}
			if (req.headers.authorization !== `Bearer ${TOKEN}`) {
				res
					.writeHead(403, { "content-type": "application/json" })
					.end('{"errors":[{"message":"Authentication error"}]}');
				return;
			}
			if (sql.includes("FROM missing_dataset")) {
				res.writeHead(422).end("unknown table: missing_dataset");
				return;
			}
			res
				.writeHead(200, { "content-type": "application/json" })
				.end(JSON.stringify({ meta: [], data: answer(sql) }));
		});
	});
	server.listen(0, "127.0.0.1");
	await once(server, "listening");
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
});
afterAll(() => {
	server.close();
});

const run = async (args: string[], env: Record<string, string> = {}) => {
	const io = captureIo({ env });
	const code = await main(["rta", "stats", ...args], io);
	return { code, out: io.stdout(), err: io.stderr() };
};

describe("txad rta stats (Analytics Engine SQL API)", () => {
	it("prints accept rate, refusals by code, fallbacks, tiers and p50/p99 per minute, weighted by _sample_interval", async ({
		expect,
	}) => {
		const r = await run(["--account", ACCOUNT, "--api-url", base], { CLOUDFLARE_API_TOKEN: TOKEN });
		expect(r.err).toBe("");
		expect(r.code).toBe(0);
		expect(seen.at(-1)?.auth).toBe(`Bearer ${TOKEN}`);
		expect(r.out).toContain("Analytics Engine dataset txad_rta_decisions, sampled estimates");
		expect(r.out).toContain(
			"requests 105 (is_test 3, not counted)   accept rate 85.7 %   p50 2 ms   p99 30 ms",
		);
		expect(r.out).toMatch(/TAKE\s+90\s+85\.7 %\n/);
		expect(r.out).toMatch(/NO_STRATEGY\s+8\s+7\.6 %\n/);
		expect(r.out).toMatch(/DEADLINE\s+2\s+1\.9 %\n/);
		expect(r.out).toContain(
			"fallbacks: deadline 2, storage_error 0   tiers: memory 90, cache_api 8, kv 2, none 5",
		);
		const minute = (ago: number) =>
			new Date(NOW_MINUTE - ago * 60_000).toISOString().slice(0, 16).replace("T", " ");
		expect(r.out).toMatch(new RegExp(`${minute(1)}\\s+98\\s+91\\.8 %\\s+0\\s+2\\s+3\\n`));
		expect(r.out).toMatch(new RegExp(`${minute(0)}\\s+7\\s+0\\.0 %\\s+2\\s+0\\s+30\\n`));
	});

	it("prints the same report as JSON", async ({ expect }) => {
		const r = await run(["--account", ACCOUNT, "--api-token", TOKEN, "--api-url", base, "--json"]);
		const s = JSON.parse(r.out);
		expect(s).toMatchObject({
			source: "analytics_engine",
			minutes: 60,
			requests: 105,
			takes: 90,
			accept_rate: 90 / 105,
			by_code: { TAKE: 90, NO_STRATEGY: 8, DEADLINE: 2, NO_USABLE_ID: 5 },
			fallbacks: { deadline: 2, storage_error: 0 },
			processing_ms: { p50: 2, p99: 30 },
		});
		expect(s.per_minute).toHaveLength(2);
	});

	it("names the flag at fault", async ({ expect }) => {
		expect(await run(["--api-url", base], { CLOUDFLARE_API_TOKEN: TOKEN })).toMatchObject({
			code: 2,
			err: expect.stringContaining("--account is required"),
		});
		expect(await run(["--account", "acct", "--api-token", TOKEN])).toMatchObject({
			code: 2,
			err: expect.stringContaining('got "acct"'),
		});
		expect(await run(["--account", ACCOUNT])).toMatchObject({
			code: 2,
			err: expect.stringContaining("--api-token is required"),
		});
		expect(await run(["--account", ACCOUNT, "--api-token", TOKEN, "--minutes", "0"])).toMatchObject({
			code: 2,
			err: expect.stringContaining("--minutes must be an integer from 1 to 10080"),
		});
		expect(await run(["--account", ACCOUNT, "--api-token", TOKEN, "--dataset", "a-b"])).toMatchObject({
			code: 2,
			err: expect.stringContaining("--dataset: dataset must be"),
		});
		expect(await run(["--account", ACCOUNT, "--api-token", "bad", "--api-url", base])).toMatchObject({
			code: 1,
			err: expect.stringContaining("the SQL API refused the token (HTTP 403)"),
		});
		expect(
			await run([
				"--account",
				ACCOUNT,
				"--api-token",
				TOKEN,
				"--api-url",
				base,
				"--dataset",
				"missing_dataset",
			]),
		).toMatchObject({ code: 1, err: expect.stringContaining("HTTP 422: unknown table: missing_dataset") });
	});
});

describe("txad rta stats --url (one responder isolate)", () => {
	it("reads /admin/metrics with the admin token, in the same shape", async ({ expect }) => {
		const origin = base.replace("/client/v4", "");
		const r = await run(["--url", origin, "--minutes", "5", "--json"], { TXAD_ADMIN_TOKEN: "adm" });
		expect(r.code).toBe(0);
		expect(JSON.parse(r.out)).toMatchObject({ source: "isolate", requests: 1, takes: 1, accept_rate: 1 });
		const text = await run(["--url", origin, "--minutes", "5", "--admin-token", "adm"]);
		expect(text.out).toContain(`one isolate of ${origin} (GET /admin/metrics)`);
		expect(await run(["--url", origin, "--minutes", "5", "--admin-token", "no"])).toMatchObject({
			code: 1,
			err: expect.stringContaining("refused the admin token (HTTP 401)"),
		});
		expect(await run(["--url", origin, "--minutes", "61", "--admin-token", "adm"])).toMatchObject({
			code: 2,
			err: expect.stringContaining("--minutes must be an integer from 1 to 60"),
		});
	});
});

describe("docs/cloudflare/analytics-engine.md", () => {
	it("shows the exact queries txad rta stats runs", ({ expect }) => {
		const doc = readFileSync(
			new URL("../../../../docs/cloudflare/analytics-engine.md", import.meta.url),
			"utf8",
		);
		const q = statsQueries(DEFAULT_DATASET, 60);
		for (const sql of [q.totals, q.latency, q.perMinute]) expect(doc).toContain(`\`\`\`sql\n${sql}\n\`\`\``);
	});
});
