/**
 * Discovery and the setup rules: a package gets checked because it is in packages/*, and one
 * without the library setup fails with a message that says what to add.
 * @module
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, it } from "vitest";
import { FIXTURE_REPOSITORY, fixtureFiles, fixtureManifest, writeFixtureRepo } from "./fixture.testdata.ts";
import { discoverPackages, setupProblems, workspaceContext } from "./workspace.ts";

const cleanup: string[] = [];
afterAll(() => {
	for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

function problemsFor(manifest: Record<string, unknown>, files = fixtureFiles(), internal = {}) {
	const { root } = writeFixtureRepo(manifest, files);
	cleanup.push(root);
	const packages = discoverPackages(root, internal);
	const context = workspaceContext(root, packages);
	return { packages, problems: packages.flatMap((p) => setupProblems(p, context, internal)) };
}

describe("discoverPackages and setupProblems", () => {
	it("finds the fixture as a public package with nothing missing", ({ expect }) => {
		const { packages, problems } = problemsFor(fixtureManifest());
		expect(packages.map((p) => [p.relativePath, p.isPublic])).toEqual([["packages/fixture", true]]);
		expect(problems).toEqual([]);
	});

	it("fails a new just-in-time package (private, exports → src) and says what to do", ({ expect }) => {
		const { packages, problems } = problemsFor({
			name: "@txad/fixture",
			version: "0.1.0",
			private: true,
			type: "module",
			exports: { ".": "./src/index.ts" },
		});
		expect(packages[0]?.isPublic).toBe(false);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(
			/^@txad\/fixture \(packages\/fixture\) is not publishable: package\.json has "private": true\. Give it the library setup \(see the root README, “Adding a package”\) or, if it must stay internal, list it in INTERNAL_PACKAGES/,
		);
	});

	it("accepts a private package that is listed as internal, and rejects a listed one that is public", ({
		expect,
	}) => {
		const internal = { "@txad/fixture": "only the apps use it" };
		expect(problemsFor({ name: "@txad/fixture", private: true }, fixtureFiles(), internal).problems).toEqual(
			[],
		);
		expect(problemsFor(fixtureManifest(), fixtureFiles(), internal).problems).toEqual([
			'@txad/fixture is listed as internal in tooling/package-check/src/config.ts but is not "private": true',
		]);
	});

	it("names each missing or wrong field of a public package", ({ expect }) => {
		const manifest = fixtureManifest();
		manifest.exports = { ".": "./src/index.ts" };
		manifest.sideEffects = true;
		delete manifest.engines;
		manifest.repository = {
			type: "git",
			url: "https://elsewhere.example/x.git",
			directory: "packages/fixture",
		};
		manifest.publishConfig = { access: "public", registry: "https://registry.example/" };
		const { problems } = problemsFor(manifest);
		expect(problems).toEqual([
			'@txad/fixture: "sideEffects" must be false so bundlers drop what a Worker does not import',
			'@txad/fixture: "exports"["."] is a bare path ("./src/index.ts"); it must be { "types", "import", "default" } pointing into dist/',
			'@txad/fixture: "exports" must also export "./package.json"',
			'@txad/fixture: "engines.node" is missing',
			`@txad/fixture: "repository" must be { "type": "git", "url": "${FIXTURE_REPOSITORY}", "directory": "packages/fixture" }`,
			'@txad/fixture: "publishConfig.access" must be "restricted" (internal registry, never public)',
			'@txad/fixture: "publishConfig.registry" must not be set: the registry comes from the publisher\'s .npmrc (@txad:registry=…)',
		]);
	});

	it("requires the README links, the size markers, CHANGELOG.md and smoke.mjs", ({ expect }) => {
		const files = fixtureFiles();
		files["README.md"] = "# @txad/fixture\n\nSee `CHANGELOG.md`.\n";
		delete files["CHANGELOG.md"];
		delete files["smoke.mjs"];
		const { problems } = problemsFor(fixtureManifest(), files);
		expect(problems).toEqual([
			expect.stringContaining(
				'@txad/fixture: CHANGELOG.md is missing (start it with the line "# @txad/fixture"',
			),
			expect.stringContaining("@txad/fixture: smoke.mjs is missing: a plain-JS module whose default export"),
			"@txad/fixture: README.md must link to [CHANGELOG.md](CHANGELOG.md)",
			"@txad/fixture: README.md must link to its API reference (../../docs/api/@txad/fixture.md)",
			expect.stringContaining('@txad/fixture: README.md needs a size section: the lines "<!-- size:start'),
		]);
	});

	it("rejects a dependency on an internal package and a `*` range on a workspace package", ({ expect }) => {
		const { root } = writeFixtureRepo();
		cleanup.push(root);
		const packages = discoverPackages(root, {});
		const context = {
			...workspaceContext(root, packages),
			internalNames: new Set(["@txad/http-error"]),
			allNames: new Set(["@txad/fixture", "@txad/http-error", "@txad/signing"]),
		};
		const pkg = packages[0];
		if (!pkg) throw new Error("no fixture");
		pkg.manifest.dependencies = {
			"@txad/http-error": "^0.1.0",
			"@txad/signing": "*",
			"@noble/hashes": "^2.4.0",
		};
		expect(setupProblems(pkg, context, {})).toEqual([
			"@txad/fixture: dependencies has @txad/http-error, which is internal and never published: a consumer could not install it",
			'@txad/fixture: dependencies has @txad/signing@"*": use a caret range on its current version ("^x.y.z") so releases stay coherent',
		]);
		expect(path.basename(pkg.path)).toBe("fixture");
	});
});
