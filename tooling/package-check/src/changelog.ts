/**
 * Proves `changeset version` writes each public package's CHANGELOG.md, without touching the
 * repository: the manifests, CHANGELOG.md files and pending changesets are copied into a
 * throwaway directory, versioned there, and the result is read back.
 * @module
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { WorkspacePackage } from "./workspace.ts";

const run = promisify(execFile);

/** What `changeset version` did to one package in the throwaway copy. */
export interface VersionedPackage {
	name: string;
	from: string;
	to: string;
	changelog: string;
}

/** The workspace globs of the root manifest, expanded one level (`packages/*` → packages/a …). */
function workspaceDirs(root: string): string[] {
	const { workspaces = [] } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
		workspaces?: string[];
	};
	return workspaces.flatMap((glob) => {
		if (!glob.endsWith("/*")) return [glob];
		const base = glob.slice(0, -2);
		return readdirSync(path.join(root, base), { withFileTypes: true })
			.filter((e) => e.isDirectory() && existsSync(path.join(root, base, e.name, "package.json")))
			.map((e) => `${base}/${e.name}`);
	});
}

/**
 * Runs `changeset version` on a copy and returns, for each public package with a pending
 * changeset, its new version and CHANGELOG.md. Problems name packages whose changelog did not
 * get an entry for the new version.
 */
export async function dryRunVersion(
	root: string,
	publicPackages: readonly WorkspacePackage[],
): Promise<{ versioned: VersionedPackage[]; problems: string[] }> {
	const copy = mkdtempSync(path.join(os.tmpdir(), "txad-changeset-"));
	try {
		return await versionCopy(root, copy, publicPackages);
	} finally {
		rmSync(copy, { recursive: true, force: true });
	}
}

async function versionCopy(
	root: string,
	copy: string,
	publicPackages: readonly WorkspacePackage[],
): Promise<{ versioned: VersionedPackage[]; problems: string[] }> {
	// The lockfile tells @manypkg that this is an npm workspace.
	for (const file of ["package.json", "package-lock.json"])
		cpSync(path.join(root, file), path.join(copy, file));
	cpSync(path.join(root, ".changeset"), path.join(copy, ".changeset"), { recursive: true });
	for (const dir of workspaceDirs(root)) {
		for (const file of ["package.json", "CHANGELOG.md"]) {
			const from = path.join(root, dir, file);
			if (existsSync(from)) cpSync(from, path.join(copy, dir, file));
		}
	}
	// The changelog generator named in .changeset/config.json is resolved from node_modules.
	symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir");
	const require = createRequire(path.join(root, "package.json"));
	const bin = path.join(path.dirname(require.resolve("@changesets/cli/package.json")), "bin.js");
	await run(process.execPath, [bin, "version"], { cwd: copy, env: { ...process.env, CI: "true" } });

	const versioned: VersionedPackage[] = [];
	const problems: string[] = [];
	for (const pkg of publicPackages) {
		const manifest = JSON.parse(readFileSync(path.join(copy, pkg.relativePath, "package.json"), "utf8")) as {
			version: string;
		};
		const from = pkg.manifest.version ?? "";
		if (manifest.version === from) continue; // no pending changeset for it
		const changelogFile = path.join(copy, pkg.relativePath, "CHANGELOG.md");
		const changelog = existsSync(changelogFile) ? readFileSync(changelogFile, "utf8") : "";
		if (
			!changelog.startsWith(`# ${pkg.manifest.name}\n`) ||
			!changelog.includes(`\n## ${manifest.version}\n`)
		) {
			problems.push(
				`${pkg.manifest.name}: \`changeset version\` bumped it to ${manifest.version} but its CHANGELOG.md has no "## ${manifest.version}" entry`,
			);
		}
		versioned.push({ name: pkg.manifest.name ?? pkg.dir, from, to: manifest.version, changelog });
	}
	return { versioned, problems };
}
