/**
 * publint and @arethetypeswrong/cli over a packed tarball: what a registry consumer's tools
 * would trip over (bad `exports`, missing files, types that do not resolve).
 * @module
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const run = promisify(execFile);

/**
 * publint in strict mode (warnings are errors) on the tarball's contents. Suggestions are
 * returned too, so a clean run means nothing at all was reported.
 */
export async function publintProblems(name: string, tarball: string): Promise<string[]> {
	const data = await readFile(tarball);
	const arrayBuffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
	const { messages, pkg } = await publint({
		pack: { tarball: arrayBuffer },
		strict: true,
		level: "suggestion",
	});
	return messages.map(
		(message) =>
			`${name} publint ${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`,
	);
}

/** The attw binary from the pinned devDependency (never fetched at run time). */
function attwBin(): string {
	const require = createRequire(import.meta.url);
	const manifest = require.resolve("@arethetypeswrong/cli/package.json");
	const { bin } = require(manifest) as { bin: string | Record<string, string> };
	return path.join(path.dirname(manifest), typeof bin === "string" ? bin : (bin.attw ?? ""));
}

interface AttwProblem {
	kind: string;
	entrypoint?: string;
	resolutionKind?: string;
}

/**
 * `attw <tarball> --profile esm-only`: the package is ESM-only, so the node10 and
 * node16-from-CJS resolutions are out of scope; every other finding is a problem. DefinitelyTyped
 * lookups are off (they would query the public registry for @types of our private names).
 */
export async function attwProblems(name: string, tarball: string): Promise<string[]> {
	const args = [attwBin(), tarball, "--profile", "esm-only", "--no-definitely-typed", "--format", "json"];
	let stdout: string;
	try {
		({ stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }));
	} catch (error) {
		// attw exits 1 when it finds a problem; the JSON report is still on stdout.
		const out = (error as { stdout?: string }).stdout;
		if (!out) throw error;
		stdout = out;
	}
	const report = JSON.parse(stdout) as { analysis?: { problems?: AttwProblem[] } };
	const problems = report.analysis?.problems;
	if (!problems) return [`${name} attw: unexpected report shape: ${stdout.slice(0, 500)}`];
	const ignored = new Set(["node10", "node16-cjs"]);
	return problems
		.filter((p) => !p.resolutionKind || !ignored.has(p.resolutionKind))
		.map(
			(p) =>
				`${name} attw: ${p.kind} for "${p.entrypoint ?? "."}" (${p.resolutionKind ?? "all resolutions"})`,
		);
}
