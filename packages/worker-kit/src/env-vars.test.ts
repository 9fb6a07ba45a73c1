import { describe, it } from "vitest";
import {
	readBool,
	readInt,
	readJsonObject,
	readOneOf,
	readRate,
	readSecret,
	readText,
	readUrl,
} from "./env-vars.ts";
import { isSettingsError, type SettingsError } from "./settings-error.ts";

/** The SettingsError `read` throws. */
function refusal(read: () => unknown): SettingsError {
	try {
		read();
	} catch (e) {
		if (isSettingsError(e)) return e;
		throw e;
	}
	throw new Error("no error");
}

describe("readText", () => {
	it("trims, and reads absent, null and blank as empty", ({ expect }) => {
		expect(readText({ A: "  x y  " }, "A")).toBe("x y");
		expect(readText({}, "A")).toBe("");
		expect(readText({ A: null }, "A")).toBe("");
		expect(readText({ A: " \t" }, "A")).toBe("");
	});

	it("refuses a value that is not a string", ({ expect }) => {
		expect(refusal(() => readText({ A: { json: true } }, "A"))).toMatchObject({
			code: "INVALID_VALUE",
			field: "A",
			message: "A must be a string",
		});
	});
});

describe("readSecret", () => {
	it("returns the trimmed value", ({ expect }) => {
		expect(readSecret({ TOKEN: " t0ken \n" }, "TOKEN")).toBe("t0ken");
	});

	it("says how to set it when it is absent or blank", ({ expect }) => {
		for (const env of [{}, { TOKEN: "" }, { TOKEN: "  " }]) {
			expect(refusal(() => readSecret(env, "TOKEN"))).toMatchObject({
				code: "NOT_SET",
				field: "TOKEN",
				message: "TOKEN is not set (wrangler secret put TOKEN)",
			});
		}
	});
});

describe("readInt", () => {
	const range = { fallback: 30, min: 0, max: 43_200 };
	it.for([
		["", 30],
		["0", 0],
		[" 43200 ", 43_200],
		["-0", -0],
	] as const)("reads %j as %d", ([text, n], { expect }) => {
		expect(readInt({ N: text }, "N", range)).toBe(n);
	});

	it.for(["43201", "-1", "1.5", "1e3", "0x10", "7d", "x", "1 000", "+5"])(
		"refuses %j, naming the range",
		(text, { expect }) => {
			expect(refusal(() => readInt({ N: text }, "N", range))).toMatchObject({
				code: "INVALID_VALUE",
				field: "N",
				message: "N must be an integer from 0 to 43200",
			});
		},
	);

	it("uses the default when absent", ({ expect }) => {
		expect(readInt({}, "N", { fallback: 7, min: 1, max: 9 })).toBe(7);
	});
});

describe("readRate", () => {
	it.for([
		["", 0.25],
		["0", 0],
		["1", 1],
		[" 0.5 ", 0.5],
		[".01", 0.01],
		["1.0", 1],
	] as const)("reads %j as %d", ([text, n], { expect }) => {
		expect(readRate({ R: text }, "R", 0.25)).toBe(n);
	});

	it.for(["1.01", "-0.1", "2", "1e-3", "50%", "x", "0x1", ". ", "Infinity"])(
		"refuses %j, naming the range",
		(text, { expect }) => {
			expect(refusal(() => readRate({ R: text }, "R", 0))).toMatchObject({
				code: "INVALID_VALUE",
				field: "R",
				message: "R must be a decimal number from 0 to 1",
			});
		},
	);
});

describe("readBool", () => {
	it("reads true and false in any case, and the default when empty", ({ expect }) => {
		expect(readBool({ B: "TRUE" }, "B", false)).toBe(true);
		expect(readBool({ B: " false " }, "B", true)).toBe(false);
		expect(readBool({}, "B", true)).toBe(true);
		expect(readBool({ B: "" }, "B", false)).toBe(false);
	});

	it.for(["1", "yes", "on", "t"])("refuses %j", (text, { expect }) => {
		expect(refusal(() => readBool({ B: text }, "B", false)).message).toBe('B must be "true" or "false"');
	});
});

describe("readOneOf", () => {
	const paddings = ["pkcs1", "oaep-sha256", "oaep-sha1"] as const;
	it("returns the choice, or the default when empty", ({ expect }) => {
		expect(readOneOf({ P: "oaep-sha1" }, "P", paddings, "pkcs1")).toBe("oaep-sha1");
		expect(readOneOf({}, "P", paddings, "pkcs1")).toBe("pkcs1");
	});

	it("refuses anything else, listing the choices and what it got", ({ expect }) => {
		expect(refusal(() => readOneOf({ P: "PKCS1" }, "P", paddings, "pkcs1")).message).toBe(
			'P must be "pkcs1", "oaep-sha256" or "oaep-sha1", got "PKCS1"',
		);
		expect(refusal(() => readOneOf({ P: "x" }, "P", ["only"], "only")).message).toBe(
			'P must be "only", got "x"',
		);
	});
});

describe("readUrl", () => {
	it("reads an absolute http(s) URL, or the default", ({ expect }) => {
		expect(readUrl({ U: "http://127.0.0.1:8790/base/" }, "U", "https://x.test").href).toBe(
			"http://127.0.0.1:8790/base/",
		);
		expect(readUrl({}, "U", "https://api.e.qq.com").origin).toBe("https://api.e.qq.com");
	});

	it.for(["not a url", "/relative/path", "ftp://x.test/", "javascript:alert(1)"])(
		"refuses %j",
		(text, { expect }) => {
			expect(refusal(() => readUrl({ U: text }, "U", "https://x.test"))).toMatchObject({
				field: "U",
				message: "U must be an http(s) URL",
			});
		},
	);
});

describe("readJsonObject", () => {
	it("parses an object", ({ expect }) => {
		expect(readJsonObject({ J: ' {"1":{"a":true}} ' }, "J")).toEqual({ "1": { a: true } });
	});

	it("returns the fallback when empty, else says it is not set (how to set it, for a secret)", ({
		expect,
	}) => {
		const fallback = {};
		expect(readJsonObject({ J: "" }, "J", { fallback })).toBe(fallback);
		expect(refusal(() => readJsonObject({}, "J"))).toMatchObject({
			code: "NOT_SET",
			message: "J is not set",
		});
		expect(refusal(() => readJsonObject({}, "J", { secret: true })).message).toBe(
			"J is not set (wrangler secret put J)",
		);
	});

	it("refuses text that is not JSON without echoing it", ({ expect }) => {
		const e = refusal(() => readJsonObject({ J: '{"k":"s3cret-value"' }, "J", { secret: true }));
		expect(e).toMatchObject({ code: "INVALID_VALUE", message: "J is not valid JSON" });
		expect(e.message).not.toContain("s3cret");
	});

	it.for(["[]", "null", "1", '"text"'])(
		"refuses %s as not an object, in the caller's words",
		(text, { expect }) => {
			expect(refusal(() => readJsonObject({ J: text }, "J")).message).toBe("J must be a JSON object");
			expect(
				refusal(() => readJsonObject({ J: text }, "J", { expected: "a JSON object dspid -> token" })).message,
			).toBe("J must be a JSON object dspid -> token");
		},
	);
});
