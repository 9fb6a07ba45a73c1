import { describe, it } from "vitest";
import { isMuidError } from "./errors.ts";
import {
	DEVICE_ID_KINDS,
	type DeviceIdKind,
	hashDeviceId,
	isDeviceIdHash,
	isDeviceIdKind,
	normalizeDeviceId,
	normalizeDeviceIdHash,
} from "./hash.ts";
import { muidCases } from "./vectors.testdata.ts";

function codeOf(fn: () => unknown): string | undefined {
	return errorOf(fn)?.code;
}

function errorOf(fn: () => unknown): { code: string; message: string } | undefined {
	try {
		fn();
	} catch (e) {
		return isMuidError(e) ? e : { code: "not a MuidError", message: String(e) };
	}
	return undefined;
}

const HASH = "b496ec1169770ea274a2b4f42ca4fb71";

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

	it("names the kind in every error message", ({ expect }) => {
		expect(errorOf(() => normalizeDeviceId("imsi" as DeviceIdKind, "1"))?.message).toBe(
			"unknown device id kind: imsi",
		);
		expect(errorOf(() => normalizeDeviceId("oaid", null as unknown as string))?.message).toBe(
			"oaid must be a string",
		);
		expect(errorOf(() => normalizeDeviceId("imei", " \t\n"))?.message).toBe("imei is empty");
	});

	it("covers every declared kind", ({ expect }) => {
		for (const kind of DEVICE_ID_KINDS) expect(isDeviceIdHash(hashDeviceId(kind, "x1"))).toBe(true);
	});
});

describe("isDeviceIdKind", () => {
	it.for(["imei", "idfa", "oaid", "android_id", "mac", "caid"])("knows %s", (kind, { expect }) => {
		expect(isDeviceIdKind(kind)).toBe(true);
	});

	it.for([
		["IMEI"],
		["imsi"],
		[""],
		[" imei"],
		[null],
		[undefined],
		[["imei"]],
		[{ toString: (): string => "imei" }],
	])("does not know %j", ([kind], { expect }) => {
		expect(isDeviceIdKind(kind)).toBe(false);
	});
});

describe("hash validation (docs/rta/http-behaviour.md: lower-case hex md5)", () => {
	it("accepts exactly 32 lower-case hex characters", ({ expect }) => {
		expect(isDeviceIdHash(HASH)).toBe(true);
		expect(isDeviceIdHash("0123456789abcdef0123456789abcdef")).toBe(true);
	});

	// What isDeviceIdHash refuses; normalizeDeviceIdHash refuses these too, except where its
	// canonicalisation (trim, lower-case) repairs the value, marked `repairable`.
	const refused: Array<[string, unknown, boolean]> = [
		["upper-case hex", HASH.toUpperCase(), true],
		["mixed-case hex", `B${HASH.slice(1)}`, true],
		["surrounding white space", ` ${HASH}\n`, true],
		["31 characters", HASH.slice(0, 31), false],
		["33 characters (one extra digit at the end)", `${HASH}0`, false],
		["33 characters (one extra digit at the start)", `0${HASH}`, false],
		["64 characters (two hashes)", HASH + HASH, false],
		["a non-hex letter", `g${HASH.slice(1)}`, false],
		["a non-hex last character", `${HASH.slice(0, 31)}z`, false],
		["inner white space", `${HASH.slice(0, 16)} ${HASH.slice(16)}`, false],
		["a 0x prefix", `0x${HASH.slice(2)}`, false],
		["full-width digits", "０".repeat(32), false],
		["a raw IMEI", "354649050046412", false],
		["an empty string", "", false],
		["a String object", new String(HASH), false],
		["an array holding a hash", [HASH], false],
		["undefined", undefined, false],
		["null", null, false],
		["a number", 42, false],
	];

	it.for(refused)("isDeviceIdHash refuses %s", ([, value], { expect }) => {
		expect(isDeviceIdHash(value)).toBe(false);
	});

	it.for(refused.filter(([, , repairable]) => !repairable))(
		"normalizeDeviceIdHash refuses %s with INVALID_HASH",
		([, value], { expect }) => {
			const error = errorOf(() => normalizeDeviceIdHash(value as string));
			expect(error?.code).toBe("INVALID_HASH");
			expect(error?.message).toBe("a device id hash must be 32 hex characters (md5)");
		},
	);

	it.for(refused.filter(([, , repairable]) => repairable))(
		"normalizeDeviceIdHash repairs %s",
		([, value], { expect }) => {
			expect(normalizeDeviceIdHash(value as string)).toBe(HASH);
		},
	);

	it("returns a canonical hash unchanged", ({ expect }) => {
		expect(normalizeDeviceIdHash(HASH)).toBe(HASH);
		expect(isDeviceIdHash(normalizeDeviceIdHash(" B496EC1169770EA274A2B4F42CA4FB71 "))).toBe(true);
	});
});
