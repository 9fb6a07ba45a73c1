/**
 * Which requests are logged raw, and the line that is written (read back as `txad rta decode`
 * reads it).
 * @module
 */
import {
	create,
	encodeRtaRequest,
	RequestType,
	RtaRequestSchema,
	readRtaRawLog,
	readRtaRequest,
} from "@txad/proto";
import { describe, it, vi } from "vitest";
import { refusal } from "./decide/outcome.ts";
import { logRaw, shouldLogRaw } from "./raw-log.ts";
import { parseSettings } from "./settings.ts";

const plain = readRtaRequest(encodeRtaRequest(create(RtaRequestSchema, { id: "r1", device: {} })));
const test = readRtaRequest(encodeRtaRequest(create(RtaRequestSchema, { id: "r2", isTest: true })));
const adlist = readRtaRequest(
	encodeRtaRequest(
		create(RtaRequestSchema, { id: "r3", requestInfo: { requestType: RequestType.ADLIST_REQUEST } }),
	),
);
const take = { ...refusal("NO_STRATEGY"), code: 0, reason: "TAKE" as const };

describe("shouldLogRaw", () => {
	const off = parseSettings({});
	const adlistOn = parseSettings({ RAW_LOG_ADLIST: "true" });
	const sampled = parseSettings({ RAW_LOG_SAMPLE_RATE: "0.25" });

	it("always logs is_test requests and codes 1, 5 and 7, whatever the settings", ({ expect }) => {
		expect(shouldLogRaw(off, test, take, 0.99)).toBe(true);
		expect(shouldLogRaw(off, undefined, refusal("UNDECODABLE"), 0.99)).toBe(true);
		expect(shouldLogRaw(off, plain, refusal("DEADLINE"), 0.99)).toBe(true);
		expect(shouldLogRaw(off, plain, refusal("INTERNAL"), 0.99)).toBe(true);
		expect(shouldLogRaw(off, plain, refusal("NO_STRATEGY"), 0)).toBe(false);
		expect(shouldLogRaw(off, plain, take, 0)).toBe(false);
	});

	it("logs second-stage requests when RAW_LOG_ADLIST is true", ({ expect }) => {
		expect(shouldLogRaw(off, adlist, take, 0.99)).toBe(false);
		expect(shouldLogRaw(adlistOn, adlist, take, 0.99)).toBe(true);
		expect(shouldLogRaw(adlistOn, plain, take, 0.99)).toBe(false);
	});

	it("samples RAW_LOG_SAMPLE_RATE of the rest", ({ expect }) => {
		expect(shouldLogRaw(sampled, plain, take, 0.2499)).toBe(true);
		expect(shouldLogRaw(sampled, plain, take, 0.25)).toBe(false);
	});
});

describe("logRaw", () => {
	it("writes one rta_raw line with both bodies, the code and the strategies", ({ expect }) => {
		const spy = vi.spyOn(console, "log").mockImplementation(() => {});
		try {
			const body = encodeRtaRequest(create(RtaRequestSchema, { id: "r1", isTest: true }));
			logRaw(
				body,
				Uint8Array.from([0x10, 0x04]),
				readRtaRequest(body),
				refusal("NO_STRATEGY"),
				Date.now(),
				true,
			);
			expect(spy).toHaveBeenCalledTimes(1);
			const line = String(spy.mock.calls[0]?.[0]);
			const back = readRtaRawLog(line);
			expect(back.request).toEqual(body);
			expect(back.response).toEqual(Uint8Array.from([0x10, 0x04]));
			expect(back.fields).toEqual(
				expect.objectContaining({
					level: "info",
					event: "rta_raw",
					id: "r1",
					code: 4,
					reason: "NO_STRATEGY",
					strategies: [],
					is_test: true,
					second_stage: false,
					waited_for_storage: true,
				}),
			);
		} finally {
			spy.mockRestore();
		}
	});
});
