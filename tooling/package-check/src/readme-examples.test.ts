/**
 * README example extraction: which blocks are found, what the doc-test comment adds, and how
 * `// =>` lines become assertions.
 * @module
 */
import { describe, it } from "vitest";
import { EXPECT_HELPER, expectedValue, extractExamples, toRunnable } from "./readme-examples.ts";

const README = [
	"# pkg",
	"",
	"```ts",
	'import { a } from "pkg";',
	'a(1); // => "one" (as text)',
	"```",
	"",
	"<!-- doc-test: compile-only (needs a network peer)",
	"declare const token: string;",
	"-->",
	"",
	"```ts",
	"await call(token);",
	"```",
	"",
	"<!-- doc-test",
	"const x = 1;",
	"-->",
	"Some prose breaks the link between the comment and the block.",
	"```ts",
	"x;",
	"```",
	"```sh",
	"not typescript",
	"```",
].join("\n");

describe("extractExamples", () => {
	it("finds every ts block with its line, prelude and mode", ({ expect }) => {
		expect(extractExamples(README, "README.md")).toEqual([
			{ line: 3, code: 'import { a } from "pkg";\na(1); // => "one" (as text)', prelude: "", mode: "run" },
			{ line: 12, code: "await call(token);", prelude: "declare const token: string;", mode: "compile-only" },
			{ line: 20, code: "x;", prelude: "", mode: "run" },
		]);
	});

	it("rejects an unknown mode and an unclosed comment", ({ expect }) => {
		expect(() => extractExamples("<!-- doc-test: skip\n-->\n", "R.md")).toThrow(
			/R\.md:1: unknown doc-test mode "skip"/,
		);
		expect(() => extractExamples("<!-- doc-test\nconst a = 1;\n", "R.md")).toThrow(
			/R\.md:1: doc-test comment is not closed/,
		);
	});
});

describe("expectedValue", () => {
	it("takes the longest JSON value at the start of the comment", ({ expect }) => {
		expect(expectedValue('"40c7" (upper-cased first)')).toBe('"40c7"');
		expect(expectedValue('true: md5("")')).toBe("true");
		expect(expectedValue("200")).toBe("200");
		expect(expectedValue('{ "a": [1, 2] } trailing')).toBe('{ "a": [1, 2] }');
		expect(expectedValue("canonical lower-case hash")).toBeUndefined();
	});
});

describe("toRunnable", () => {
	it("turns `expr; // => value` into an assertion naming the README line", ({ expect }) => {
		const [first] = extractExamples(README, "README.md");
		if (!first) throw new Error("no example");
		expect(toRunnable(first, "README.md")).toBe(
			`\nimport { a } from "pkg";\n${EXPECT_HELPER}(a(1), "one", "README.md:5");\n`,
		);
	});

	it("refuses a `// =>` comment without a value", ({ expect }) => {
		const [example] = extractExamples("```ts\nf(); // => the right thing\n```\n", "R.md");
		if (!example) throw new Error("no example");
		expect(() => toRunnable(example, "R.md")).toThrow(
			'R.md:2: "// => the right thing" does not start with a JSON value',
		);
	});
});
