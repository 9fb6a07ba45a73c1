/**
 * The load-test report, opened in a real browser: Debian's `chromium` driven by playwright-core.
 * A bounded run against the scripted target (some answers late, some HTTP 500) writes the HTML;
 * the page must render every part — verdict, warnings, the three time charts, the histogram with
 * round ticks and the budget line exactly at the budget, the seconds with timeouts marked — and
 * load nothing from anywhere. Skipped (with the reason in its name) on a machine without
 * /usr/bin/chromium, except in CI, where `.ci/run` installs it and a missing browser must fail.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../src/io.ts";
import type { LoadtestResult } from "../src/lib/report.ts";
import { main } from "../src/main.ts";
import { startFakeResponder } from "./fake-responder.ts";

const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const run = present || process.env.CI !== undefined;

let dir: string;
let browser: Browser;
let page: Page;
let result: LoadtestResult;
const requested: string[] = [];

beforeAll(async () => {
	if (!run) return;
	dir = await mkdtemp(join(tmpdir(), "txad-report-"));
	// Every 50th answer after 120 ms (a timeout at the 60 ms budget), every 97th an HTTP 500: 3 %.
	const target = await startFakeResponder({ audience: new Set(), slowEvery: 50, slowMs: 120, failEvery: 97 });
	try {
		const io = captureIo({ cwd: dir });
		const code = await main(
			[
				"rta",
				"loadtest",
				"--url",
				target.url.href,
				"--qps",
				"200",
				"--duration",
				"3",
				"--warmup",
				"1",
				"--full",
				"--json",
				"--quiet",
				"--report",
				"report.html",
			],
			io,
		);
		if (code !== 1) throw new Error(`expected a FAIL run, got exit ${code}: ${io.stderr()}`);
		result = JSON.parse(io.stdout()) as LoadtestResult;
	} finally {
		await target.close();
	}
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		],
	});
	page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
	page.on("request", (request) => requested.push(request.url()));
	await page.goto(pathToFileURL(join(dir, "report.html")).href);
}, 60_000);

afterAll(async () => {
	await browser?.close();
	if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!run)(
	`the HTML report in headless Chromium${present ? "" : ` (skipped: no ${CHROMIUM}; apt-get install -y chromium)`}`,
	() => {
		it("is self-contained: the page requests nothing but itself, and has no script", async ({ expect }) => {
			expect(requested).toEqual([pathToFileURL(join(dir, "report.html")).href]);
			const html = await readFile(join(dir, "report.html"), "utf8");
			expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
		});

		it("puts the verdict against the < 1 % bar on top", async ({ expect }) => {
			const verdict = page.locator("#verdict");
			await expect.poll(() => verdict.getAttribute("data-pass")).toBe("false");
			expect(await verdict.locator(".verdict-word").textContent()).toBe("FAIL");
			expect(await verdict.textContent()).toMatch(/timeouts \+ errors \d+\.\d{3} % of 600 measured requests/);
			expect(await verdict.textContent()).toContain("< 1.000 %");
			// First thing under the title.
			const order = await page.$$eval("main > *", (els) => els.map((e) => e.id || e.tagName.toLowerCase()));
			expect(order.slice(0, 4)).toEqual(["h1", "p", "verdict", "warnings"]);
		});

		it("lists the generator and machine warnings", async ({ expect }) => {
			const items = await page.locator("#warnings li").allTextContents();
			expect(items).toEqual(result.warnings);
			expect(items.some((w) => w.startsWith("loopback target"))).toBe(true);
		});

		it("draws throughput, latency and outcomes per second, one point per second", async ({ expect }) => {
			for (const id of ["chart-throughput", "chart-latency", "chart-codes", "chart-histogram"]) {
				const box = await page.locator(`#${id}`).boundingBox();
				expect(box?.width, id).toBeGreaterThan(600);
				expect(box?.height, id).toBeGreaterThan(150);
			}
			const seconds = result.timeline.length;
			expect(seconds).toBeGreaterThanOrEqual(4);
			for (const cls of ["series-offered", "series-sent", "series-ok"]) {
				const points = await page.locator(`#chart-throughput .${cls}`).getAttribute("points");
				expect(points?.trim().split(" ")).toHaveLength(seconds);
			}
			for (const cls of ["series-p50", "series-p90", "series-p99"]) {
				const points = await page.locator(`#chart-latency .${cls}`).getAttribute("points");
				expect(points?.trim().split(" ")).toHaveLength(result.timeline.filter((r) => r.sent > 0).length);
			}
			const labels = await page
				.locator("#chart-codes .code-bar")
				.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("data-label")))]);
			expect(labels).toEqual(expect.arrayContaining(["4 NO_STRATEGY", "timeout", "http_500", "ping"]));
		});

		it("marks every second that had timeouts or errors, with their counts", async ({ expect }) => {
			const marks = await page
				.locator("#chart-latency .timeout-mark")
				.evaluateAll((els) =>
					els.map((e) => [
						Number(e.getAttribute("data-second")),
						Number(e.getAttribute("data-timeouts")),
						Number(e.getAttribute("data-errors")),
					]),
				);
			const expected = result.timeline
				.filter((r) => r.timeouts + r.errors > 0)
				.map((r) => [r.t, r.timeouts, r.errors]);
			expect(marks).toEqual(expected);
			expect(marks.length).toBeGreaterThan(0);
		});

		it("draws the histogram on round ticks with the budget line exactly at 60 ms", async ({ expect }) => {
			const hist = page.locator("#chart-histogram");
			const ticks = await hist
				.locator(".tick-x")
				.evaluateAll((els) =>
					els.map((e) => [Number(e.getAttribute("data-value")), Number(e.getAttribute("x"))]),
				);
			const values = ticks.map(([v]) => v as number);
			// 1, 2, 5 × 10ⁿ only, and the labels say exactly that.
			for (const v of values) expect(String(v)).toMatch(/^(?:0\.0*)?[125]0*$/);
			expect(values).toEqual(expect.arrayContaining([1, 2, 5, 10, 20, 50]));
			expect(await hist.locator(".tick-x").allTextContents()).toEqual(values.map(String));
			// On the log axis, 60 ms sits at log(60/50)/log(100/50) of the way from the 50 tick to the 100 tick.
			const at = new Map(ticks.map(([v, x]) => [v as number, x as number]));
			const x50 = at.get(50) as number;
			const perDecade = x50 - (at.get(5) as number);
			const expectedX = x50 + perDecade * Math.log10(60 / 50);
			const budget = hist.locator("line.budget");
			expect(await budget.getAttribute("data-ms")).toBe("60");
			expect(Number(await budget.getAttribute("x1"))).toBeCloseTo(expectedX, 0);
			expect(await hist.locator(".budget-label").textContent()).toMatch(/^budget 60 ms: \d+ at or over it/);
			// Bins start or end at the budget, never straddle it; those from it on are the red ones.
			const bins = await hist
				.locator("rect.bin")
				.evaluateAll((els) =>
					els.map((e) => [
						Number(e.getAttribute("data-from")),
						Number(e.getAttribute("data-to")),
						e.classList.contains("bin-over"),
					]),
				);
			for (const [from, to, over] of bins) {
				expect(over).toBe((from as number) >= 60 - 1e-6);
				expect((from as number) < 60 - 1e-6 && (to as number) > 60 + 1e-6).toBe(false);
			}
			const overCount = bins.filter(([, , over]) => over).length;
			expect(overCount).toBeGreaterThan(0);
			expect(await hist.locator(".pct-label").allTextContents()).toEqual([
				expect.stringMatching(/^p50 /),
				expect.stringMatching(/^p90 /),
				expect.stringMatching(/^p99 /),
			]);
		});
	},
);
