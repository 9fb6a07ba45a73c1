import { describe, it } from "vitest";
import { isProtoError } from "./errors.ts";
import { decodeBase64, encodeBase64, RTA_RAW_LOG_EVENT, readRtaRawLog, rtaRawLogFields } from "./raw-log.ts";

const request = Uint8Array.from([0x0a, 0x02, 0xff, 0x41, 0x2a, 0x00]);
const response = Uint8Array.from([0x10, 0x04]);
const fields = rtaRawLogFields(request, response, {
	id: "r1",
	code: 4,
	reason: "NO_STRATEGY",
	strategies: [],
	is_test: false,
	second_stage: false,
	ms: 1,
	waited_for_storage: false,
});
const line = JSON.stringify({ level: "info", event: RTA_RAW_LOG_EVENT, ...fields });

function rawLogError(text: string): string {
	try {
		readRtaRawLog(text);
	} catch (e) {
		if (isProtoError(e) && e.code === "RAW_LOG_INVALID") return e.message;
		throw e;
	}
	throw new Error("read");
}

describe("the raw log line", () => {
	it("carries both bodies in base64 and reads back to the same bytes", ({ expect }) => {
		expect(fields.request_b64).toBe("CgL/QSoA");
		expect(fields.response_b64).toBe("EAQ=");
		const back = readRtaRawLog(line);
		expect(back.request).toEqual(request);
		expect(back.response).toEqual(response);
		expect(back.fields.id).toBe("r1");
	});

	it("is found inside what Workers Logs, Logpush and wrangler tail wrap it in", ({ expect }) => {
		for (const wrapped of [
			{ message: [line], level: "log" },
			{ outcome: "ok", logs: [{ message: [line], level: "log", timestamp: 1 }] },
			{ Logs: [{ Level: "log", Message: [line] }] },
			{ $metadata: { message: line } },
		])
			expect(readRtaRawLog(JSON.stringify(wrapped)).response).toEqual(response);
	});

	it("refuses a text that holds no raw log line, or a body that is not base64", ({ expect }) => {
		expect(rawLogError("not json")).toMatch(/^not JSON/);
		expect(rawLogError('{"event":"rta"}')).toBe('no object with "event": "rta_raw" in it');
		expect(rawLogError(JSON.stringify({ ...JSON.parse(line), response_b64: "!!" }))).toBe(
			"response_b64 is not base64",
		);
	});
});

describe("base64", () => {
	it("round-trips every byte, in both alphabets, with or without padding", ({ expect }) => {
		const all = Uint8Array.from({ length: 256 }, (_, i) => i);
		expect(decodeBase64(encodeBase64(all))).toEqual(all);
		expect(decodeBase64("-_8")).toEqual(Uint8Array.from([0xfb, 0xff]));
		expect(decodeBase64("+/8=")).toEqual(Uint8Array.from([0xfb, 0xff]));
		expect(decodeBase64(" EA\nQ= ")).toEqual(response);
		expect(encodeBase64(new Uint8Array(70_000)).length).toBe(93_336);
		expect(() => decodeBase64("A")).toThrow(/not base64/);
	});
});
