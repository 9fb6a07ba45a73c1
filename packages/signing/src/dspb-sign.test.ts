import { describe, it } from "vitest";
import { buildDspbRequestParam, type DspbSignParts, signDspbRequest, verifyDspbSign } from "./dspb-sign.ts";
import { isSigningError } from "./errors.ts";
import { dspbSignVectors } from "./vectors.testdata.ts";

const partsOf = (v: (typeof dspbSignVectors)[number]): DspbSignParts => ({
	device: v.device,
	media: v.media,
	network: v.network,
	pos: v.pos,
	time_stamp: v.time_stamp,
});

describe("DSP-B sign (shared vectors)", () => {
	it.for(dspbSignVectors)("$note", async (v, { expect }) => {
		expect(buildDspbRequestParam(partsOf(v))).toBe(v.request_param);
		expect(await signDspbRequest(v.secret, partsOf(v))).toBe(v.sign);
		expect(await verifyDspbSign(v.secret, partsOf(v), v.sign)).toBe(true);
	});

	it("accepts a numeric time_stamp", async ({ expect }) => {
		const v = dspbSignVectors[0];
		if (!v) throw new Error("no vectors");
		expect(await signDspbRequest(v.secret, { ...partsOf(v), time_stamp: Number(v.time_stamp) })).toBe(v.sign);
	});

	it("signs the exact text: reordered JSON keys give a different sign", async ({ expect }) => {
		const v = dspbSignVectors[0];
		if (!v) throw new Error("no vectors");
		const reordered = { ...partsOf(v), media: '{"app_id":"1234456","app_bundle_id":"com.aaa.xxx"}' };
		expect(await signDspbRequest(v.secret, reordered)).not.toBe(v.sign);
		expect(await verifyDspbSign(v.secret, reordered, v.sign)).toBe(false);
	});
});

describe("DSP-B sign: bad input", () => {
	const good: DspbSignParts = {
		device: "{}",
		media: "{}",
		network: "{}",
		pos: "{}",
		time_stamp: "1662452225866",
	};
	const cases: Array<[string, Partial<DspbSignParts>]> = [
		["device", { device: "" }],
		["media", { media: "{not json" }],
		["network", { network: "[1]" }],
		["pos", { pos: "null" }],
		["time_stamp", { time_stamp: "16624522x" }],
		["time_stamp", { time_stamp: -1 }],
	];
	it.for(cases)("names %s", ([field, override], { expect }) => {
		let caught: unknown;
		try {
			buildDspbRequestParam({ ...good, ...override });
		} catch (e) {
			caught = e;
		}
		expect(isSigningError(caught) && caught.code).toBe("INVALID_FIELD");
		expect(isSigningError(caught) && caught.field).toBe(field);
	});
});
