/**
 * Finds every workspace package under `packages/*` and says, in plain words, what a package
 * lacks to be published (or to stay internal). Nothing is configured per package: a new
 * directory is picked up on the next run and fails until it has the setup.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { apiDocsPage, INTERNAL_PACKAGES, SIZE_END, SIZE_START, SMOKE_FILE } from "./config.ts";

/** The subset of package.json the checker reads. */
export interface Manifest {
	name?: string;
	version?: string;
	description?: string;
	private?: boolean;
	type?: string;
	sideEffects?: unknown;
	exports?: unknown;
	files?: unknown;
	engines?: { node?: string };
	repository?: { type?: string; url?: string; directory?: string } | string;
	publishConfig?: { access?: string; registry?: string; [key: string]: unknown };
	scripts?: Record<string, string>;
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	devDependencies?: Record<string, string>;
}

/** One directory under `packages/`. */
export interface WorkspacePackage {
	/** Directory name, e.g. `signing`. */
	dir: string;
	/** Absolute path of the directory. */
	path: string;
	/** Path relative to the repository root, e.g. `packages/signing`. */
	relativePath: string;
	manifest: Manifest;
	/** `private: false` and not listed as internal: built, packed and checked. */
	isPublic: boolean;
}

/** What every package must agree with: the root manifest's repository. */
export interface WorkspaceContext {
	/** Absolute path of the repository root. */
	root: string;
	/** `repository.url` of the root package.json, which every package repeats. */
	repositoryUrl: string;
	/** Names of the internal (private) packages, which public ones must not depend on. */
	internalNames: ReadonlySet<string>;
	/** Names of every package under packages/*. */
	allNames: ReadonlySet<string>;
}

/** Reads and parses a JSON file. */
export function readJson<T>(file: string): T {
	return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** Every directory with a package.json under `<root>/packages`, sorted by name. */
export function discoverPackages(root: string, internal = INTERNAL_PACKAGES): WorkspacePackage[] {
	const base = path.join(root, "packages");
	return readdirSync(base, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && existsSync(path.join(base, entry.name, "package.json")))
		.map((entry) => entry.name)
		.sort()
		.map((dir) => {
			const manifest = readJson<Manifest>(path.join(base, dir, "package.json"));
			const isInternal = manifest.name !== undefined && manifest.name in internal;
			return {
				dir,
				path: path.join(base, dir),
				relativePath: `packages/${dir}`,
				manifest,
				isPublic: manifest.private === false && !isInternal,
			};
		});
}

/** The context every package is checked against. */
export function workspaceContext(root: string, packages: readonly WorkspacePackage[]): WorkspaceContext {
	const rootManifest = readJson<Manifest>(path.join(root, "package.json"));
	const repo = rootManifest.repository;
	const repositoryUrl = typeof repo === "object" && repo.url ? repo.url : "";
	return {
		root,
		repositoryUrl,
		internalNames: new Set(packages.filter((p) => !p.isPublic).map((p) => p.manifest.name ?? p.dir)),
		allNames: new Set(packages.map((p) => p.manifest.name ?? p.dir)),
	};
}

const CHECKLIST = "see the root README, “Adding a package”";

/**
 * Everything wrong with a package's setup, one sentence each, naming the field and the fix.
 * An empty list means the package can be packed and checked.
 */
export function setupProblems(
	pkg: WorkspacePackage,
	context: WorkspaceContext,
	internal = INTERNAL_PACKAGES,
): string[] {
	const m = pkg.manifest;
	const name = m.name ?? pkg.relativePath;
	if (m.name !== undefined && m.name in internal) {
		return m.private === true
			? []
			: [`${name} is listed as internal in tooling/package-check/src/config.ts but is not "private": true`];
	}
	if (m.private !== false) {
		return [
			`${name} (${pkg.relativePath}) is not publishable: package.json has ${
				m.private === true ? '"private": true' : 'no "private": false'
			}. Give it the library setup (${CHECKLIST}) or, if it must stay internal, list it in INTERNAL_PACKAGES in tooling/package-check/src/config.ts with the reason.`,
		];
	}

	const problems: string[] = [];
	const fail = (message: string) => problems.push(`${name}: ${message}`);

	if (!m.name?.startsWith("@txad/"))
		fail(`"name" must be scoped @txad/ (the restricted registry serves that scope)`);
	if (!m.version || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(m.version)) fail(`"version" must be a semver version`);
	if (!m.description) fail(`"description" is missing (it is what the registry shows)`);
	if (m.type !== "module") fail(`"type" must be "module" (ESM only)`);
	if (m.sideEffects !== false)
		fail(`"sideEffects" must be false so bundlers drop what a Worker does not import`);
	problems.push(...exportsProblems(name, m.exports));
	if (!Array.isArray(m.files) || !m.files.includes("dist") || !m.files.includes("CHANGELOG.md")) {
		fail(
			`"files" must list "dist" and "CHANGELOG.md" (and exclude tests: "!src/**/*.test.ts", "!src/**/*.testdata.ts")`,
		);
	}
	if (!m.engines?.node) fail(`"engines.node" is missing`);
	const repo = typeof m.repository === "object" ? m.repository : undefined;
	if (!context.repositoryUrl) {
		problems.push(`package.json at the repository root has no "repository.url" for packages to repeat`);
	} else if (
		repo?.type !== "git" ||
		repo.url !== context.repositoryUrl ||
		repo.directory !== pkg.relativePath
	) {
		fail(
			`"repository" must be { "type": "git", "url": "${context.repositoryUrl}", "directory": "${pkg.relativePath}" }`,
		);
	}
	if (m.publishConfig?.access !== "restricted") {
		fail(`"publishConfig.access" must be "restricted" (internal registry, never public)`);
	}
	if (m.publishConfig?.registry !== undefined) {
		fail(
			`"publishConfig.registry" must not be set: the registry comes from the publisher's .npmrc (@txad:registry=…)`,
		);
	}
	if (!m.scripts?.build) fail(`"scripts.build" is missing ("tsc -p tsconfig.build.json")`);
	if (!existsSync(path.join(pkg.path, "tsconfig.build.json"))) {
		fail(`tsconfig.build.json is missing ({ "extends": "@txad/tsconfig/build.json" })`);
	}
	for (const field of ["dependencies", "peerDependencies"] as const) {
		for (const [dep, range] of Object.entries(m[field] ?? {})) {
			if (context.internalNames.has(dep)) {
				fail(`${field} has ${dep}, which is internal and never published: a consumer could not install it`);
			} else if (context.allNames.has(dep) && !/^\^\d+\.\d+\.\d+$/.test(range)) {
				fail(
					`${field} has ${dep}@"${range}": use a caret range on its current version ("^x.y.z") so releases stay coherent`,
				);
			}
		}
	}
	problems.push(...filesProblems(pkg, name));
	return problems;
}

/** The conditional `exports` shape every package uses (jose / ky style, ESM only). */
function exportsProblems(name: string, exports: unknown): string[] {
	const expected = `"exports": { ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js", "default": "./dist/index.js" }, "./package.json": "./package.json" }`;
	if (typeof exports !== "object" || exports === null) return [`${name}: ${expected} is missing`];
	const problems: string[] = [];
	for (const [subpath, target] of Object.entries(exports)) {
		if (subpath === "./package.json") continue;
		if (typeof target !== "object" || target === null) {
			problems.push(
				`${name}: "exports"["${subpath}"] is a bare path (${JSON.stringify(target)}); it must be { "types", "import", "default" } pointing into dist/`,
			);
			continue;
		}
		const keys = Object.keys(target);
		const t = target as Record<string, unknown>;
		if (keys.join() !== "types,import,default") {
			problems.push(
				`${name}: "exports"["${subpath}"] must have exactly the conditions "types", "import", "default" in that order (has ${keys.join(", ")})`,
			);
		}
		if (typeof t.types !== "string" || !/^\.\/dist\/.+\.d\.ts$/.test(t.types)) {
			problems.push(`${name}: "exports"["${subpath}"].types must be a ./dist/….d.ts file`);
		}
		for (const condition of ["import", "default"]) {
			if (typeof t[condition] !== "string" || !/^\.\/dist\/.+\.js$/.test(t[condition] as string)) {
				problems.push(`${name}: "exports"["${subpath}"].${condition} must be a ./dist/….js file`);
			}
		}
	}
	if (!("." in exports)) problems.push(`${name}: "exports" has no "." entry`);
	if (!("./package.json" in exports)) problems.push(`${name}: "exports" must also export "./package.json"`);
	return problems;
}

/** The files next to package.json that publishing and the checks rely on. */
function filesProblems(pkg: WorkspacePackage, name: string): string[] {
	const problems: string[] = [];
	const readme = path.join(pkg.path, "README.md");
	if (!existsSync(path.join(pkg.path, "CHANGELOG.md"))) {
		problems.push(
			`${name}: CHANGELOG.md is missing (start it with the line "# ${name}"; changesets writes the entries)`,
		);
	}
	if (!existsSync(path.join(pkg.path, SMOKE_FILE))) {
		problems.push(
			`${name}: ${SMOKE_FILE} is missing: a plain-JS module whose default export calls one function of the package and throws on a wrong answer (run in Node and workerd against the tarball)`,
		);
	}
	if (!existsSync(readme)) {
		problems.push(`${name}: README.md is missing`);
		return problems;
	}
	const text = readFileSync(readme, "utf8");
	if (!/\]\((\.\/)?CHANGELOG\.md\)/.test(text))
		problems.push(`${name}: README.md must link to [CHANGELOG.md](CHANGELOG.md)`);
	const apiLink = `../../${apiDocsPage(name)}`;
	if (!text.includes(`](${apiLink})`))
		problems.push(`${name}: README.md must link to its API reference (${apiLink})`);
	if (!text.includes(SIZE_START) || !text.includes(SIZE_END)) {
		problems.push(
			`${name}: README.md needs a size section: the lines "${SIZE_START}" and "${SIZE_END}" (npm run size -- --write fills it)`,
		);
	}
	if (text.includes("private: true")) {
		problems.push(`${name}: README.md still says the package is private ("private: true")`);
	}
	return problems;
}
