import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
	create,
	encodeBase64,
	encodeRtaRequest,
	encodeRtaResponse,
	RTA_RAW_LOG_EVENT,
	RtaRequestSchema,
	RtaResponseSchema,
	rtaRawLogFields,
} from "@txad/proto";
import { describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { main } from "../main.ts";

const request = encodeRtaRequest(
	create(RtaRequestSchema, {
		id: "r1",
		device: { imeiMd5sum: "b496ec1169770ea274a2b4f42ca4fb71" },
		adInfos: [{ adgroupId: 18446744073709551615n }],
	}),
);
const response = encodeRtaResponse(
	create(RtaResponseSchema, { requestId: "r1", code: 0, outTargetId: ["st_a"] }),
);
const line = JSON.stringify({
	level: "info",
	event: RTA_RAW_LOG_EVENT,
	...rtaRawLogFields(request, response, {
		id: "r1",
		code: 0,
		reason: "TAKE",
		strategies: ["st_a"],
		is_test: false,
		second_stage: false,
		ms: 2,
		waited_for_storage: false,
	}),
});
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

async function run(args: string[]) {
	const io = captureIo();
	const status = await main(["rta", "decode", ...args], io);
	return { status, out: io.stdout(), err: io.stderr() };
}

describe("txad rta decode", () => {
	it("decodes both bodies of a raw log line", async ({ expect }) => {
		const { status, out } = await run([line]);
		expect(status).toBe(0);
		const json = JSON.parse(out);
		expect(json).toEqual(
			expect.objectContaining({ event: "rta_raw", id: "r1", code: 0, strategies: ["st_a"], ms: 2 }),
		);
		expect(json.request.ad_infos[0].adgroup_id).toBe("18446744073709551615");
		expect(json.response).toEqual({ request_id: "r1", code: 0, out_target_id: ["st_a"] });
		expect(json.request_b64).toBeUndefined();
	});

	it("finds the line inside a wrangler tail record", async ({ expect }) => {
		const tail = JSON.stringify({ outcome: "ok", logs: [{ message: [line], level: "log", timestamp: 1 }] });
		expect(JSON.parse((await run([tail])).out).response.code).toBe(0);
	});

	it("decodes one body as base64 or hex, a request by default, a response with --response", async ({
		expect,
	}) => {
		expect(JSON.parse((await run([encodeBase64(request)])).out).device.imei_md5sum).toBe(
			"b496ec1169770ea274a2b4f42ca4fb71",
		);
		expect(JSON.parse((await run(["--response", hex(response)])).out).out_target_id).toEqual(["st_a"]);
		// "1004" is valid hex and valid base64: --base64 says which.
		expect(JSON.parse((await run(["--response", "--hex", "1004"])).out).code).toBe(4);
		expect((await run(["--response", "--base64", "1004"])).status).toBe(2);
	});

	it("shows a request id that is not UTF-8 as hex too", async ({ expect }) => {
		const json = JSON.parse((await run(["--hex", "0a03fffe41"])).out);
		expect(json.id_hex).toBe("fffe41");
	});

	it("reads a file of raw protobuf bytes, or of log lines (one JSON object per rta_raw line)", async ({
		expect,
	}) => {
		const dir = mkdtempSync(path.join(tmpdir(), "txad-decode-"));
		writeFileSync(path.join(dir, "body.bin"), response);
		writeFileSync(path.join(dir, "tail.log"), `{"event":"other"}\n${line}\n${line}\n`);
		const io = captureIo({ cwd: dir });
		expect(await main(["rta", "decode", "--response", "--file", "body.bin"], io)).toBe(0);
		expect(JSON.parse(io.stdout()).code).toBe(0);
		const lines = await run(["--file", path.join(dir, "tail.log")]);
		expect(
			lines.out
				.trim()
				.split("\n")
				.map((l) => JSON.parse(l).id),
		).toEqual(["r1", "r1"]);
	});

	it("exits 2 with a clear message for input that is not what it claims", async ({ expect }) => {
		expect(await run(["{not json"])).toEqual(
			expect.objectContaining({ status: 2, err: expect.stringMatching(/not JSON/) }),
		);
		expect((await run(['{"event":"rta"}'])).err).toMatch(/no object with "event": "rta_raw"/);
		expect((await run(["--hex", "abc"])).err).toMatch(/not hex/);
		expect((await run(["--response", "ff"])).err).toMatch(/not an RtaResponse/);
		expect((await run([])).status).toBe(2);
		expect((await run(["--hex", "--base64", "00"])).err).toMatch(/not both/);
	});
});
