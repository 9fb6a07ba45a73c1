import { isNonDeviceHash, NON_DEVICE_RAW_IDS } from "@txad/muid";
import { md5Hex } from "@txad/signing";
import { describe, it } from "vitest";
import { isPlaceholderHash, isPlaceholderOpenid } from "./placeholder.ts";

describe("isPlaceholderHash", () => {
	it("covers the published list and the raw spellings muid rejects", ({ expect }) => {
		for (const raw of [
			"",
			"0",
			"unknown",
			"NULL",
			"UNKNOWN",
			"Unknown",
			"nil",
			"NIL",
			"undefined",
			"UNDEFINED",
			"02:00:00:00:00:00",
			"00:00:00:00:00:00",
			"00000000-0000-0000-0000-000000000000",
			"000000000000000",
		])
			expect(isPlaceholderHash(md5Hex(raw)), raw).toBe(true);
		expect(isPlaceholderHash(md5Hex("").toUpperCase())).toBe(true);
		// Everything muid's published list flags is flagged here too.
		for (const raw of NON_DEVICE_RAW_IDS) {
			expect(isNonDeviceHash(md5Hex(raw))).toBe(true);
			expect(isPlaceholderHash(md5Hex(raw)), raw).toBe(true);
		}
	});

	it("is false for real ids", ({ expect }) => {
		expect(isPlaceholderHash("b496ec1169770ea274a2b4f42ca4fb71")).toBe(false);
		expect(isPlaceholderHash(md5Hex("none"))).toBe(false);
	});

	it("openids: placeholders are refused, real ones kept", ({ expect }) => {
		expect(isPlaceholderOpenid("null")).toBe(true);
		expect(isPlaceholderOpenid(" ")).toBe(true);
		expect(isPlaceholderOpenid("o6_bmjrPTlm6_2sgVt7hMZOPfL2M")).toBe(false);
	});
});
