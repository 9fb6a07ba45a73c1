import { describe, it } from "vitest";
import { hashDeviceId } from "./hash.ts";
import { isNonDeviceHash, isNonDeviceRawId, NON_DEVICE_RAW_IDS } from "./non-device.ts";
import { doubtfulHashes, muidCases } from "./vectors.testdata.ts";

describe("non-device ids", () => {
	it.for(doubtfulHashes)("flags the shared vector %s", ([, hash], { expect }) => {
		expect(isNonDeviceHash(hash)).toBe(true);
	});

	it("does not flag real device ids", ({ expect }) => {
		for (const v of muidCases) {
			expect(isNonDeviceHash(v.md5)).toBe(false);
			expect(isNonDeviceRawId(v.raw)).toBe(false);
		}
	});

	it("flags the hash of every listed placeholder, whatever case the hash is in", ({ expect }) => {
		expect(NON_DEVICE_RAW_IDS).toHaveLength(10);
		expect(isNonDeviceHash(hashDeviceId("idfa", "00000000-0000-0000-0000-000000000000"))).toBe(true);
		expect(isNonDeviceHash(hashDeviceId("imei", "000000000000000"))).toBe(true);
		expect(isNonDeviceHash(hashDeviceId("mac", "020000000000"))).toBe(true);
		expect(isNonDeviceHash("D41D8CD98F00B204E9800998ECF8427E")).toBe(true);
	});

	it.for([
		"",
		"  ",
		"0",
		"000000000000000",
		"00000000-0000-0000-0000-000000000000",
		"NULL",
		"Unknown",
		"undefined",
		"nil",
		" null\n",
		"\tunknown ",
		"0000/0000",
		"02:00:00:00:00:00",
		"02-00-00-00-00-00",
		"020000000000",
		"02:00:00:00:00:00 ",
		"02:0000:00:00:00",
	])("flags raw placeholder %j", (raw, { expect }) => {
		expect(isNonDeviceRawId(raw)).toBe(true);
	});

	it("flags every listed placeholder as a raw id too", ({ expect }) => {
		for (const raw of NON_DEVICE_RAW_IDS) expect(isNonDeviceRawId(raw)).toBe(true);
	});

	it.for([
		"10",
		"a0000000",
		"02:00:00:00:00:01",
		"12:00:00:00:00:00",
		"02:00:00:00:00",
		"02:00:00:00:00:00:00",
		"nullable",
		"not null",
		"354649050046412",
		"0 1",
	])("keeps raw id %j", (raw, { expect }) => {
		expect(isNonDeviceRawId(raw)).toBe(false);
	});
});
