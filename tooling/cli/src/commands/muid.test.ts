import muidVectors from "@txad/testdata/muid.json" with { type: "json" };
import { describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { main } from "../main.ts";

describe("txad muid", () => {
	it.for(muidVectors.cases)("hashes $kind $raw like the shared vector", async (c, { expect }) => {
		const io = captureIo();
		expect(await main(["muid", "--kind", c.kind, "--json", c.raw], io)).toBe(0);
		expect(JSON.parse(io.stdout())).toMatchObject({
			kind: c.kind,
			normalized: c.normalized,
			md5: c.md5,
			nonDevice: false,
		});
	});

	it("detects kinds, normalises hashes and flags placeholders in a table", async ({ expect }) => {
		const io = captureIo();
		await main(["muid", "354649050046412", "D41D8CD98F00B204E9800998ECF8427E", "0"], io);
		const lines = io.stdout().trim().split("\n");
		expect(lines[2]).toMatch(/354649050046412\s+imei\s+b496ec1169770ea274a2b4f42ca4fb71/);
		expect(lines[3]).toMatch(/hash\s+d41d8cd98f00b204e9800998ecf8427e\s+non-device/);
		expect(lines[4]).toMatch(/imei\s+cfcd208495d565ef66e7dff9f98764da\s+non-device/);
	});

	it("asks for --kind when it cannot tell", async ({ expect }) => {
		const io = captureIo();
		expect(await main(["muid", "9774d56d682e549c"], io)).toBe(2);
		expect(io.stderr()).toMatch(/cannot tell the kind of "9774d56d682e549c": pass --kind/);
	});

	it("refuses an unknown --kind", async ({ expect }) => {
		const io = captureIo();
		expect(await main(["muid", "--kind", "phone", "123"], io)).toBe(2);
		expect(io.stderr()).toMatch(/--kind must be one of imei, idfa/);
	});
});
