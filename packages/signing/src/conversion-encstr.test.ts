import { describe, it } from "vitest";
import {
	buildConversionSignString,
	type ConversionSignFields,
	computeConversionEncstr,
} from "./conversion-encstr.ts";
import { isSigningError } from "./errors.ts";
import { conversionEncstrVectors } from "./vectors.testdata.ts";

describe("conversion encstr (shared vectors)", () => {
	it.for(conversionEncstrVectors)("$note", (v, { expect }) => {
		expect(buildConversionSignString(v)).toBe(v.sign_string);
		expect(computeConversionEncstr(v)).toBe(v.encstr);
	});

	it("keeps the documented field order whatever the object's key order", ({ expect }) => {
		const v = conversionEncstrVectors[0];
		if (!v) throw new Error("no vectors");
		const shuffled: ConversionSignFields = {
			sign_key: v.sign_key,
			muid: v.muid,
			conv_time: Number(v.conv_time),
			client_ip: v.client_ip,
			click_id: v.click_id,
			app_type: v.app_type,
		};
		expect(computeConversionEncstr(shuffled)).toBe(v.encstr);
	});
});

describe("conversion encstr: bad input", () => {
	const good: ConversionSignFields = {
		app_type: "ANDROID",
		click_id: "",
		client_ip: "",
		conv_time: "1422263664",
		muid: "b496ec1169770ea274a2b4f42ca4fb71",
		sign_key: "k",
	};
	const notAString = undefined as unknown as string;
	const cases: Array<[string, string, Partial<ConversionSignFields>, RegExp]> = [
		["empty app_type", "app_type", { app_type: "" }, /^app_type is required$/],
		["missing app_type", "app_type", { app_type: notAString }, /^app_type is required$/],
		[
			"missing click_id",
			"click_id",
			{ click_id: notAString },
			/^click_id must be a string \(may be empty\)$/,
		],
		["numeric client_ip", "client_ip", { client_ip: 1 as unknown as string }, /^client_ip must be a string/],
		[
			"conv_time in ms",
			"conv_time",
			{ conv_time: "1422263664000" },
			/^conv_time must be a Unix time in seconds$/,
		],
		["11-digit conv_time", "conv_time", { conv_time: 10_000_000_000 }, /^conv_time /],
		["empty conv_time", "conv_time", { conv_time: "" }, /^conv_time /],
		["zero conv_time", "conv_time", { conv_time: 0 }, /^conv_time /],
		["leading-zero conv_time", "conv_time", { conv_time: "01422263664" }, /^conv_time /],
		["fractional conv_time", "conv_time", { conv_time: 1422263664.5 }, /^conv_time /],
		["negative conv_time", "conv_time", { conv_time: -1422263664 }, /^conv_time /],
		["empty muid", "muid", { muid: "" }, /^muid is required$/],
		["missing muid", "muid", { muid: notAString }, /^muid is required$/],
		["empty sign_key", "sign_key", { sign_key: "" }, /^sign_key is required$/],
		["missing sign_key", "sign_key", { sign_key: notAString }, /^sign_key is required$/],
	];
	it.for(cases)("names the field for %s", ([, field, override, message], { expect }) => {
		let caught: unknown;
		try {
			computeConversionEncstr({ ...good, ...override });
		} catch (e) {
			caught = e;
		}
		expect(isSigningError(caught) && caught.code).toBe("INVALID_FIELD");
		expect(isSigningError(caught) && caught.field).toBe(field);
		expect(isSigningError(caught) && caught.message).toMatch(message);
	});

	it.for([
		["the smallest conv_time", 1, "conv_time=1&"],
		["the largest 10-digit conv_time", "9999999999", "conv_time=9999999999&"],
	] as const)("accepts %s", ([, conv_time, part], { expect }) => {
		expect(buildConversionSignString({ ...good, conv_time })).toContain(part);
	});
});
