import { type DeviceIdKind, hashDeviceId } from "@txad/muid";
import { md5Hex } from "@txad/signing";
import muidVectors from "@txad/testdata/muid.json" with { type: "json" };
import { describe, it } from "vitest";
import { hashRawId, parseKindLabel, resolveDeviceId } from "./device-ids.ts";

describe("resolveDeviceId", () => {
	it.for(muidVectors.cases)("hashes the shared vector $kind $raw", (c, { expect }) => {
		const result = resolveDeviceId(c.raw, c.kind);
		expect(result).toEqual({ ok: true, id: { kind: c.kind, hash: c.md5, hashed: false } });
	});

	it("detects raw IMEIs and IDFAs, and OAIDs with the Android hint", ({ expect }) => {
		expect(resolveDeviceId("354649050046412")).toMatchObject({ ok: true, id: { kind: "imei" } });
		expect(resolveDeviceId("1e2dfa89-496a-47fd-9941-df1fc4e6484a")).toMatchObject({
			ok: true,
			id: { kind: "idfa", hash: "40c7084b4845eebce9d07b8a18a055fc" },
		});
		expect(resolveDeviceId("f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f", undefined, "android")).toMatchObject({
			ok: true,
			id: { kind: "oaid", hash: "c255f553281332cae783606cdf6e23a6" },
		});
	});

	it("keeps hashes as hashes, lower-cased, with or without a kind", ({ expect }) => {
		expect(resolveDeviceId("B496EC1169770EA274A2B4F42CA4FB71")).toEqual({
			ok: true,
			id: { kind: "unknown", hash: "b496ec1169770ea274a2b4f42ca4fb71", hashed: true },
		});
		expect(resolveDeviceId("b496ec1169770ea274a2b4f42ca4fb71", "imei_md5")).toMatchObject({
			ok: true,
			id: { kind: "imei", hashed: true },
		});
		// A 32-hex value under a raw IMEI label can only be a hash.
		expect(resolveDeviceId("b496ec1169770ea274a2b4f42ca4fb71", "imei")).toMatchObject({
			ok: true,
			id: { hashed: true },
		});
		// A CAID may be 32 hex raw: hashed as a raw id.
		expect(resolveDeviceId("b496ec1169770ea274a2b4f42ca4fb71", "caid")).toMatchObject({
			ok: true,
			id: { hashed: false },
		});
	});

	it.for([
		["", undefined, "empty"],
		["   ", "imei", "empty"],
		["xyz", "imei_md5", "invalid_hash"],
		["0", "imei", "non_device"],
		["00000000-0000-0000-0000-000000000000", undefined, "non_device"],
		["d41d8cd98f00b204e9800998ecf8427e", undefined, "non_device"],
		["null", "oaid", "non_device"],
		["hello world", undefined, "unknown_kind"],
		["354649050046412", "msisdn", "bad_kind"],
	] as const)("drops %j (%s) as %s", ([value, label, reason], { expect }) => {
		const result = resolveDeviceId(value, label);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toBe(reason);
	});

	it("reads kind labels in the usual spellings", ({ expect }) => {
		expect(parseKindLabel("IMEI_MD5")).toEqual({ kind: "imei", hashed: true });
		expect(parseKindLabel("oaid_md5sum")).toEqual({ kind: "oaid", hashed: true });
		expect(parseKindLabel("android-id")).toEqual({ kind: "android_id", hashed: "auto" });
		expect(parseKindLabel("md5")).toEqual({ kind: "unknown", hashed: true });
		expect(parseKindLabel("phone")).toBeUndefined();
	});
});

describe("hashRawId", () => {
	it.for(muidVectors.cases)("equals @txad/muid hashDeviceId for $kind $raw", (c, { expect }) => {
		const kind = c.kind as DeviceIdKind;
		expect(hashRawId(kind, c.raw)).toBe(hashDeviceId(kind, c.raw));
	});
});

describe("placeholders", () => {
	it("drops the md5 of every placeholder the responder refuses to look up", ({ expect }) => {
		for (const raw of ["UNKNOWN", "02:00:00:00:00:00", "nil", "undefined"])
			expect(resolveDeviceId(md5Hex(raw), "imei_md5"), raw).toMatchObject({
				ok: false,
				reason: "non_device",
			});
	});
});
