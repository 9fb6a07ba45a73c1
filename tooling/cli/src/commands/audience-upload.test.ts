import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
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

function imeiFor(i: number): string {
	return `86${String(i).padStart(13, "0")}`;
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-upload-"));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
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
		const first = JSON.parse(received[0] as string);
		expect(first).toMatchObject({ type: "imei_md5", hash: hashDeviceId("imei", imeiFor(1)) });
		expect(first.segments).toHaveLength(1);
		expect(first.segments[0].id).toBe("new_user");
		expect(Math.abs(first.segments[0].until - (Date.now() / 1000 + 7 * 86_400))).toBeLessThan(120);
		expect(io.stdout()).toContain("batches       3 (2500 lines, 2 retries)");
	});

	it("prints the summary as JSON with --json", async ({ expect }) => {
		received.length = 0;
		const io = captureIo({ cwd: dir, env: { TXAD_ADMIN_TOKEN: "t0k" } });
		const args = [
			"audience",
			"upload",
			"small.txt",
			"--url",
			base,
			"--segments",
			"new_user",
			"--json",
			"--quiet",
		];
		expect(await main(args, io)).toBe(0);
		expect(JSON.parse(io.stdout())).toMatchObject({
			ids: 2500,
			kept: 2500,
			dropped: {},
			endpoint: `${base}/admin/audience?mode=replace`,
			mode: "replace",
			lines: 2500,
			rejected: 0,
			rejections: [],
		});
		expect(received).toHaveLength(2500);
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
		expect(io.stdout()).toContain("rejected      1 by the API");
		expect(io.stdout()).toContain("batch 1 line 1: segments: nope");
		const json = captureIo({ cwd: dir });
		const args = [
			"audience",
			"upload",
			"small.txt",
			"--url",
			base,
			"--token",
			"t0k",
			"--segments",
			"reject_me",
		];
		expect(await main([...args, "--json", "--quiet"], json)).toBe(1);
		expect(JSON.parse(json.stdout())).toMatchObject({
			batches: 1,
			rejected: 1,
			rejections: ["batch 1 line 1: segments: nope"],
		});
	});

	it("refuses a batch size over the responder's per-request limit", async ({ expect }) => {
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
					"5001",
				],
				io,
			),
		).toBe(2);
		expect(io.stderr()).toMatch(/--batch-size must be an integer from 1 to 5000/);
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

describe("txad audience upload lines", () => {
	let server: Server;
	let base: string;
	const bodies: string[] = [];
	beforeAll(async () => {
		server = createServer((req, res) => {
			let body = "";
			req.on("data", (c) => {
				body += c;
			});
			req.on("end", () => {
				bodies.push(body);
				res.writeHead(200, { "content-type": "application/json" }).end('{"rejected":0}');
			});
		});
		server.listen(0, "127.0.0.1");
		await once(server, "listening");
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => {
		server.close();
	});

	it("sends openids as id, per-row segments with ends, and each id once", async ({ expect }) => {
		await writeFile(
			join(dir, "rows.csv"),
			"id,kind,segments\no_demo_openid_0001,openid,vip@2999-01-01T00:00:00Z\n354649050046412,imei,new_user\n354649050046412,imei,vip\n",
		);
		bodies.length = 0;
		const io = captureIo({ cwd: dir });
		expect(
			await main(["audience", "upload", "rows.csv", "--url", base, "--token", "t", "--mode", "merge"], io),
		).toBe(0);
		expect(bodies).toHaveLength(1);
		expect(
			(bodies[0] as string)
				.trim()
				.split("\n")
				.map((l) => JSON.parse(l)),
		).toEqual([
			{
				type: "openid",
				id: "o_demo_openid_0001",
				segments: [{ id: "vip", until: Date.parse("2999-01-01T00:00:00Z") / 1000 }],
			},
			{ type: "imei_md5", hash: "b496ec1169770ea274a2b4f42ca4fb71", segments: ["new_user"] },
		]);
		expect(io.stdout()).toMatch(/duplicate\s+1/);
	});
});
