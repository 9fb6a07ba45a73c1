/**
 * `npm run screenshots`: the console's four views (the debug tool twice: first stage, ad list) as PNG files in docs/ (shown in the README),
 * taken in headless Chromium from a throw-away local responder seeded with the demo config and
 * audience (test/browser/local-stack.ts), after some real /rta traffic so the overview has
 * numbers: the same steps the browser test checks.
 * @module
 */
import path from "node:path";
import { hashDeviceId } from "@txad/muid";
import { CacheDeviceIdType, create, encodeRtaRequest, OperatingSystem, RtaRequestSchema } from "@txad/proto";
import { launchChromium, logIn, openConfig, runDebugPreset } from "../test/browser/console-page.ts";
import { STACK_ADMIN_TOKEN, startLocalStack } from "../test/browser/local-stack.ts";

const OUT = path.join(import.meta.dirname, "../docs");
const stack = await startLocalStack();
const browser = await launchChromium();
try {
	// Traffic for the overview: the seeded devices (takes and refusals), unknown ones, pings.
	const devices = ["354649050046412", "demo-oaid-0001", "861234567890123", "990000862471854"];
	for (let i = 0; i < 240; i++) {
		const raw = devices[i % devices.length] as string;
		const oaid = raw.startsWith("demo-oaid");
		const request = create(RtaRequestSchema, {
			id: `shot-${i}`,
			isPing: i % 40 === 0,
			device: {
				os: OperatingSystem.OS_ANDROID,
				...(oaid ? { oaidMd5sum: hashDeviceId("oaid", raw) } : { imeiMd5sum: hashDeviceId("imei", raw) }),
				cachedDeviceidType: oaid ? CacheDeviceIdType.OAID_MD5 : CacheDeviceIdType.IMEI_MD5,
			},
		});
		await fetch(`${stack.url}/rta`, {
			method: "POST",
			headers: { "content-type": "application/x-protobuf" },
			body: encodeRtaRequest(request),
		});
	}
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	await logIn(page, stack.url, STACK_ADMIN_TOKEN);
	await page.screenshot({ path: path.join(OUT, "console-overview.png"), fullPage: true });

	await runDebugPreset(page, "take");
	await page.screenshot({ path: path.join(OUT, "console-debug.png"), fullPage: true });
	await runDebugPreset(page, "adlist");
	await page.screenshot({ path: path.join(OUT, "console-debug-adlist.png"), fullPage: true });

	await openConfig(page);
	const text = await page.inputValue("#config-text");
	await page.fill("#config-text", text.replace('"user_weight_factor": 1.5', '"user_weight_factor": 9'));
	await page.click("#config-validate");
	await page.locator("#config-errors li.error").first().waitFor();
	await page.locator("#config-errors li.error button.path").first().click();
	await page.screenshot({ path: path.join(OUT, "console-config.png"), fullPage: true });

	await page.click("#nav a[data-view=audience]");
	await page.fill("#audience-id", "354649050046412");
	await page.click("#audience-form button[type=submit]");
	await page.waitForSelector("#audience-result table");
	await page.screenshot({ path: path.join(OUT, "console-audience.png"), fullPage: true });
	console.log(
		`wrote ${["overview", "debug", "debug-adlist", "config", "audience"].map((v) => `docs/console-${v}.png`).join(", ")}`,
	);
} finally {
	await browser.close();
	await stack.stop();
}
