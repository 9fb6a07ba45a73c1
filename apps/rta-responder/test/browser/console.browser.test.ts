/**
 * The operator console in a real browser against a real `wrangler dev` responder (started by the
 * test on a port the OS picks, seeded with the demo config and audience): log in with the token,
 * run the debug tool for a seeded take and a seeded refusal, fix an invalid config shown at its
 * JSON path, save it and see the version change; look a device up and upload NDJSON with one bad
 * line. The page must load nothing from anywhere but the Worker. Skipped (reason in its name)
 * without /usr/bin/chromium, except in CI, where `.ci/run` installs it and a missing browser fails.
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { CHROMIUM, launchChromium, logIn, openConfig, runDebugPreset } from "./console-page.ts";
import { type LocalStack, STACK_ADMIN_TOKEN, startLocalStack } from "./local-stack.ts";

const run = existsSync(CHROMIUM) || process.env.CI !== undefined;

let stack: LocalStack;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
	if (!run) return;
	stack = await startLocalStack();
	browser = await launchChromium();
	page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	page.on("request", (r) => requested.push(r.url()));
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await stack?.stop();
});

describe.runIf(run)("the console (/admin/ui) in headless Chromium", () => {
	it("refuses a wrong token, then logs in and shows health, config version and snapshot", async ({
		expect,
	}) => {
		await page.goto(`${stack.url}/admin/ui/`);
		await page.fill("#token", "not-the-token");
		await page.click("#login-form button[type=submit]");
		await page.waitForFunction(() => document.querySelector("#login-error")?.textContent === "Wrong token.");
		expect(await page.isVisible("#nav")).toBe(false);

		await logIn(page, stack.url, STACK_ADMIN_TOKEN);
		const cards = await page.textContent("#overview-cards");
		expect(cards).toContain("HealthOK");
		const health = (await (await fetch(`${stack.url}/healthz`)).json()) as {
			config_version: string;
			audience: { snapshot_id: string };
		};
		expect(cards).toContain(health.config_version);
		expect(cards).toContain(health.audience.snapshot_id);
	});

	it("debug tool: the seeded IMEI is taken by st_new_user, and says why", async ({ expect }) => {
		const verdict = await runDebugPreset(page, "take");
		expect(verdict).toContain("code 0 TAKE");
		expect(verdict).toContain("strategies st_new_user");
		expect(await page.textContent("#debug-why")).toContain("included by new_user");
		const sent = JSON.parse((await page.textContent("#debug-request")) ?? "{}");
		expect(sent).toMatchObject({
			is_test: true,
			device: { imei_md5sum: "b496ec1169770ea274a2b4f42ca4fb71" },
		});
		expect(JSON.parse((await page.textContent("#debug-response")) ?? "{}")).toMatchObject({
			out_target_id: ["st_new_user"],
		});
		expect(await page.textContent("#debug-hex")).toMatch(/^[0-9a-f]+$/);
	});

	it("debug tool: the seeded OAID is refused (code 4), excluded by installed", async ({ expect }) => {
		const verdict = await runDebugPreset(page, "refuse");
		expect(verdict).toContain("code 4 NO_STRATEGY");
		expect(await page.textContent("#debug-why")).toContain("excluded by installed");
	});

	it("debug tool: an ad list (second stage) for the seeded IMEI gets ad group 1001 priced, 1002 ignored", async ({
		expect,
	}) => {
		const verdict = await runDebugPreset(page, "adlist");
		expect(verdict).toContain("code 0 TAKE");
		const sent = JSON.parse((await page.textContent("#debug-request")) ?? "{}");
		expect(sent).toMatchObject({
			request_info: { request_type: "ADLIST_REQUEST" },
			ad_infos: [{ adgroup_id: "1001", creative_infos: [{ creative_id: "7" }] }, { adgroup_id: "1002" }],
		});
		expect(JSON.parse((await page.textContent("#debug-response")) ?? "{}")).toMatchObject({
			ad_results: [
				{ adgroup_id: "1001", cpc_price: 150 },
				{ adgroup_id: "1002", ignore: true },
			],
		});
		const ads = (await page.textContent("#debug-ads-trace")) ?? "";
		expect(ads).toContain("1001priced");
		expect(ads).toContain("CPC 150");
		expect(await page.textContent("#debug-why")).not.toMatch(/null|undefined/);
	});

	it("overview: the debug tool's three requests are counted, as is_test, apart from live traffic", async ({
		expect,
	}) => {
		await page.click("#nav a[data-view=overview]");
		await page.click("#overview-refresh");
		await page.waitForFunction(() =>
			/3 is_test apart/.test(document.querySelector("#overview-metrics")?.textContent ?? ""),
		);
		expect(await page.textContent("#overview-metrics")).toContain("Requests0");
	});

	it("strategy config: shows an invalid value at its JSON path, then saves the fix with a new version", async ({
		expect,
	}) => {
		const before = await openConfig(page);
		expect(before).toMatch(/^version [0-9a-f]{16}$/);
		const text = await page.inputValue("#config-text");
		await page.fill("#config-text", text.replace('"user_weight_factor": 1.5', '"user_weight_factor": 9'));
		await page.click("#config-validate");
		const error = page.locator("#config-errors li.error", {
			hasText: "$.strategies[0].bid.user_weight_factor",
		});
		await error.waitFor();
		expect(await error.textContent()).toMatch(/line \d+ — must be a number between 0\.2 and 5/);
		// The path takes the editor to the offending member.
		await error.locator("button.path").click();
		const selected = await page.$eval("#config-text", (t: HTMLTextAreaElement) =>
			t.value.slice(t.selectionStart, t.selectionEnd),
		);
		expect(selected).toBe('"user_weight_factor": 9');
		// Fix it: select-replace the value as a user would, validate, save.
		await page.fill("#config-text", text.replace('"user_weight_factor": 1.5', '"user_weight_factor": 1.6'));
		await page.click("#config-validate");
		await page.waitForFunction(() =>
			document.querySelector("#config-status")?.textContent?.startsWith("Valid:"),
		);
		expect(await page.locator("#config-errors li.error").count()).toBe(0);
		await page.click("#config-diff");
		expect(await page.textContent("#config-diff-out .add")).toMatch(/^\+ +"user_weight_factor": 1\.6,$/);
		expect(await page.textContent("#config-diff-out .del")).toMatch(/^- +"user_weight_factor": 1\.5,$/);
		await page.click("#config-save");
		await page.waitForFunction(() =>
			document.querySelector("#config-status")?.textContent?.startsWith("Saved"),
		);
		const after = (await page.textContent("#config-version")) ?? "";
		expect(after).not.toBe(before);
		expect(await page.textContent("#config-status")).toContain(`(was ${before.replace("version ", "")})`);
		const stored = (await (
			await fetch(`${stack.url}/admin/config`, { headers: { authorization: `Bearer ${STACK_ADMIN_TOKEN}` } })
		).json()) as { version: string };
		expect(after).toBe(`version ${stored.version}`);
	});

	it("audience: looks a device up and uploads NDJSON, keeping the good line and naming the bad one", async ({
		expect,
	}) => {
		await page.click("#nav a[data-view=audience]");
		await page.selectOption("#audience-type", "imei");
		await page.fill("#audience-id", "354649050046412");
		await page.click("#audience-form button[type=submit]");
		await page.waitForSelector("#audience-result table");
		expect(await page.textContent("#audience-result")).toContain("imei_md5:b496ec1169770ea274a2b4f42ca4fb71");
		expect(await page.textContent("#audience-result")).toContain("new_user");
		await page.setInputFiles("#upload-file", {
			name: "changes.ndjson",
			mimeType: "application/x-ndjson",
			buffer: Buffer.from(
				'{"type":"imei","id":"861234567890123","segments":["vip"]}\n{"type":"imei_md5","hash":"xyz","segments":["vip"]}\n',
			),
		});
		await page.click("#upload-form button[type=submit]");
		await page.waitForSelector("#upload-result p");
		expect(await page.textContent("#upload-result")).toContain("2 lines: 1 stored");
		expect(await page.textContent("#upload-result")).toContain("line 2 (hash)");
	});

	it("loaded nothing from anywhere but the Worker", ({ expect }) => {
		expect(requested.length).toBeGreaterThan(5);
		expect(requested.filter((u) => !u.startsWith(`${stack.url}/`))).toEqual([]);
	});
});

describe.skipIf(run)(`the console browser test (skipped: ${CHROMIUM} is missing)`, () => {
	it("needs chromium", () => {});
});
