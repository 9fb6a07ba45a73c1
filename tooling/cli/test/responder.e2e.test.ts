/**
 * End to end against the REAL responder (`wrangler dev`, started by responder.setup.ts):
 * upload an audience through its admin API, then Tencent's single test and a bounded stress test;
 * then build and publish a snapshot into the responder's own local KV and check it answers from it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { captureIo } from "../src/io.ts";
import { main } from "../src/main.ts";
import { E2E_ADMIN_TOKEN } from "./responder.setup.ts";

const base = inject("responderUrl");
const missing = inject("responderMissing");
const state = inject("responderState");
const CONFIG = new URL("../../../apps/rta-responder/wrangler.jsonc", import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-e2e-"));
	await writeFile(
		join(dir, "positive.txt"),
		"354649050046412\nidfa:1e2dfa89-496a-47fd-9941-df1fc4e6484a\noaid_md5,c255f553281332cae783606cdf6e23a6\n",
	);
	await writeFile(join(dir, "negative.txt"), "861234567890123\nidfa:5a4c1e2b-0000-4000-8000-1234567890ab\n");
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe.skipIf(base === null)(
	`against apps/rta-responder ${base === null ? `(skipped: ${missing})` : base}`,
	() => {
		it("stores a strategy config selecting the e2e segment", async ({ expect }) => {
			const res = await fetch(`${base}/admin/config`, {
				method: "PUT",
				headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, "content-type": "application/json" },
				body: JSON.stringify({ strategies: [{ id: "e2e_strategy", include: ["e2e"] }] }),
			});
			expect(res.status, await res.clone().text()).toBe(200);
		});

		it("uploads the positives through the admin API", async ({ expect }) => {
			const io = captureIo({ cwd: dir, env: { TXAD_ADMIN_TOKEN: E2E_ADMIN_TOKEN } });
			const code = await main(
				["audience", "upload", "positive.txt", "--url", `${base}`, "--segments", "e2e"],
				io,
			);
			expect(io.stderr()).not.toMatch(/error|refused/i);
			expect(code).toBe(0);
			expect(io.stdout()).toContain("kept          3 unique");
		});

		it("passes the single test: positives taken, negatives refused", async ({ expect }) => {
			const io = captureIo({ cwd: dir });
			const code = await main(
				["rta", "check", "--url", `${base}/rta`, "--positive", "positive.txt", "--negative", "negative.txt"],
				io,
			);
			expect(io.stdout()).toContain("READY");
			expect(code).toBe(0);
		});

		// The tool end to end against the real responder: every request sent and answered, takes and
		// refusals told apart, the exit code following the verdict. Not a latency test: wrangler dev's
		// local runtime stalls now and then for 100–400 ms on a small machine (tooling/cli/README.md),
		// so the budget is 1 s and --full sends all 600 whatever the verdict; the 60 ms verdict
		// mechanics are covered against the scripted target in loadtest-check.test.ts.
		it("runs a bounded stress test (200 QPS × 3 s)", async ({ expect }) => {
			const io = captureIo({ cwd: dir });
			const code = await main(
				[
					"rta",
					"loadtest",
					"--warmup",
					"1",
					"--url",
					`${base}/rta`,
					"--qps",
					"200",
					"--duration",
					"3",
					"--timeout-ms",
					"1000",
					"--full",
					"--ids",
					"positive.txt",
					"--json",
					"--quiet",
					"--report",
					"report.html",
				],
				io,
			);
			const result = JSON.parse(io.stdout());
			expect(result.sent).toBe(600);
			expect(result.errors).toBe(0);
			expect(result.taken).toBeGreaterThan(0);
			expect(result.refused).toBeGreaterThan(0);
			expect(result.timeouts).toBeLessThan(60);
			expect(code).toBe(result.pass ? 0 : 1);
		});

		it("publishes a built snapshot into the responder's local KV, which then answers from it", {
			timeout: 180_000,
		}, async ({ expect }) => {
			await writeFile(
				join(dir, "snapshot.csv"),
				"id,kind,segments\n861111111111111,imei,e2e\n5a4c1e2b-1111-4000-8000-1234567890ab,idfa,e2e\n862222222222222,imei,other\n",
			);
			await writeFile(
				join(dir, "snap-pos.txt"),
				"861111111111111\nidfa:5a4c1e2b-1111-4000-8000-1234567890ab\n",
			);
			await writeFile(join(dir, "snap-neg.txt"), "862222222222222\n863333333333333\n");
			let io = captureIo({ cwd: dir });
			expect(
				await main(["audience", "build", "snapshot.csv", "--out", "snap", "--quiet"], io),
				io.stderr(),
			).toBe(0);
			const id = /snapshot {6}(\S+)/.exec(io.stdout())?.[1];
			io = captureIo({ cwd: dir, env: process.env });
			expect(
				await main(
					["audience", "publish", "snap", "--local", "--config", CONFIG, "--persist-to", state, "--quiet"],
					io,
				),
				io.stderr(),
			).toBe(0);
			let seen: unknown;
			for (let i = 0; i < 60 && seen !== id; i++) {
				seen = ((await (await fetch(`${base}/healthz`)).json()) as { audience: { snapshot_id: unknown } })
					.audience.snapshot_id;
				if (seen !== id) await new Promise((r) => setTimeout(r, 500));
			}
			expect(seen).toBe(id);
			io = captureIo({ cwd: dir });
			const code = await main(
				["rta", "check", "--url", `${base}/rta`, "--positive", "snap-pos.txt", "--negative", "snap-neg.txt"],
				io,
			);
			expect(io.stdout()).toContain("READY");
			expect(code).toBe(0);
		});
	},
);
