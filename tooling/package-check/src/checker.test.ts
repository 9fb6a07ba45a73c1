/**
 * The checker against a real fixture package: the good one passes every stage, and each broken
 * export fails the stage that should catch it (tarball contents, publint, attw, plain Node).
 * These are the negative runs that prove `npm run check:packages` can fail.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, it } from "vitest";
import { createConsumer, runNodeSmoke } from "./consumer.ts";
import { fixtureFiles, fixtureManifest, writeFixtureRepo } from "./fixture.testdata.ts";
import { attwProblems, publintProblems } from "./lint.ts";
import { packPackages, tarballProblems } from "./pack.ts";

const cleanup: string[] = [];
afterAll(() => {
	for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** Packs the fixture and runs every tarball stage plus the plain-Node import on it. */
async function checkFixture(manifest = fixtureManifest(), files = fixtureFiles()) {
	const { root, packageDir } = writeFixtureRepo(manifest, files);
	const tarballs = mkdtempSync(path.join(os.tmpdir(), "txad-fixture-tgz-"));
	cleanup.push(root, tarballs);
	const [packed] = packPackages([packageDir], tarballs);
	if (!packed) throw new Error("nothing packed");
	const consumer = await createConsumer(
		[
			{
				packed,
				dir: "fixture",
				smokeFile: path.join(packageDir, "smoke.mjs"),
				readmeFile: path.join(packageDir, "README.md"),
			},
		],
		{},
	);
	cleanup.push(consumer.dir);
	const [smoke] = await runNodeSmoke(consumer);
	return {
		packed,
		tarball: tarballProblems(packed, manifest.exports),
		publint: await publintProblems(packed.name, packed.tarball),
		attw: await attwProblems(packed.name, packed.tarball),
		smoke,
	};
}

describe("the package checker", () => {
	it("passes the good fixture at every stage, and packs no tests or test data", async ({ expect }) => {
		const result = await checkFixture();
		expect(result.tarball).toEqual([]);
		expect(result.publint).toEqual([]);
		expect(result.attw).toEqual([]);
		expect(result.smoke).toMatchObject({ ok: true, detail: "double(21) → 42" });
		expect(result.packed.files).toContain("src/index.ts");
		expect(result.packed.files.filter((f) => /\.test(data)?\.ts$/.test(f))).toEqual([]);
	});

	it("fails an `import`/`default` export that points at a file the tarball lacks", async ({ expect }) => {
		const manifest = fixtureManifest();
		manifest.exports = {
			".": { types: "./dist/index.d.ts", import: "./dist/missing.js", default: "./dist/missing.js" },
			"./package.json": "./package.json",
		};
		const result = await checkFixture(manifest);
		expect(result.tarball).toContain(
			`@txad/fixture tarball: "exports" points at ./dist/missing.js, which is not in the tarball (built? listed in "files"?)`,
		);
		expect(result.publint.join("\n")).toMatch(/publint error: .*dist\/missing\.js.*does not exist/);
		expect(result.smoke?.ok).toBe(false);
		expect(result.smoke?.detail).toMatch(/Cannot find module .*dist\/missing\.js/);
	});

	it("fails a `types` export that resolves to nothing (attw and the tarball check)", async ({ expect }) => {
		const files = fixtureFiles();
		delete files["dist/index.d.ts"];
		delete files["dist/index.d.ts.map"];
		const result = await checkFixture(fixtureManifest(), files);
		expect(result.tarball).toContain("@txad/fixture tarball: dist/index.js ships without dist/index.d.ts");
		expect(
			result.attw.some((p) => /^@txad\/fixture attw: \w+ for "\." \((bundler|node16-esm)\)$/.test(p)),
		).toBe(true);
		expect(result.publint.length).toBeGreaterThan(0);
	});

	it("fails a build whose JavaScript no longer exports what the package promises", async ({ expect }) => {
		const files = fixtureFiles();
		files["dist/index.js"] =
			"export function twice(n) {\n    return n * 2;\n}\n//# sourceMappingURL=index.js.map\n";
		const result = await checkFixture(fixtureManifest(), files);
		expect(result.smoke?.ok).toBe(false);
		expect(result.smoke?.detail).toMatch(/does not provide an export named 'double'/);
	});

	it("fails a stale build output whose source is gone", async ({ expect }) => {
		const files = fixtureFiles();
		files["dist/removed.js"] = "export const gone = 1;\n";
		files["dist/removed.js.map"] = "{}\n";
		files["dist/removed.d.ts"] = "export declare const gone = 1;\n";
		const result = await checkFixture(fixtureManifest(), files);
		expect(result.tarball).toEqual([
			"@txad/fixture tarball: dist/removed.js has no src/removed.ts: a stale build output? (delete dist/ and rebuild)",
		]);
	});

	it("fails a tarball that would ship test files", async ({ expect }) => {
		const manifest = fixtureManifest();
		manifest.files = ["dist", "src", "CHANGELOG.md"];
		const result = await checkFixture(manifest);
		expect(result.tarball).toEqual([
			'@txad/fixture tarball: contains src/index.test.ts (a test file); exclude it in "files"',
			'@txad/fixture tarball: contains src/index.testdata.ts (test data); exclude it in "files"',
		]);
	});
});
