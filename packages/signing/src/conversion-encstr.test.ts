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
	const cases: Array<[string, Partial<ConversionSignFields>]> = [
		["app_type", { app_type: "" }],
		["conv_time", { conv_time: "1422263664000" }],
		["conv_time", { conv_time: "" }],
		["muid", { muid: "" }],
		["sign_key", { sign_key: "" }],
	];
	it.for(cases)("names %s", ([field, override], { expect }) => {
		let caught: unknown;
		try {
			computeConversionEncstr({ ...good, ...override });
		} catch (e) {
			caught = e;
		}
		expect(isSigningError(caught) && caught.code).toBe("INVALID_FIELD");
		expect(isSigningError(caught) && caught.field).toBe(field);
	});
});
