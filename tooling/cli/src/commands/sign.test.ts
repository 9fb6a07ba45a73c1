import conversionVectors from "@txad/testdata/conversion-encstr.json" with { type: "json" };
import dspbVectors from "@txad/testdata/dspb-sign.json" with { type: "json" };
import { describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { main } from "../main.ts";

describe("txad sign dspb", () => {
	it.for(dspbVectors.cases)("matches the shared vector $time_stamp", async (c, { expect }) => {
		const io = captureIo();
		const code = await main(
			[
				"sign",
				"dspb",
				"--secret",
				c.secret,
				"--device",
				c.device,
				"--media",
				c.media,
				"--network",
				c.network,
				"--pos",
				c.pos,
				"--time-stamp",
				c.time_stamp,
				"--json",
			],
			io,
		);
		expect(code).toBe(0);
		expect(JSON.parse(io.stdout())).toEqual({
			request_param: c.request_param,
			sign: c.sign,
			time_stamp: c.time_stamp,
		});
	});

	it("takes the secret from TXAD_DSPB_SECRET", async ({ expect }) => {
		const c = dspbVectors.cases[0];
		if (c === undefined) throw new Error("no vector");
		const io = captureIo({ env: { TXAD_DSPB_SECRET: c.secret } });
		await main(
			[
				"sign",
				"dspb",
				"--device",
				c.device,
				"--media",
				c.media,
				"--network",
				c.network,
				"--pos",
				c.pos,
				"--time-stamp",
				c.time_stamp,
			],
			io,
		);
		expect(io.stdout()).toContain(`sign:          ${c.sign}`);
	});

	it("names the flag holding bad JSON (exit 2)", async ({ expect }) => {
		const io = captureIo();
		const code = await main(
			["sign", "dspb", "--secret", "s", "--device", "{", "--media", "{}", "--network", "{}", "--pos", "{}"],
			io,
		);
		expect(code).toBe(2);
		expect(io.stderr()).toMatch(/--device: device is not valid JSON/);
	});

	it("asks for a missing secret", async ({ expect }) => {
		const io = captureIo();
		expect(
			await main(["sign", "dspb", "--device", "{}", "--media", "{}", "--network", "{}", "--pos", "{}"], io),
		).toBe(2);
		expect(io.stderr()).toMatch(/--secret is required/);
	});
});

describe("txad sign conversion", () => {
	it.for(conversionVectors.cases)("matches the shared vector ($note)", async (c, { expect }) => {
		const io = captureIo();
		const code = await main(
			[
				"sign",
				"conversion",
				"--app-type",
				c.app_type,
				"--click-id",
				c.click_id,
				"--client-ip",
				c.client_ip,
				"--conv-time",
				c.conv_time,
				"--muid",
				c.muid,
				"--sign-key",
				c.sign_key,
				"--json",
			],
			io,
		);
		expect(code).toBe(0);
		expect(JSON.parse(io.stdout())).toEqual({ sign_string: c.sign_string, encstr: c.encstr });
	});

	it.for([
		[["--app-type", "WINDOWS"], /--app-type must be IOS, ANDROID or UNIONANDROID/],
		[
			["--app-type", "IOS", "--conv-time", "1422263664000"],
			/--conv-time: conv_time must be a Unix time in seconds/,
		],
		[["--app-type", "IOS"], /--muid: muid is required/],
	] as const)("refuses %j naming the flag", async ([flags, message], { expect }) => {
		const io = captureIo();
		expect(await main(["sign", "conversion", "--sign-key", "k", ...flags], io)).toBe(2);
		expect(io.stderr()).toMatch(message);
	});
});
