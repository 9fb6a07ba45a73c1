import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { main } from "../main.ts";
import { storeHint } from "./rta-sign-sync.ts";

// A scripted management API: answers sign/get with the envelope docs/rta/management-api.md describes.
let server: Server;
let base: string;
let signs: unknown = [];
const bodies: { url: string; body: Record<string, unknown> }[] = [];
beforeAll(async () => {
	server = createServer((req, res) => {
		let text = "";
		req.on("data", (c) => {
			text += c;
		});
		req.on("end", () => {
			const body = JSON.parse(text) as { auth: { token: string } };
			bodies.push({ url: req.url ?? "", body });
			res.writeHead(200, { "content-type": "application/json" });
			if (body.auth.token !== "tok") {
				res.end(
					JSON.stringify({ code: 1001, msg: "auth failed", taskid: "t-bad", sandbox: false, data: {} }),
				);
			} else {
				res.end(
					JSON.stringify({ code: 0, msg: "", taskid: "t-1", sandbox: false, data: { sign_get: signs } }),
				);
			}
		});
	});
	server.listen(0, "127.0.0.1");
	await once(server, "listening");
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
	server.close();
});

describe("txad rta sign sync", () => {
	it("prints the RTA_SIGN_HEADERS secret from sign/get, names lower-cased and sorted", async ({ expect }) => {
		signs = [
			{ key: "X-Rta-Key", value: "k1" },
			{ key: "X-A", value: "v a" },
		];
		const io = captureIo({ env: { TXAD_RTA_TOKEN: "tok" } });
		expect(
			await main(["rta", "sign", "sync", "--dspid", "123", "--base-url", base, "--secret-only"], io),
		).toBe(0);
		expect(io.stdout()).toBe('{"x-a":"v a","x-rta-key":"k1"}\n');
		expect(bodies.at(-1)).toMatchObject({
			url: "/rta/sign/get",
			body: { auth: { dspid: "123", token: "tok" } },
		});
	});

	it("says the check is off for an empty set", async ({ expect }) => {
		signs = [];
		const io = captureIo();
		expect(
			await main(["rta", "sign", "sync", "--dspid", "123", "--token", "tok", "--base-url", base], io),
		).toBe(0);
		expect(io.stdout()).toContain("taskid t-1: no header pairs registered (the check is off)");
		expect(io.stdout()).toContain("RTA_SIGN_HEADERS:\n{}\n");
	});

	it("prints a store command that reads the same API: a local sandbox goes to .dev.vars", async ({
		expect,
	}) => {
		signs = [{ key: "X-Rta-Key", value: "k1" }];
		const io = captureIo();
		expect(
			await main(["rta", "sign", "sync", "--dspid", "123", "--token", "tok", "--base-url", base], io),
		).toBe(0);
		expect(io.stdout()).toContain(
			`this came from a local API (a sandbox): use it for local dev only, in apps/rta-responder/.dev.vars:\n  echo "RTA_SIGN_HEADERS='$(npx txad rta sign sync --dspid 123 --base-url ${base} --secret-only)'" >> apps/rta-responder/.dev.vars\n`,
		);
		expect(io.stdout()).not.toContain("wrangler secret put");
	});

	it.for([
		[
			"https://api.algo.com.cn",
			false,
			"npx txad rta sign sync --dspid 9 --secret-only | npx wrangler secret put RTA_SIGN_HEADERS --env production",
		],
		[
			"https://rta-sandbox.example.com",
			false,
			"npx txad rta sign sync --dspid 9 --base-url https://rta-sandbox.example.com --secret-only | npx wrangler secret put RTA_SIGN_HEADERS --env production",
		],
		[
			"https://api.algo.com.cn",
			true,
			"npx txad rta sign sync --dspid 9 --base-url https://api.algo.com.cn --secret-only | npx wrangler secret put RTA_SIGN_HEADERS --env production",
		],
	] as const)("hints for %s (from --base-url: %s)", ([url, fromFlag, command], { expect }) => {
		expect(storeHint("9", url, fromFlag)).toEqual([
			"store it (from apps/rta-responder; --env staging or production, docs/deploy.md):",
			`  ${command}`,
		]);
	});

	it("reports an API failure with its code (exit 1)", async ({ expect }) => {
		const io = captureIo();
		expect(
			await main(["rta", "sign", "sync", "--dspid", "123", "--token", "nope", "--base-url", base], io),
		).toBe(1);
		expect(io.stderr()).toMatch(/sign\/get failed \(API_ERROR\)/);
	});

	it.for([
		[["--token", "t"], /--dspid is required/],
		[["--dspid", "abc", "--token", "t"], /--dspid is required and must be digits, got "abc"/],
		[["--dspid", "1"], /--token is required/],
		[["--dspid", "1", "--token", "t", "--base-url", "nope"], /--base-url|baseUrl/],
	] as const)("refuses %j (exit 2)", async ([flags, message], { expect }) => {
		const io = captureIo();
		expect(await main(["rta", "sign", "sync", ...flags], io)).toBe(2);
		expect(io.stderr()).toMatch(message);
	});
});
