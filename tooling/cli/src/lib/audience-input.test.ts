import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { parseEnd, parseInputs, parseSegmentList, resolveAudienceId } from "./audience-input.ts";

const NOW = 1_800_000_000;
let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-input-"));
	await writeFile(join(dir, "a=b.txt"), "x\n");
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("parseSegmentList", () => {
	it("splits on , | ; and spaces; NAME@END sets an end; the default end applies to the rest", ({
		expect,
	}) => {
		expect(parseSegmentList("a, b|c;d  e", 0, NOW)).toEqual([
			["a", 0],
			["b", 0],
			["c", 0],
			["d", 0],
			["e", 0],
		]);
		expect(parseSegmentList(`vip@${NOW + 10},new_user`, NOW + 5, NOW)).toEqual([
			["vip", NOW + 10],
			["new_user", NOW + 5],
		]);
		expect(parseSegmentList("vip@2999-01-01T00:00:00Z", 0, NOW)).toEqual([["vip", 32_472_144_000]]);
		expect(parseSegmentList("a,a@1900000000", 0, NOW)).toEqual([["a", 1_900_000_000]]);
	});

	it("says what is wrong", ({ expect }) => {
		expect(() => parseSegmentList(" , ", 0, NOW)).toThrow(/no segment names/);
		expect(() => parseSegmentList("a b!", 0, NOW)).toThrow(/"b!" is not a segment name/);
		expect(() => parseSegmentList(`a@${NOW}`, 0, NOW)).toThrow(/is in the past/);
		expect(() => parseSegmentList(Array.from({ length: 65 }, (_, i) => `s${i}`).join(","), 0, NOW)).toThrow(
			/at most 64/,
		);
	});
});

describe("parseEnd", () => {
	it("takes epoch seconds or ISO 8601, up to 9999-12-31, in the future", ({ expect }) => {
		expect(parseEnd(String(NOW + 1), NOW)).toBe(NOW + 1);
		expect(parseEnd("2038-01-19T03:14:08Z", NOW)).toBe(2_147_483_648);
		expect(parseEnd("9999-12-31T23:59:59Z", NOW)).toBe(253_402_300_799);
		expect(() => parseEnd("253402300800", NOW)).toThrow(/after 9999-12-31/);
		expect(() => parseEnd("tomorrow", NOW)).toThrow(/not an ISO 8601 instant/);
		expect(() => parseEnd("0", NOW)).toThrow(/not an ISO 8601 instant/);
	});
});

describe("parseInputs", () => {
	it("splits FILE=SEGMENTS unless the whole argument is an existing file", ({ expect }) => {
		expect(parseInputs(["x.txt=new_user,vip", "a=b.txt", "plain.txt"], dir)).toEqual([
			{ path: "x.txt", segments: "new_user,vip" },
			{ path: "a=b.txt", segments: undefined },
			{ path: "plain.txt", segments: undefined },
		]);
		expect(() => parseInputs([], dir)).toThrow(/at least one input file/);
	});
});

describe("resolveAudienceId", () => {
	it("maps device ids to their id type and keeps openids as given", ({ expect }) => {
		expect(resolveAudienceId({ line: 1, value: "354649050046412", label: undefined }, undefined)).toEqual({
			ok: true,
			type: "imei_md5",
			value: "b496ec1169770ea274a2b4f42ca4fb71",
		});
		expect(resolveAudienceId({ line: 1, value: " o_1 ", label: "OpenID" }, undefined)).toEqual({
			ok: true,
			type: "openid",
			value: "o_1",
		});
		expect(resolveAudienceId({ line: 1, value: "null", label: "openid" }, undefined)).toMatchObject({
			reason: "non_device",
		});
		expect(resolveAudienceId({ line: 1, value: "x".repeat(129), label: "openid" }, undefined)).toMatchObject({
			reason: "malformed",
		});
		expect(
			resolveAudienceId({ line: 1, value: "b496ec1169770ea274a2b4f42ca4fb71", label: undefined }, undefined),
		).toMatchObject({ reason: "unknown_kind" });
	});
});
