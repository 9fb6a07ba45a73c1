import { describe, it } from "vitest";
import { detectDeviceIdKind } from "./detect.ts";
import { muidCases } from "./vectors.testdata.ts";

describe("detectDeviceIdKind (docs/conversion/form-api.md §6.5 rules)", () => {
	it.for([
		["354649050046412", "imei"],
		["A100004D8E2F1C", "imei"],
		["1E2DFA89-496A-47FD-9941-DF1FC4E6484A", "idfa"],
		["1e2dfa89 496a 47fd 9941 df1fc4e6484a", "idfa"],
		["a/b/c/d/e", "idfa"],
		["a-b\tc/d e", "idfa"],
		[" 354649050046412\n", "imei"],
		["\t1E2DFA89-496A-47FD-9941-DF1FC4E6484A ", "idfa"],
		["0", "imei"],
		["123456789012345", "imei"],
		["9774d56d682e549c", null],
		["35464905004641 2", null],
		["-1E2DFA89-496A-47FD-9941-DF1FC4E6484A", null],
		["1E2DFA89-496A-47FD-9941-DF1FC4E6484A-", null],
		["1E2DFA89--496A-47FD-9941-DF1FC4E6484A", null],
		["{1E2DFA89-496A-47FD-9941-DF1FC4E6484A}", null],
		["1E2DFA89-496A-47FD-9941-DF1FC4E6484A!", null],
		["1E2DFA89_496A_47FD_9941_DF1FC4E6484A", null],
		["1234567890123456", null],
		["a-b-c-d", null],
		["", null],
		["中文", null],
	] as const)("%j → %s", ([raw, kind], { expect }) => {
		expect(detectDeviceIdKind(raw)).toBe(kind);
	});

	it("reads a UUID-shaped id from an Android device as an OAID", ({ expect }) => {
		expect(detectDeviceIdKind("f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f", { os: "android" })).toBe("oaid");
		expect(detectDeviceIdKind("f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f", { os: "ios" })).toBe("idfa");
		expect(detectDeviceIdKind("354649050046412", { os: "android" })).toBe("imei");
	});

	it("agrees with every IMEI and IDFA vector", ({ expect }) => {
		for (const v of muidCases.filter((c) => c.kind === "imei" || c.kind === "idfa")) {
			expect(detectDeviceIdKind(v.raw)).toBe(v.kind);
		}
	});
});
