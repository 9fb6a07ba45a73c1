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
	const asPart = (value: unknown) => value as string;
	const cases: Array<[string, string, Partial<DspbSignParts>, RegExp]> = [
		["an empty device", "device", { device: "" }, /^device must be the JSON text sent in the request$/],
		["an object for device, not its text", "device", { device: asPart({}) }, /^device must be the JSON text/],
		["a number for media", "media", { media: asPart(5) }, /^media must be the JSON text/],
		["media that is not JSON", "media", { media: "{not json" }, /^media is not valid JSON$/],
		["network as a JSON array", "network", { network: "[1]" }, /^network must be a JSON object$/],
		["network as a JSON number", "network", { network: "5" }, /^network must be a JSON object$/],
		["pos as a JSON string", "pos", { pos: '"{}"' }, /^pos must be a JSON object$/],
		["pos as JSON null", "pos", { pos: "null" }, /^pos must be a JSON object$/],
		[
			"a time_stamp with a letter",
			"time_stamp",
			{ time_stamp: "16624522x" },
			/^time_stamp must be a positive integer in milliseconds$/,
		],
		["a negative time_stamp", "time_stamp", { time_stamp: -1 }, /^time_stamp /],
		["a zero time_stamp", "time_stamp", { time_stamp: 0 }, /^time_stamp /],
		["a 17-digit time_stamp", "time_stamp", { time_stamp: "16624522258660000" }, /^time_stamp /],
		["an empty time_stamp", "time_stamp", { time_stamp: "" }, /^time_stamp /],
	];
	it.for(cases)("names the field for %s", ([, field, override, message], { expect }) => {
		let caught: unknown;
		try {
			buildDspbRequestParam({ ...good, ...override });
		} catch (e) {
			caught = e;
		}
		expect(isSigningError(caught) && caught.code).toBe("INVALID_FIELD");
		expect(isSigningError(caught) && caught.field).toBe(field);
		expect(isSigningError(caught) && caught.message).toMatch(message);
	});

	it("keeps the JSON parser's error as the cause", ({ expect }) => {
		let caught: unknown;
		try {
			buildDspbRequestParam({ ...good, media: "{not json" });
		} catch (e) {
			caught = e;
		}
		expect(isSigningError(caught) && caught.cause).toBeInstanceOf(SyntaxError);
	});

	it("checks the parts in the signed order and reports the first bad one", ({ expect }) => {
		let caught: unknown;
		try {
			buildDspbRequestParam({ device: "{}", media: "x", network: "x", pos: "x", time_stamp: "x" });
		} catch (e) {
			caught = e;
		}
		expect(isSigningError(caught) && caught.field).toBe("media");
	});

	it("accepts a 16-digit time_stamp, the longest allowed", ({ expect }) => {
		expect(buildDspbRequestParam({ ...good, time_stamp: "1662452225866000" })).toBe(
			"device={}&media={}&network={}&pos={}&time_stamp=1662452225866000",
		);
	});

	it("refuses to sign or verify with bad parts or an empty secret", async ({ expect }) => {
		const badSign = await signDspbRequest("s", { ...good, pos: "[]" }).catch((e: unknown) => e);
		expect(isSigningError(badSign) && badSign.field).toBe("pos");
		const badVerify = await verifyDspbSign("s", { ...good, pos: "[]" }, "00").catch((e: unknown) => e);
		expect(isSigningError(badVerify) && badVerify.field).toBe("pos");
		const noKey = await signDspbRequest("", good).catch((e: unknown) => e);
		expect(isSigningError(noKey) && noKey.code).toBe("INVALID_KEY");
	});

	it("returns false, not an error, for a malformed received sign", async ({ expect }) => {
		for (const sign of ["", "zz", "0".repeat(63), null as unknown as string]) {
			expect(await verifyDspbSign("s", good, sign)).toBe(false);
		}
	});
});
