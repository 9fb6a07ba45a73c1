import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, it } from "vitest";
import { monthlyCost, PER_DEVICE_LAYOUT } from "./model.ts";
import { PRICES, usdFor } from "./prices.ts";
import { snapshotLayoutFrom } from "./read-path.ts";

const run = promisify(execFile);
const FACTS = readFileSync(new URL("../../../docs/cloudflare/platform-facts.md", import.meta.url), "utf8");

describe("prices", () => {
	it("are the ones docs/cloudflare/platform-facts.md states", ({ expect }) => {
		expect(FACTS).toMatch(/\| requests\s+\| 10 million\s+\| \*\*\$0\.30 per million\*\*/);
		expect(FACTS).toMatch(/\| CPU time\s+\| 30 million CPU-ms\s+\| \*\*\$0\.02 per million CPU-ms\*\*/);
		expect(FACTS).toMatch(/\| reads\s+\| \$0\.50 per million after 10 M a month/);
		expect(FACTS).toMatch(/\*\*\$5 a month\*\* minimum/);
		expect(PRICES.workerRequests).toMatchObject({ includedPerMonth: 10_000_000, usdPerMillion: 0.3 });
		expect(PRICES.workerCpuMs).toMatchObject({ includedPerMonth: 30_000_000, usdPerMillion: 0.02 });
		expect(PRICES.kvReads).toMatchObject({ includedPerMonth: 10_000_000, usdPerMillion: 0.5 });
	});

	it("bill only what is beyond the included units", ({ expect }) => {
		expect(usdFor(5_000_000, PRICES.kvReads)).toBe(0);
		expect(usdFor(20_000_000, PRICES.kvReads)).toBe(5);
		expect(usdFor(1e9, PRICES.cacheApiReads)).toBe(0);
	});
});

describe("monthlyCost", () => {
	it("reproduces the platform facts' 250k QPS arithmetic for one KV read per request", ({ expect }) => {
		const c = monthlyCost(250_000, PER_DEVICE_LAYOUT, 1);
		// "≈ 648 billion reads a month, ≈ $324k at list price; the requests ≈ $194k"
		expect(c.requests).toBe(648_000_000_000);
		expect(c.kvReads).toBe(648_000_000_000);
		expect(c.kvReadsUsd).toBeCloseTo(323_995, 6);
		expect(c.requestsUsd).toBeCloseTo(194_397, 6);
		expect(c.cpuUsd).toBeCloseTo(12_959.4, 6);
		expect(c.totalUsd).toBeCloseTo(5 + 323_995 + 194_397 + 12_959.4, 6);
		expect(FACTS).toContain("≈ 648 billion");
	});

	it("scales KV reads with the layout's reads per request", ({ expect }) => {
		const snapshot = {
			...PER_DEVICE_LAYOUT,
			name: "s",
			kvReadsPerRequest: 0.0004,
			cacheApiReadsPerRequest: 2,
		};
		const c = monthlyCost(250_000, snapshot, 0.5);
		expect(c.kvReads).toBeCloseTo(259_200_000, 3);
		expect(c.kvReadsUsd).toBeCloseTo(((259_200_000 - 10_000_000) / 1e6) * 0.5, 6);
		expect(c.cacheApiReads).toBe(1_296_000_000_000);
		expect(c.cpuMs).toBe(324_000_000_000);
	});
});

describe("snapshotLayoutFrom", () => {
	it("reads the benchmark's recorded lines", ({ expect }) => {
		const readme =
			"…\n```\naudience ids: 100000000\nisolate hits per rta request: 0.05\ncache api reads per rta request: 2.1\nkv reads per rta request: 0.0004\n```\n";
		expect(snapshotLayoutFrom(readme)).toMatchObject({
			name: "sharded snapshot",
			kvReadsPerRequest: 0.0004,
			cacheApiReadsPerRequest: 2.1,
		});
		expect(
			snapshotLayoutFrom("kv reads per rta request: 1e-5\ncache api reads per rta request: 3"),
		).toMatchObject({
			kvReadsPerRequest: 0.00001,
		});
	});

	it("says which line is missing", ({ expect }) => {
		expect(snapshotLayoutFrom("cache api reads per rta request: 2.1")).toEqual({
			missing: expect.stringContaining('no "kv reads per rta request: …" line'),
		});
	});
});

describe("npm run cost", () => {
	const MAIN = new URL("./main.ts", import.meta.url).pathname;
	const TSX = new URL("../../../node_modules/tsx/dist/cli.mjs", import.meta.url).pathname;

	it("prints one row per QPS and layout, and JSON with --json", async ({ expect }) => {
		const { stdout } = await run(process.execPath, [TSX, MAIN, "--qps", "10000,250000"]);
		expect(stdout).toMatch(/^\s+qps\s+layout\s+requests\/month/);
		expect(stdout).toMatch(
			/\n\s*250,000\s+per-device KV\s+648,000,000,000\s+194,397\s+648,000,000,000\s+12,959\s+648,000,000,000\s+323,995\s+531,356\n/,
		);
		expect(stdout).toContain("CPU: 1 ms per request (assumed; --cpu-ms to change).");
		const json = JSON.parse(
			(await run(process.execPath, [TSX, MAIN, "--qps", "100000", "--cpu-ms", "0.5", "--json"])).stdout,
		);
		expect(json.cpuMsPerRequest).toBe(0.5);
		expect(json.rows[0]).toMatchObject({ qps: 100_000, layout: "per-device KV", requests: 259_200_000_000 });
	});

	it("prints the table docs/deploy.md shows", async ({ expect }) => {
		const { stdout } = await run(process.execPath, [TSX, MAIN]);
		const table = stdout.split("\n\n")[0] as string;
		const doc = readFileSync(new URL("../../../docs/deploy.md", import.meta.url), "utf8");
		const shown = /```\n\$ npm run cost\n([\s\S]*?)\n```/.exec(doc)?.[1];
		// Regenerate the block with `npm run cost` when prices or the audience benchmark change.
		expect(shown).toBe(table);
	});

	it.for([["--qps", "0"], ["--qps", "1.5"], ["--cpu-ms", "-1"], ["--nope"]])(
		"refuses %j (exit 2)",
		async (args, { expect }) => {
			await expect(run(process.execPath, [TSX, MAIN, ...args])).rejects.toMatchObject({ code: 2 });
		},
	);
});
