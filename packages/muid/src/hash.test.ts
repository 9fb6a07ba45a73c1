import { describe, it } from "vitest";
import { isMuidError } from "./errors.ts";
import {
	DEVICE_ID_KINDS,
	type DeviceIdKind,
	hashDeviceId,
	isDeviceIdHash,
	normalizeDeviceId,
	normalizeDeviceIdHash,
} from "./hash.ts";
import { muidCases } from "./vectors.testdata.ts";

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (e) {
		return isMuidError(e) ? e.code : "not a MuidError";
	}
	return undefined;
}

describe("hashDeviceId (shared vectors)", () => {
	it.for(muidCases)("$kind: $note", (v, { expect }) => {
		expect(normalizeDeviceId(v.kind, v.raw)).toBe(v.normalized);
		expect(hashDeviceId(v.kind, v.raw)).toBe(v.md5);
	});
});

describe("normalizeDeviceId", () => {
	it("lower-cases IMEI, upper-cases IDFA and leaves the rest as given", ({ expect }) => {
		expect(normalizeDeviceId("imei", "A1B2")).toBe("a1b2");
		expect(normalizeDeviceId("idfa", "ab-cd")).toBe("AB-CD");
		for (const kind of ["oaid", "android_id", "mac", "caid"] as const) {
			expect(normalizeDeviceId(kind, "AbC-dE:f")).toBe("AbC-dE:f");
		}
	});

	it("trims surrounding white space only", ({ expect }) => {
		expect(hashDeviceId("imei", " 354649050046412\n")).toBe("b496ec1169770ea274a2b4f42ca4fb71");
	});

	it("rejects empty ids and unknown kinds with typed errors", ({ expect }) => {
		expect(codeOf(() => hashDeviceId("imei", "   "))).toBe("EMPTY_ID");
		expect(codeOf(() => hashDeviceId("imsi" as DeviceIdKind, "1"))).toBe("UNKNOWN_KIND");
		expect(codeOf(() => hashDeviceId("oaid", 42 as unknown as string))).toBe("EMPTY_ID");
	});

	it("covers every declared kind", ({ expect }) => {
		for (const kind of DEVICE_ID_KINDS) expect(isDeviceIdHash(hashDeviceId(kind, "x1"))).toBe(true);
	});
});

describe("hash validation", () => {
	it("accepts only 32 lower-case hex characters", ({ expect }) => {
		expect(isDeviceIdHash("b496ec1169770ea274a2b4f42ca4fb71")).toBe(true);
		expect(isDeviceIdHash("B496EC1169770EA274A2B4F42CA4FB71")).toBe(false);
		expect(isDeviceIdHash("b496ec1169770ea274a2b4f42ca4fb7")).toBe(false);
		expect(isDeviceIdHash("g496ec1169770ea274a2b4f42ca4fb71")).toBe(false);
		expect(isDeviceIdHash(undefined)).toBe(false);
	});

	it("normalizes case and white space, and rejects the rest", ({ expect }) => {
		expect(normalizeDeviceIdHash(" B496EC1169770EA274A2B4F42CA4FB71 ")).toBe(
			"b496ec1169770ea274a2b4f42ca4fb71",
		);
		expect(codeOf(() => normalizeDeviceIdHash("354649050046412"))).toBe("INVALID_HASH");
	});
});
