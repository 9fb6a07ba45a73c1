import { describe, it } from "vitest";
import { md5, md5Hex } from "./md5.ts";
import { md5Rfc1321 } from "./vectors.testdata.ts";

describe("md5", () => {
	it.for(md5Rfc1321)("RFC 1321: md5(%j) = %s", ([input, expected], { expect }) => {
		expect(md5Hex(input)).toBe(expected);
	});

	it("hashes UTF-8 bytes of text, not UTF-16 code units", ({ expect }) => {
		expect(md5Hex("中文")).toBe(md5Hex(new TextEncoder().encode("中文")));
		expect(md5Hex("中文")).toBe("a7bac2239fcdcb3a067903d8077c4a07");
	});

	it("returns 16 bytes", ({ expect }) => {
		expect(md5("x")).toHaveLength(16);
	});
});
