import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, it } from "vitest";
import { captureIo } from "./io.ts";
import { COMMANDS, main } from "./main.ts";

const run = promisify(execFile);
const BIN = new URL("../bin/txad.mjs", import.meta.url).pathname;

describe("main", () => {
	it("lists every command in the top help", async ({ expect }) => {
		const io = captureIo();
		expect(await main(["--help"], io)).toBe(0);
		for (const c of COMMANDS) expect(io.stdout()).toContain(`txad ${c.name}`);
	});

	it.for(COMMANDS.map((c) => c.name))("prints --help for %s", async (name, { expect }) => {
		const io = captureIo();
		expect(await main([...name.split(" "), "--help"], io)).toBe(0);
		expect(io.stdout()).toMatch(new RegExp(`^txad ${name} — `));
		expect(io.stdout()).toContain("Usage:");
	});

	it.for(["rta", "audience", "admission", "sign"])(
		"prints the %s group's help with --help and exits 0",
		async (group, { expect }) => {
			for (const flag of ["--help", "-h", "help"]) {
				const io = captureIo();
				expect(await main([group, flag], io)).toBe(0);
				expect(io.stdout()).toMatch(new RegExp(`^txad ${group} — `));
				for (const c of COMMANDS.filter((c) => c.name.startsWith(`${group} `)))
					expect(io.stdout()).toContain(`txad ${c.name}`);
				expect(io.stderr()).toBe("");
			}
		},
	);

	it("prints the help of a nested group (txad rta sign --help)", async ({ expect }) => {
		const io = captureIo();
		expect(await main(["rta", "sign", "--help"], io)).toBe(0);
		expect(io.stdout()).toMatch(/^txad rta sign — /);
		expect(io.stdout()).toContain("txad rta sign sync");
		expect(io.stdout()).not.toContain("txad rta check");
	});

	it("prints the version from package.json", async ({ expect }) => {
		const { version } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
		for (const flag of ["--version", "-v"]) {
			const io = captureIo();
			expect(await main([flag], io)).toBe(0);
			expect(io.stdout()).toBe(`txad ${version} (@txad/cli, Node ${process.versions.node})\n`);
		}
		const { stdout } = await run(process.execPath, [BIN, "--version"]);
		expect(stdout).toContain(`txad ${version} `);
	});

	it("exits 2 with no arguments, an unknown command or a missing sub-command", async ({ expect }) => {
		expect(await main([], captureIo())).toBe(2);
		const io = captureIo();
		expect(await main(["deploy"], io)).toBe(2);
		expect(io.stderr()).toContain('unknown command "deploy"');
		const io2 = captureIo();
		expect(await main(["rta"], io2)).toBe(2);
		expect(io2.stderr()).toContain("`txad rta` needs a sub-command: check, loadtest, sign sync");
		expect(io2.stderr()).toContain("txad rta — ");
	});

	it("names an unknown flag", async ({ expect }) => {
		const io = captureIo();
		expect(await main(["rta", "loadtest", "--qsp", "5"], io)).toBe(2);
		expect(io.stderr()).toMatch(/Unknown option '--qsp'/);
	});

	it.for([
		[
			["--url", "http://127.0.0.1:1/rta", "--qps", "0", "--duration", "1"],
			/--qps must be an integer from 1 to 20000, got 0/,
		],
		[
			["--url", "http://127.0.0.1:1/rta", "--qps", "10", "--duration", "301"],
			/--duration must be a number from 1 to 300/,
		],
		[
			["--url", "http://127.0.0.1:1/rta", "--qps", "1.5", "--duration", "1"],
			/--qps must be an integer, got "1.5"/,
		],
		[
			["--url", "ftp://127.0.0.1/rta", "--qps", "1", "--duration", "1"],
			/--url must be an http:\/\/ or https:\/\/ URL/,
		],
		[
			["--url", "http://203.0.113.9/rta", "--qps", "1", "--duration", "1"],
			/not a loopback address; pass --allow-remote/,
		],
		[
			["--url", "http://127.0.0.1:1/rta", "--qps", "1", "--duration", "1", "--report", "x.txt"],
			/--report must end in \.html or \.svg/,
		],
		[
			["--url", "http://127.0.0.1:1/rta", "--qps", "1", "--duration", "1", "--header", "nocolon"],
			/--header must look like "Name: value"/,
		],
	] as const)("loadtest refuses %j", async ([flags, message], { expect }) => {
		const io = captureIo();
		expect(await main(["rta", "loadtest", ...flags], io)).toBe(2);
		expect(io.stderr()).toMatch(message);
	});

	it("loadtest exits 1 when nothing listens on the URL", async ({ expect }) => {
		const io = captureIo();
		expect(
			await main(["rta", "loadtest", "--url", "http://127.0.0.1:9/rta", "--qps", "1", "--duration", "1"], io),
		).toBe(1);
		expect(io.stderr()).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/rta: ECONNREFUSED/);
	});

	it("runs as a real process through bin/txad.mjs with its exit status", async ({ expect }) => {
		const { stdout } = await run(process.execPath, [BIN, "muid", "354649050046412"]);
		expect(stdout).toContain("b496ec1169770ea274a2b4f42ca4fb71");
		await expect(run(process.execPath, [BIN, "muid", "--kind", "phone", "1"])).rejects.toMatchObject({
			code: 2,
		});
	});
});

describe("help texts", () => {
	it("name the KV binding apps/rta-responder/wrangler.jsonc declares", async ({ expect }) => {
		const config = await readFile(
			new URL("../../../apps/rta-responder/wrangler.jsonc", import.meta.url),
			"utf8",
		);
		// The KV bindings only (the responder also binds an Analytics Engine dataset and its assets).
		const bindings = [...config.matchAll(/"kv_namespaces":\s*\[\{\s*"binding":\s*"([A-Z_]+)"/g)].map(
			(m) => m[1],
		);
		expect(bindings.length).toBeGreaterThan(0);
		expect(new Set(bindings)).toEqual(new Set(["RTA_KV"]));
		for (const c of COMMANDS) {
			// "--binding NAME" is the placeholder; any real binding named must be the responder's.
			for (const m of c.help.matchAll(/(?:--binding |default )([A-Z][A-Z0-9_]+)/g))
				if (m[1] !== "NAME") expect(m[1], c.name).toBe("RTA_KV");
		}
		expect(COMMANDS.find((c) => c.name === "audience publish")?.help).toContain("default RTA_KV");
	});
});
