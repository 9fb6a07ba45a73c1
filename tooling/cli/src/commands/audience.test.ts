import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashDeviceId } from "@txad/muid";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { AUDIENCE_UPLOAD_PATH } from "../lib/audience-record.ts";
import { main } from "../main.ts";

let dir: string;
const LINES = 200_000;
// Every 10th line repeats an earlier id, every 1000th is a placeholder, every 5000th is junk.
const expected = { unique: 0, duplicate: 0, nonDevice: 0, invalid: 0 };

function imeiFor(i: number): string {
	return `86${String(i).padStart(13, "0")}`;
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-audience-"));
	const out = createWriteStream(join(dir, "big.txt"));
	for (let i = 1; i <= LINES; i++) {
		let line: string;
		if (i % 5000 === 0) {
			line = "imei_md5,not-a-hash";
			expected.invalid++;
		} else if (i % 1000 === 0) {
			line = "000000000000000";
			expected.nonDevice++;
		} else if (i % 10 === 0) {
			line = imeiFor(i - 1);
			expected.duplicate++;
		} else {
			// Mix raw ids and their upper-case md5s: both must land on the same canonical hash.
			line = i % 3 === 0 ? `imei_md5,${hashDeviceId("imei", imeiFor(i)).toUpperCase()}` : imeiFor(i);
			expected.unique++;
		}
		if (!out.write(`${line}\n`)) await once(out, "drain");
	}
	out.end();
	await once(out, "close");
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("txad audience build", () => {
	it(`streams ${LINES} lines into deduped KV bulk JSON with drops counted per reason`, async ({ expect }) => {
		const io = captureIo({ cwd: dir });
		const code = await main(
			[
				"audience",
				"build",
				"big.txt",
				"--out",
				"out/kv.json",
				"--segments",
				"new_user,vip",
				"--ttl-days",
				"30",
			],
			io,
		);
		expect(code).toBe(0);
		const entries = JSON.parse(await readFile(join(dir, "out/kv.json"), "utf8")) as {
			key: string;
			value: string;
			expiration_ttl: number;
		}[];
		expect(entries).toHaveLength(expected.unique);
		expect(new Set(entries.map((e) => e.key)).size).toBe(expected.unique);
		expect(entries[0]).toEqual({
			key: `imei_md5:${hashDeviceId("imei", imeiFor(1))}`,
			value: JSON.stringify({ segments: ["new_user", "vip"] }),
			expiration_ttl: 30 * 86_400,
		});
		const out = io.stdout();
		expect(out).toContain(`ids read      ${LINES}`);
		expect(out).toContain(`kept          ${expected.unique} unique`);
		expect(out).toMatch(new RegExp(`duplicate\\s+${expected.duplicate}`));
		expect(out).toMatch(new RegExp(`non_device\\s+${expected.nonDevice}`));
		expect(out).toMatch(new RegExp(`invalid_hash\\s+${expected.invalid}`));
		expect(out).toContain("big.txt:5000: invalid_hash");
	});

	it("reads CSV with per-kind columns and --dry-run writes nothing", async ({ expect }) => {
		await writeFile(
			join(dir, "wide.csv"),
			"imei,oaid,idfa_md5\n354649050046412,f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f,\n354649050046412,,xyz\n",
		);
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", "wide.csv", "--dry-run", "--segments", "s"], io)).toBe(0);
		expect(io.stdout()).toContain("kept          2 unique (dry run)");
		expect(io.stdout()).toMatch(/duplicate\s+1/);
		expect(io.stdout()).toMatch(/invalid_hash\s+1/);
	});

	it.for([
		[["big.txt", "--segments", "s"], /--out is required/],
		[["big.txt", "--out", "x.json", "--segments", "s", "--kind", "phone"], /--kind must be one of/],
		[["missing.txt", "--out", "x.json", "--segments", "s"], /cannot read missing\.txt/],
		[["big.txt", "--out", "x.json", "--segments", "a b"], /--segments: "a b" is not a segment name/],
		[["big.txt", "--out", "x.json"], /--segments is required/],
	] as const)("refuses %j (exit 2)", async ([args, message], { expect }) => {
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", ...args], io)).toBe(2);
		expect(io.stderr()).toMatch(message);
	});
});

describe("txad audience upload (against a scripted admin API)", () => {
	let server: Server;
	let base: string;
	const received: string[] = [];
	let failNext = 0;
	beforeAll(async () => {
		server = createServer((req, res) => {
			let body = "";
			req.on("data", (c) => {
				body += c;
			});
			req.on("end", () => {
				if (req.headers.authorization !== "Bearer t0k") {
					res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
				} else if (req.url !== `${AUDIENCE_UPLOAD_PATH}?mode=replace`) {
					res.writeHead(404).end();
				} else if (body.includes('"reject_me"')) {
					const n = body.trim().split("\n").length;
					res.writeHead(200, { "content-type": "application/json" }).end(
						JSON.stringify({
							accepted: n - 1,
							rejected: 1,
							errors: [{ line: 1, field: "segments", message: "nope" }],
						}),
					);
				} else if (failNext > 0) {
					failNext--;
					res.writeHead(503, { "retry-after": "0" }).end("busy");
				} else {
					received.push(...body.trim().split("\n"));
					res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
				}
			});
		});
		server.listen(0, "127.0.0.1");
		await once(server, "listening");
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		await writeFile(
			join(dir, "small.txt"),
			Array.from({ length: 2500 }, (_, i) => imeiFor(i + 1)).join("\n"),
		);
	});
	afterAll(() => {
		server.close();
	});

	it("sends NDJSON batches and retries 503s", async ({ expect }) => {
		received.length = 0;
		failNext = 2;
		const io = captureIo({ cwd: dir, env: { TXAD_ADMIN_TOKEN: "t0k" } });
		expect(
			await main(
				[
					"audience",
					"upload",
					"small.txt",
					"--url",
					base,
					"--batch-size",
					"1000",
					"--segments",
					"new_user",
					"--ttl-days",
					"7",
				],
				io,
			),
		).toBe(0);
		expect(received).toHaveLength(2500);
		expect(JSON.parse(received[0] as string)).toEqual({
			type: "imei_md5",
			hash: hashDeviceId("imei", imeiFor(1)),
			segments: ["new_user"],
			ttl_seconds: 7 * 86_400,
		});
		expect(io.stdout()).toContain("batches       3 (2500 records, 2 retries)");
	});

	it("stops on a refused token, naming --token (exit 1)", async ({ expect }) => {
		const io = captureIo({ cwd: dir });
		expect(
			await main(
				["audience", "upload", "small.txt", "--url", base, "--token", "wrong", "--segments", "s"],
				io,
			),
		).toBe(1);
		expect(io.stderr()).toMatch(/refused the batch: HTTP 401/);
	});

	it("exits 1 and shows the API's per-line rejections", async ({ expect }) => {
		const io = captureIo({ cwd: dir });
		expect(
			await main(
				["audience", "upload", "small.txt", "--url", base, "--token", "t0k", "--segments", "reject_me"],
				io,
			),
		).toBe(1);
		expect(io.stdout()).toContain("rejected      3 by the API");
		expect(io.stdout()).toContain("batch 1 line 1: segments: nope");
	});

	it("refuses a batch size over the responder's limit", async ({ expect }) => {
		const io = captureIo({ cwd: dir });
		expect(
			await main(
				[
					"audience",
					"upload",
					"small.txt",
					"--url",
					base,
					"--token",
					"t",
					"--segments",
					"s",
					"--mode",
					"merge",
					"--batch-size",
					"600",
				],
				io,
			),
		).toBe(2);
		expect(io.stderr()).toMatch(/--batch-size must be an integer from 1 to 500/);
	});

	it("gives up after --retries", async ({ expect }) => {
		failNext = 100;
		const io = captureIo({ cwd: dir });
		expect(
			await main(
				[
					"audience",
					"upload",
					"small.txt",
					"--url",
					base,
					"--token",
					"t0k",
					"--retries",
					"1",
					"--segments",
					"s",
				],
				io,
			),
		).toBe(1);
		expect(io.stderr()).toMatch(/failed after 2 attempts: HTTP 503/);
		failNext = 0;
	});
});

describe("txad audience build keys", () => {
	it("keys by id type, keeps the same hash under two types, and drops hashes without a kind", async ({
		expect,
	}) => {
		await writeFile(
			join(dir, "typed.txt"),
			"imei_md5,b496ec1169770ea274a2b4f42ca4fb71\noaid_md5,b496ec1169770ea274a2b4f42ca4fb71\nb496ec1169770ea274a2b4f42ca4fb71\n",
		);
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", "typed.txt", "--out", "typed.json", "--segments", "s"], io)).toBe(
			0,
		);
		const entries = JSON.parse(await readFile(join(dir, "typed.json"), "utf8")) as { key: string }[];
		expect(entries.map((e) => e.key)).toEqual([
			"imei_md5:b496ec1169770ea274a2b4f42ca4fb71",
			"oaid_md5:b496ec1169770ea274a2b4f42ca4fb71",
		]);
		expect(io.stdout()).toMatch(/unknown_kind\s+1/);
		expect(io.stdout()).toContain("typed.txt:3: unknown_kind: a hash without its kind");
	});
});
