/**
 * A minimal repository with one publishable package (`@txad/fixture`), written to a temporary
 * directory, plus the ways the checker's tests break it. The package is what `tsc` would emit for
 * `export function double(n: number): number`, so no build runs in the tests.
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { apiDocsPage, SIZE_END, SIZE_START } from "./config.ts";

export const FIXTURE_REPOSITORY = "git+https://git.internal/txad/fixture.git";

/** The package.json of the good fixture package. */
export function fixtureManifest(): Record<string, unknown> {
	return {
		name: "@txad/fixture",
		version: "1.2.3",
		description: "A package the checker's tests pack.",
		private: false,
		type: "module",
		sideEffects: false,
		exports: {
			".": { types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" },
			"./package.json": "./package.json",
		},
		files: ["dist", "src", "!src/**/*.test.ts", "!src/**/*.testdata.ts", "CHANGELOG.md"],
		engines: { node: ">=22" },
		repository: { type: "git", url: FIXTURE_REPOSITORY, directory: "packages/fixture" },
		publishConfig: { access: "restricted" },
		scripts: { build: "tsc -p tsconfig.build.json" },
	};
}

/** Files of the good fixture package, by path relative to the package directory. */
export function fixtureFiles(): Record<string, string> {
	return {
		"src/index.ts": "/** Twice `n`. */\nexport function double(n: number): number {\n\treturn n * 2;\n}\n",
		"src/index.test.ts": "// must never be packed\n",
		"src/index.testdata.ts": "// must never be packed\n",
		"dist/index.js":
			"/** Twice `n`. */\nexport function double(n) {\n    return n * 2;\n}\n//# sourceMappingURL=index.js.map\n",
		"dist/index.js.map":
			'{"version":3,"file":"index.js","sourceRoot":"","sources":["../src/index.ts"],"names":[],"mappings":"AACA,MAAM,UAAU,MAAM,CAAC,CAAS;IAC/B,OAAO,CAAC,GAAG,CAAC,CAAC;AACd,CAAC"}\n',
		"dist/index.d.ts":
			"/** Twice `n`. */\nexport declare function double(n: number): number;\n//# sourceMappingURL=index.d.ts.map\n",
		"dist/index.d.ts.map":
			'{"version":3,"file":"index.d.ts","sourceRoot":"","sources":["../src/index.ts"],"names":[],"mappings":"AACA,wBAAgB,MAAM,CAAC,CAAC,EAAE,MAAM,GAAG,MAAM,CAEvC"}\n',
		"tsconfig.build.json": '{ "extends": "@txad/tsconfig/build.json" }\n',
		"CHANGELOG.md": "# @txad/fixture\n",
		"README.md": [
			"# @txad/fixture",
			"",
			`API: [reference](../../${apiDocsPage("@txad/fixture")}). See [CHANGELOG.md](CHANGELOG.md).`,
			"",
			SIZE_START,
			SIZE_END,
			"",
		].join("\n"),
		"smoke.mjs": [
			'import { double } from "@txad/fixture";',
			"export default function smoke() {",
			'\tif (double(21) !== 42) throw new Error("double(21) gave " + double(21));',
			'\treturn "double(21) → 42";',
			"}",
			"",
		].join("\n"),
	};
}

/** A repository root with packages/fixture (from `manifest` and `files`) and a root manifest. */
export function writeFixtureRepo(
	manifest: Record<string, unknown> = fixtureManifest(),
	files: Record<string, string> = fixtureFiles(),
): { root: string; packageDir: string } {
	const root = mkdtempSync(path.join(os.tmpdir(), "txad-fixture-"));
	const packageDir = path.join(root, "packages", "fixture");
	writeFileSync(
		path.join(root, "package.json"),
		JSON.stringify({
			name: "fixture-root",
			private: true,
			repository: { type: "git", url: FIXTURE_REPOSITORY },
		}),
	);
	for (const [file, text] of Object.entries({
		...files,
		"package.json": JSON.stringify(manifest, null, "\t"),
	})) {
		mkdirSync(path.dirname(path.join(packageDir, file)), { recursive: true });
		writeFileSync(path.join(packageDir, file), text);
	}
	return { root, packageDir };
}
