import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashDeviceId } from "@txad/muid";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../src/io.ts";
import { main } from "../src/main.ts";
import { startFakeResponder } from "./fake-responder.ts";

const POSITIVE = ["354649050046412", "idfa:1e2dfa89-496a-47fd-9941-df1fc4e6484a"];
const audience = new Set([
	hashDeviceId("imei", "354649050046412"),
	hashDeviceId("idfa", "1e2dfa89-496a-47fd-9941-df1fc4e6484a"),
]);
let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-lt-"));
	await writeFile(join(dir, "pos.txt"), `${POSITIVE.join("\n")}\n`);
	await writeFile(
		join(dir, "neg.txt"),
		"# not in the audience\n861234567890123\noaid_md5,c255f553281332cae783606cdf6e23a6\n",
	);
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("txad rta check (scripted target)", () => {
	it("passes when positives are taken and negatives refused", async ({ expect }) => {
		const target = await startFakeResponder({ audience });
		try {
			const io = captureIo({ cwd: dir });
			expect(
				await main(
					["rta", "check", "--url", target.url.href, "--positive", "pos.txt", "--negative", "neg.txt"],
					io,
				),
			).toBe(0);
			const out = io.stdout();
			expect(out).toMatch(/ping\s+-\s+\(is_ping\)\s+200\s+8 PING/);
			expect(out).toMatch(
				/positive\s+1\s+imei\s+b496ec1169770ea274a2b4f42ca4fb71\s+200\s+0 TAKE\s+[\d.]+\s+s1\s+taken\s+PASS/,
			);
			expect(out).toMatch(
				/negative\s+3\s+oaid\s+c255f553281332cae783606cdf6e23a6\s+200\s+4 NO_STRATEGY\s+[\d.]+\s+refused\s+PASS/,
			);
			expect(out).toContain("5/5 as expected");
			expect(out).toContain("READY");
		} finally {
			await target.close();
		}
	});

	it("fails (exit 1) when a positive is refused, marking the row", async ({ expect }) => {
		const target = await startFakeResponder({ audience: new Set() });
		try {
			const io = captureIo({ cwd: dir });
			expect(
				await main(["rta", "check", "--url", target.url.href, "--positive", "pos.txt", "--json"], io),
			).toBe(1);
			const rows = JSON.parse(io.stdout()) as { set: string; pass: boolean; code: string }[];
			expect(rows.filter((r) => r.set === "positive").map((r) => [r.pass, r.code])).toEqual([
				[false, "4 NO_STRATEGY"],
				[false, "4 NO_STRATEGY"],
			]);
		} finally {
			await target.close();
		}
	});

	it("checks openid samples in openid mode (--openid-appid)", async ({ expect }) => {
		const appid = "wx0102030405060708";
		await writeFile(
			join(dir, "pos-openid.txt"),
			"openid\no6_bmjrPTlm6_2sgVt7hMZOPfL2M\nopenid,o6_second_openid_0002\n",
		);
		await writeFile(join(dir, "neg-openid.txt"), "# not in the audience\no6_not_in_audience_000003\n");
		const target = await startFakeResponder({
			audience: new Set(["o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "o6_second_openid_0002"]),
			openidAppid: appid,
		});
		try {
			const io = captureIo({ cwd: dir });
			const args = [
				"rta",
				"check",
				"--url",
				target.url.href,
				"--positive",
				"pos-openid.txt",
				"--negative",
				"neg-openid.txt",
			];
			expect(await main([...args, "--openid-appid", appid], io)).toBe(0);
			const out = io.stdout();
			expect(out).toMatch(/set\s+line\s+kind\s+openid\s+http/);
			expect(out).toMatch(/positive\s+2\s+openid\s+o6_bmjrPTlm6_2sgVt7hMZOPfL2M\s+200\s+0 TAKE/);
			expect(out).toMatch(/positive\s+3\s+openid\s+o6_second_openid_0002\s+200\s+0 TAKE/);
			expect(out).toMatch(
				/negative\s+2\s+openid\s+o6_not_in_audience_000003\s+200\s+4 NO_STRATEGY\s+[\d.]+\s+refused\s+PASS/,
			);
			expect(out).toContain("4/4 as expected");
			// Under another appid the same openids are not the integration's: not taken.
			const other = captureIo({ cwd: dir });
			expect(await main([...args, "--openid-appid", "wx0000000000000001"], other)).toBe(1);
			expect(other.stdout()).toContain("NOT READY: 2 sample(s) not as expected");
		} finally {
			await target.close();
		}
	});

	it.for([
		[["--openid-appid", "wx123"], /--openid-appid must be a WeChat appid \(wx \+ 16 hex\), got "wx123"/],
		[["--openid-appid", "wx0102030405060708", "--kind", "imei"], /--kind and --os are for device ids/],
	] as const)("refuses %j (exit 2)", async ([flags, message], { expect }) => {
		const io = captureIo({ cwd: dir });
		expect(
			await main(["rta", "check", "--url", "http://127.0.0.1:9/rta", "--positive", "pos.txt", ...flags], io),
		).toBe(2);
		expect(io.stderr()).toMatch(message);
	});

	it("names the line of a placeholder openid (exit 2)", async ({ expect }) => {
		await writeFile(join(dir, "bad-openid.txt"), "o6_fine_openid_000000001\nnull\n");
		const io = captureIo({ cwd: dir });
		const code = await main(
			[
				"rta",
				"check",
				"--url",
				"http://127.0.0.1:9/rta",
				"--positive",
				"bad-openid.txt",
				"--openid-appid",
				"wx0102030405060708",
			],
			io,
		);
		expect(code).toBe(2);
		expect(io.stderr()).toMatch(/bad-openid\.txt:2: "null" is a placeholder/);
	});

	it("names the line of a bad sample (exit 2)", async ({ expect }) => {
		await writeFile(join(dir, "bad.txt"), "354649050046412\nb496ec1169770ea274a2b4f42ca4fb71\n");
		const io = captureIo({ cwd: dir });
		expect(await main(["rta", "check", "--url", "http://127.0.0.1:9/rta", "--positive", "bad.txt"], io)).toBe(
			2,
		);
		expect(io.stderr()).toMatch(/bad\.txt:2: a hash without its kind/);
	});
});

describe("txad rta loadtest (scripted target, bounded)", () => {
	it("passes a healthy target at 200 QPS for 2 s and writes the HTML report", async ({ expect }) => {
		const target = await startFakeResponder({ audience });
		try {
			const io = captureIo({ cwd: dir });
			const code = await main(
				[
					"rta",
					"loadtest",
					"--warmup",
					"1",
					"--url",
					target.url.href,
					"--qps",
					"200",
					"--duration",
					"2",
					"--report",
					"r/lt.html",
					"--json",
					"--quiet",
					"--ids",
					"pos.txt",
				],
				io,
			);
			const result = JSON.parse(io.stdout());
			expect(code).toBe(0);
			expect(result.sent).toBe(400);
			// 1 s ramp to 200 QPS = 100 warm-up requests, kept out of the counts; +1 preflight.
			expect(result.warmup).toEqual({ sent: 100, failures: 0 });
			expect(target.requests()).toBe(501);
			expect(result.pass).toBe(true);
			expect(result.taken).toBeGreaterThan(40);
			expect(result.refused).toBeGreaterThan(200);
			expect(result.pings).toBeGreaterThan(0);
			expect(result.achievedQps).toBeGreaterThan(180);
			expect(result.achievedQps).toBeLessThan(220);
			expect(result.latency.p99).toBeLessThan(60);
			const html = await readFile(join(dir, "r/lt.html"), "utf8");
			expect(html).toContain("PASS");
			expect(html).toContain("<svg");
		} finally {
			await target.close();
		}
	});

	it("fails (exit 1) when 5 % of answers are late or 500, and counts each", async ({ expect }) => {
		const target = await startFakeResponder({ audience, slowEvery: 40, slowMs: 150, failEvery: 41 });
		try {
			const io = captureIo({ cwd: dir });
			const code = await main(
				[
					"rta",
					"loadtest",
					"--warmup",
					"0",
					"--url",
					target.url.href,
					"--qps",
					"200",
					"--duration",
					"2",
					"--timeout-ms",
					"60",
					"--full",
					"--report",
					"r/lt.svg",
					"--quiet",
				],
				io,
			);
			expect(code).toBe(1);
			const out = io.stdout();
			expect(out).toMatch(/timeouts\s+(9|10|11) \(/);
			expect(out).toMatch(/errors\s+(9|10) \([\d.]+ %\)\s+http_500 (9|10)/);
			expect(out).toMatch(/verdict\s+FAIL: timeouts \+ errors [\d.]+ % \(bar < 1\.000 %\)/);
			expect(await readFile(join(dir, "r/lt.svg"), "utf8")).toMatch(/^<svg/);
		} finally {
			await target.close();
		}
	});

	it("stops early once the FAIL verdict is certain", async ({ expect }) => {
		const target = await startFakeResponder({ audience, failEvery: 2 });
		try {
			const io = captureIo({ cwd: dir });
			const code = await main(
				[
					"rta",
					"loadtest",
					"--warmup",
					"0",
					"--url",
					target.url.href,
					"--qps",
					"200",
					"--duration",
					"5",
					"--report",
					"r/early.html",
					"--json",
					"--quiet",
				],
				io,
			);
			expect(code).toBe(1);
			const result = JSON.parse(io.stdout());
			// 1 % of the 1000 planned requests is 10 failures: reached within the first ~20 sent.
			expect(result.sent).toBeLessThan(100);
			expect(result.errors).toBeGreaterThanOrEqual(10);
			expect(result.warnings[0]).toMatch(
				/^stopped after [\d.]+ s: \d+ timeouts \+ errors already exceed 1 % of the 1000 planned requests/,
			);
		} finally {
			await target.close();
		}
	});
});
