/**
 * `npm run check:packages` (and `npm run size`, `npm run docs:api`): every public package under
 * packages/* checked as a published library. Run from the repository root after the packages
 * are built (the npm scripts build them through turbo first).
 *
 *   check              setup → pack → publint + attw → consumer (Node, tsc ×2, workerd, README
 *                      examples) → sizes → `changeset version` dry run
 *   size [--write]     pack → consumer → sizes; --write puts the tables into the READMEs
 *   docs               regenerate docs/api with typedoc
 *
 * Add `--keep` to leave the temporary directories for inspection.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApiDocs } from "./api-docs.ts";
import { dryRunVersion } from "./changelog.ts";
import { SIZE_IMPORTS, SMOKE_FILE } from "./config.ts";
import {
	type Consumer,
	type ConsumerPackage,
	createConsumer,
	runNodeSmoke,
	runReadmeExamples,
	runWorkerdSmoke,
	typeCheckConsumer,
	writeTypeScriptConsumer,
} from "./consumer.ts";
import { attwProblems, publintProblems } from "./lint.ts";
import { type PackedPackage, packPackages, tarballProblems } from "./pack.ts";
import { measurePackage, type PackageSizes, readmeSizeIsCurrent, sizeTable, writeSizeTable } from "./size.ts";
import {
	discoverPackages,
	type Manifest,
	readJson,
	setupProblems,
	type WorkspacePackage,
	workspaceContext,
} from "./workspace.ts";

const root = process.cwd();
const [command = "check", ...flags] = process.argv.slice(2);
const keep = flags.includes("--keep");
const temporary: string[] = [];
const started = Date.now();

function step(title: string): void {
	console.log(`\n▸ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function report(problems: readonly string[]): void {
	for (const problem of problems) console.error(`  ✗ ${problem}`);
}

/** Public packages, or the process exits listing every package that lacks the setup. */
function publicPackages(): WorkspacePackage[] {
	const packages = discoverPackages(root);
	const context = workspaceContext(root, packages);
	const problems = packages.flatMap((p) => setupProblems(p, context));
	const publics = packages.filter((p) => p.isPublic);
	for (const p of packages)
		console.log(`  ${p.isPublic ? "public  " : "internal"} ${p.manifest.name} (${p.relativePath})`);
	if (problems.length > 0) {
		report(problems);
		console.error(`\n${problems.length} setup problem(s): fix them before the packages can be packed.`);
		process.exit(1);
	}
	return publics;
}

function pack(publics: readonly WorkspacePackage[]): PackedPackage[] {
	const destination = mkdtempSync(path.join(os.tmpdir(), "txad-tarballs-"));
	temporary.push(destination);
	const packed = packPackages(
		publics.map((p) => p.path),
		destination,
	);
	for (const p of packed)
		console.log(`  ${path.basename(p.tarball)}  ${p.size} B packed, ${p.files.length} files`);
	return packed;
}

async function install(
	publics: readonly WorkspacePackage[],
	packed: readonly PackedPackage[],
): Promise<Consumer> {
	const rootManifest = readJson<Manifest>(path.join(root, "package.json"));
	const packages: ConsumerPackage[] = publics.map((p, i) => ({
		packed: packed[i] as PackedPackage,
		dir: p.dir,
		smokeFile: path.join(p.path, SMOKE_FILE),
		readmeFile: path.join(p.path, "README.md"),
	}));
	const consumer = await createConsumer(packages, {
		typesNode: rootManifest.devDependencies?.["@types/node"] ?? "22",
	});
	temporary.push(consumer.dir);
	console.log(`  installed ${packed.length} tarballs into ${consumer.dir}`);
	return consumer;
}

async function sizes(consumer: Consumer): Promise<{ all: PackageSizes[]; problems: string[] }> {
	const all: PackageSizes[] = [];
	const problems: string[] = [];
	for (const p of consumer.packages) {
		const measured = await measurePackage(
			p.packed.name,
			p.packed,
			SIZE_IMPORTS[p.packed.name] ?? [],
			consumer.dir,
		);
		all.push(measured.sizes);
		problems.push(...measured.problems);
		console.log(`\n${sizeTable(measured.sizes)}`);
	}
	return { all, problems };
}

/** Runs one stage; an exception becomes a problem so the later stages still report. */
async function guarded(problems: string[], what: string, stage: () => Promise<void>): Promise<void> {
	try {
		await stage();
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		console.error(`  ✗ ${what}: ${message.split("\n")[0]}`);
		problems.push(`${what}: ${message}`);
	}
}

/** The first line of a failure, for the progress log (the summary has all of it). */
const firstLine = (text: string) => text.split("\n")[0] ?? "";

async function check(): Promise<string[]> {
	step("setup of every package under packages/*");
	const publics = publicPackages();

	step("npm pack");
	const packed = pack(publics);
	const problems = packed.flatMap((p, i) => tarballProblems(p, publics[i]?.manifest.exports));

	step("publint (strict) and attw --profile esm-only on every tarball");
	const lint = await Promise.all(
		packed.map(async (p) => [
			...(await publintProblems(p.name, p.tarball)),
			...(await attwProblems(p.name, p.tarball)),
		]),
	);
	problems.push(...lint.flat());
	report(problems);

	step("consumer outside the workspace: npm install of the tarballs");
	const consumer = await install(publics, packed);

	step("(1) plain Node imports each package (no TypeScript)");
	await guarded(problems, "plain Node", async () => {
		for (const r of await runNodeSmoke(consumer)) {
			console.log(`  ${r.ok ? "✓" : "✗"} ${r.name}: ${r.ok ? r.detail : firstLine(r.detail)}`);
			if (!r.ok) problems.push(`${r.name}: plain Node import/smoke failed: ${r.detail}`);
		}
	});

	step("(2) tsc: TS consumer + README examples, moduleResolution bundler and nodenext");
	const written = writeTypeScriptConsumer(consumer, root);
	await guarded(problems, "tsc", async () => {
		for (const r of await typeCheckConsumer(consumer)) {
			console.log(`  ${r.errors ? "✗" : "✓"} ${r.config} (${written.length} README examples)`);
			if (r.errors) problems.push(`tsc -p ${r.config} in the consumer failed:\n${r.errors}`);
		}
	});

	step("(3) workerd: one function of each package in a Worker under wrangler dev");
	await guarded(problems, "workerd", async () => {
		for (const r of await runWorkerdSmoke(consumer)) {
			console.log(`  ${r.ok ? "✓" : "✗"} ${r.name}: ${r.ok ? r.detail : firstLine(r.detail)}`);
			if (!r.ok) problems.push(`${r.name}: smoke function failed in workerd: ${r.detail}`);
		}
	});

	step("(4) README examples run in Node");
	await guarded(problems, "README examples", async () => {
		const examples = await runReadmeExamples(consumer, written);
		const ran = written.filter((w) => w.runFile).length;
		console.log(
			`  ${ran - examples.length}/${ran} runnable examples passed (${written.length - ran} compile-only)`,
		);
		problems.push(...examples);
	});

	step("sizes: tarballs and what a Worker pays (esbuild, minified + gzip)");
	await guarded(problems, "sizes", async () => {
		const measured = await sizes(consumer);
		problems.push(...measured.problems);
		const stale = measured.all.filter(
			(s, i) => !readmeSizeIsCurrent(consumer.packages[i]?.readmeFile ?? "", s),
		);
		if (stale.length > 0) {
			console.log(
				`\n  note: the size table in the README of ${stale.map((s) => s.name).join(", ")} is off by more than 5 %; run \`npm run size -- --write\``,
			);
		}
	});

	step("changeset version (dry run on a copy): every bumped package gets its CHANGELOG.md entry");
	await guarded(problems, "changeset version", async () => {
		const versions = await dryRunVersion(root, publics);
		for (const v of versions.versioned) console.log(`  ${v.name} ${v.from} → ${v.to}: CHANGELOG.md written`);
		if (versions.versioned.length === 0) console.log("  no pending changesets for public packages");
		problems.push(...versions.problems);
	});
	return problems;
}

async function size(write: boolean): Promise<string[]> {
	const publics = publicPackages();
	const packed = pack(publics);
	const consumer = await install(publics, packed);
	const measured = await sizes(consumer);
	if (write) {
		for (const [i, s] of measured.all.entries()) {
			const readme = consumer.packages[i]?.readmeFile ?? "";
			if (!writeSizeTable(readme, s))
				measured.problems.push(`${path.relative(root, readme)} has no size markers`);
			else console.log(`  wrote ${path.relative(root, readme)}`);
		}
	}
	return measured.problems;
}

async function main(): Promise<number> {
	let problems: string[];
	if (command === "check") problems = await check();
	else if (command === "size") problems = await size(flags.includes("--write"));
	else if (command === "docs") {
		const publics = discoverPackages(root).filter((p) => p.isPublic);
		await generateApiDocs(
			root,
			publics.map((p) => p.path),
		);
		console.log(`docs/api written for ${publics.map((p) => p.manifest.name).join(", ")}`);
		problems = [];
	} else {
		console.error(`unknown command "${command}" (check | size [--write] | docs)`);
		return 2;
	}
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (problems.length > 0) {
		console.error(`\n${problems.length} problem(s), ${seconds} s:`);
		report(problems);
		return 1;
	}
	console.log(`\npackages OK (${seconds} s)`);
	return 0;
}

try {
	process.exitCode = await main();
} finally {
	if (!keep) for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
	else if (temporary.length > 0) console.log(`kept: ${temporary.join(" ")}`);
}
