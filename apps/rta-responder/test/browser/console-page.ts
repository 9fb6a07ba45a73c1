/**
 * Driving the console in a real browser (Debian's chromium through playwright-core), shared by
 * the browser test and `npm run screenshots`, so the screenshots show what the test checked.
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's chromium, which `.ci/run` installs when it is missing. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Starts headless chromium with the flags the repository's browser tests use.
 * @returns the browser
 */
export function launchChromium(): Promise<Browser> {
	return chromium.launch({
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
}

/**
 * Opens the console and logs in.
 * @param page - a fresh page
 * @param url - the responder's origin
 * @param token - the admin token
 */
export async function logIn(page: Page, url: string, token: string): Promise<void> {
	await page.goto(`${url}/admin/ui/`);
	await page.fill("#token", token);
	await page.click("#login-form button[type=submit]");
	await page.waitForSelector("#view-overview:not([hidden]) .card");
}

/**
 * Runs one of the debug tool's presets and waits for the verdict.
 * @param page - a logged-in page
 * @param preset - "take", "refuse" or "adlist"
 * @returns the verdict line's text
 */
export async function runDebugPreset(page: Page, preset: "take" | "refuse" | "adlist"): Promise<string> {
	await page.click("#nav a[data-view=debug]");
	await page.click(`button.preset[data-preset=${preset}]`);
	const before = await page.textContent("#debug-request");
	await page.click("#debug-form button[type=submit]");
	await page.waitForFunction((old) => document.querySelector("#debug-request")?.textContent !== old, before);
	return (await page.textContent("#debug-summary")) ?? "";
}

/**
 * Opens the strategy config view with the stored config loaded.
 * @param page - a logged-in page
 * @returns the version badge's text
 */
export async function openConfig(page: Page): Promise<string> {
	await page.click("#nav a[data-view=config]");
	await page.waitForFunction(() => (document.querySelector("#config-version")?.textContent ?? "") !== "");
	return (await page.textContent("#config-version")) ?? "";
}
