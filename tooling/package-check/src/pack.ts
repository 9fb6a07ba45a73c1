/**
 * `npm pack` of built packages, and what must (not) be in each tarball.
 * @module
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

/** One packed tarball, as `npm pack --json` describes it. */
export interface PackedPackage {
	name: string;
	version: string;
	/** Absolute path of the .tgz. */
	tarball: string;
	/** Bytes of the .tgz (what the registry stores and npm downloads). */
	size: number;
	/** Bytes once unpacked. */
	unpackedSize: number;
	/** Paths inside the tarball, without the leading `package/`. */
	files: string[];
}

interface NpmPackEntry {
	name: string;
	version: string;
	filename: string;
	size: number;
	unpackedSize: number;
	files: { path: string }[];
}

/**
 * Packs each package directory into `destination`. Lifecycle scripts are skipped: the packages
 * are built by turbo before the check, and a pack must not rebuild behind its back.
 */
export function packPackages(packageDirs: readonly string[], destination: string): PackedPackage[] {
	return packageDirs.map((dir) => {
		const out = execFileSync(
			"npm",
			["pack", "--json", "--ignore-scripts", "--pack-destination", destination, "--loglevel", "error"],
			{ cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
		);
		const [entry] = JSON.parse(out) as NpmPackEntry[];
		if (!entry) throw new Error(`npm pack printed no package for ${dir}`);
		return {
			name: entry.name,
			version: entry.version,
			tarball: path.join(destination, entry.filename),
			size: entry.size,
			unpackedSize: entry.unpackedSize,
			files: entry.files.map((f) => f.path).sort(),
		};
	});
}

/** Files that must never ship: tests, golden data, build state. */
const FORBIDDEN = [
	{ pattern: /\.test\.[cm]?[jt]s$/, why: "a test file" },
	{ pattern: /\.testdata\.[cm]?[jt]s$/, why: "test data" },
	{ pattern: /\.tsbuildinfo$/, why: "tsc build state" },
	{
		pattern: /(^|\/)(tsconfig[^/]*\.json|vitest[^/]*\.config\.[jt]s|stryker\.config\.json)$/,
		why: "repo-only config",
	},
];

/** Every string an `exports` map points at. */
function exportTargets(exports: unknown): string[] {
	if (typeof exports === "string") return [exports];
	if (typeof exports !== "object" || exports === null) return [];
	return Object.values(exports).flatMap(exportTargets);
}

/**
 * What is wrong with a tarball's contents: a forbidden file, an export target that is not in
 * it, a compiled module without its declarations, source map or source, a missing
 * README/CHANGELOG.
 */
export function tarballProblems(packed: PackedPackage, exports: unknown): string[] {
	const files = new Set(packed.files);
	const problems: string[] = [];
	const fail = (message: string) => problems.push(`${packed.name} tarball: ${message}`);
	for (const file of packed.files) {
		const forbidden = FORBIDDEN.find((f) => f.pattern.test(file));
		if (forbidden) fail(`contains ${file} (${forbidden.why}); exclude it in "files"`);
	}
	for (const target of exportTargets(exports)) {
		const file = target.replace(/^\.\//, "");
		if (!files.has(file))
			fail(`"exports" points at ${target}, which is not in the tarball (built? listed in "files"?)`);
	}
	for (const file of packed.files) {
		if (!file.startsWith("dist/") || !file.endsWith(".js")) continue;
		const base = file.slice(0, -".js".length);
		for (const companion of [`${base}.d.ts`, `${file}.map`]) {
			if (!files.has(companion)) fail(`${file} ships without ${companion}`);
		}
		// tsc never deletes outputs, so a module whose source is gone would ship stale.
		const source = `src/${base.slice("dist/".length)}.ts`;
		if (!files.has(source))
			fail(`${file} has no ${source}: a stale build output? (delete dist/ and rebuild)`);
	}
	for (const required of ["package.json", "README.md", "CHANGELOG.md"]) {
		if (!files.has(required)) fail(`${required} is missing`);
	}
	return problems;
}
