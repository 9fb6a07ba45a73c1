/**
 * README examples as tests. Every ```ts block of a public package's README is compiled against
 * the packed tarballs (bundler and nodenext resolution) and, unless marked compile-only, run in
 * Node; a line `expr; // => value` also asserts that `expr` equals `value`.
 *
 * A block may be preceded by an HTML comment, invisible on the rendered page, that supplies what
 * the snippet takes for granted:
 *
 * ```md
 * <!-- doc-test: compile-only
 * declare const env: { DSPB_SECRET: string };
 * -->
 * ```
 *
 * The first line is `doc-test` or `doc-test: compile-only` (for snippets that need a network
 * peer, e.g. Tencent's API); the lines after it are TypeScript prepended to the block.
 * @module
 */

/** One ```ts block of a README. */
export interface ReadmeExample {
	/** 1-based line of the opening fence. */
	line: number;
	/** The block as the README shows it. */
	code: string;
	/** TypeScript from the preceding doc-test comment ("" if none). */
	prelude: string;
	/** `run`: compiled and executed; `compile-only`: compiled only. */
	mode: "run" | "compile-only";
}

const FENCE_OPEN = /^```(ts|typescript)\s*$/;
const DOC_TEST = /^<!--\s*doc-test(?::\s*([\w-]+))?(?:\s+\(.*\))?\s*$/;

/** Every ```ts block of `markdown`, with its doc-test comment if one directly precedes it. */
export function extractExamples(markdown: string, file: string): ReadmeExample[] {
	const lines = markdown.split("\n");
	const examples: ReadmeExample[] = [];
	let pending: { prelude: string; mode: ReadmeExample["mode"]; endLine: number } | undefined;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i] ?? "";
		const docTest = DOC_TEST.exec(line);
		if (docTest) {
			const mode = docTest[1] ?? "run";
			if (mode !== "run" && mode !== "compile-only") {
				throw new Error(
					`${file}:${i + 1}: unknown doc-test mode "${mode}" (use "doc-test" or "doc-test: compile-only")`,
				);
			}
			const end = lines.findIndex((l, j) => j > i && l.trim() === "-->");
			if (end < 0) throw new Error(`${file}:${i + 1}: doc-test comment is not closed with a "-->" line`);
			pending = { prelude: lines.slice(i + 1, end).join("\n"), mode, endLine: end };
			i = end;
			continue;
		}
		if (FENCE_OPEN.test(line)) {
			const close = lines.findIndex((l, j) => j > i && l.startsWith("```"));
			if (close < 0) throw new Error(`${file}:${i + 1}: code block is not closed`);
			// The comment applies only when nothing but blank lines separates it from the fence.
			const applies =
				pending !== undefined && lines.slice(pending.endLine + 1, i).every((l) => l.trim() === "");
			examples.push({
				line: i + 1,
				code: lines.slice(i + 1, close).join("\n"),
				prelude: applies && pending ? pending.prelude : "",
				mode: applies && pending ? pending.mode : "run",
			});
			pending = undefined;
			i = close;
		}
	}
	return examples;
}

const EXPECT_LINE = /^(\s*)(.+?);\s*\/\/ => (.+)$/;

/**
 * The longest prefix of `comment` that is a JSON value followed by the end or a separator,
 * so `"abc" (upper-cased first)` and `true: drop it` both work.
 */
export function expectedValue(comment: string): string | undefined {
	for (let end = comment.length; end > 0; end--) {
		const next = comment[end];
		if (next !== undefined && !/[\s:,(;]/.test(next)) continue;
		const candidate = comment.slice(0, end).trim();
		try {
			JSON.parse(candidate);
			return candidate;
		} catch {
			// not a JSON value yet: try a shorter prefix
		}
	}
	return undefined;
}

/** Name of the assertion helper the runnable form calls. */
export const EXPECT_HELPER = "__readmeExpect";

/**
 * The block with each `expr; // => value` line turned into an assertion that names the README
 * line, ready to run. Throws if a `// =>` comment holds no JSON value.
 */
export function toRunnable(example: ReadmeExample, file: string): string {
	const body = example.code
		.split("\n")
		.map((line, i) => {
			const match = EXPECT_LINE.exec(line);
			if (!match) return line;
			const [, indent, expr, comment] = match;
			const value = expectedValue(comment ?? "");
			const where = `${file}:${example.line + 1 + i}`;
			if (value === undefined)
				throw new Error(`${where}: "// => ${comment}" does not start with a JSON value`);
			return `${indent}${EXPECT_HELPER}(${expr}, ${value}, ${JSON.stringify(where)});`;
		})
		.join("\n");
	return `${example.prelude}\n${body}\n`;
}

/** Source of the assertion helper module (plain JS, `expect.mjs`) the runnable blocks import. */
export const EXPECT_HELPER_SOURCE = `import { deepStrictEqual } from "node:assert/strict";
export function ${EXPECT_HELPER}(actual, expected, where) {
	deepStrictEqual(actual, expected, \`\${where}: README says \${JSON.stringify(expected)}, got \${JSON.stringify(actual)}\`);
}
`;
