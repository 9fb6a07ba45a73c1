/**
 * A consumer outside the workspace: a temporary directory that installs the packed tarballs
 * the way another team's repo would, then (1) imports each package in plain Node (no
 * TypeScript loader, type stripping off), (2) type-checks a TS consumer and the README examples
 * with `moduleResolution: bundler` and `nodenext`, (3) runs each package's smoke function in
 * workerd under `wrangler dev` on a free port, and (4) runs the README examples in Node.
 * @module
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { COMPATIBILITY_DATE } from "@txad/vitest-config/compatibility-date";
import type { PackedPackage } from "./pack.ts";
import {
	EXPECT_HELPER,
	EXPECT_HELPER_SOURCE,
	extractExamples,
	type ReadmeExample,
	toRunnable,
} from "./readme-examples.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** A package as the consumer sees it. */
export interface ConsumerPackage {
	packed: PackedPackage;
	/** Directory name under packages/ (used for file names). */
	dir: string;
	/** Absolute path of its smoke.mjs. */
	smokeFile: string;
	/** Absolute path of its README.md. */
	readmeFile: string;
}

/** The installed consumer directory. */
export interface Consumer {
	dir: string;
	packages: ConsumerPackage[];
}

/** Versions the consumer installs next to the tarballs, taken from the root manifest. */
export interface ConsumerVersions {
	/** @types/node for the nodenext type check; omitted, nothing but the tarballs is installed. */
	typesNode?: string;
}

async function exec(file: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
	try {
		return await run(file, args, { cwd, env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
	} catch (error) {
		const e = error as { stdout?: string; stderr?: string; message: string };
		throw new Error(
			`${[file, ...args].join(" ")} failed in ${cwd}\n${e.stdout ?? ""}${e.stderr ?? e.message}`,
		);
	}
}

/**
 * Creates the temporary consumer and installs the tarballs into it. Any `@txad/*` name the
 * tarballs do not provide would go to an unreachable registry and fail, never to a public one.
 */
export async function createConsumer(
	packages: ConsumerPackage[],
	versions: ConsumerVersions,
): Promise<Consumer> {
	const dir = mkdtempSync(path.join(os.tmpdir(), "txad-consumer-"));
	const dependencies: Record<string, string> = versions.typesNode
		? { "@types/node": versions.typesNode }
		: {};
	// Overrides point every dependent at the same tarball, so npm never asks a registry for @txad/*.
	const overrides: Record<string, string> = {};
	for (const p of packages) {
		dependencies[p.packed.name] = `file:${p.packed.tarball}`;
		overrides[p.packed.name] = `$${p.packed.name}`;
	}
	writeFileSync(
		path.join(dir, "package.json"),
		`${JSON.stringify({ name: "txad-consumer", private: true, type: "module", dependencies, overrides }, null, "\t")}\n`,
	);
	writeFileSync(
		path.join(dir, ".npmrc"),
		[
			"@txad:registry=http://127.0.0.1:9/",
			"fetch-retries=0",
			"audit=false",
			"fund=false",
			"update-notifier=false",
			"prefer-offline=true",
			"",
		].join("\n"),
	);
	await exec("npm", ["install", "--ignore-scripts", "--loglevel", "error"], dir);
	mkdirSync(path.join(dir, "smoke"));
	for (const p of packages) copyFileSync(p.smokeFile, path.join(dir, "smoke", `${p.dir}.mjs`));
	return { dir, packages };
}

/** Result of one package's smoke function. */
export interface SmokeResult {
	name: string;
	ok: boolean;
	/** What the function returned (ok) or the error (not ok). */
	detail: string;
}

const SMOKE_RUNNER = `// Imports one smoke module (and so its package) and prints what its default export returns.
const [file] = process.argv.slice(2);
try {
	const { default: smoke } = await import(file);
	console.log(JSON.stringify({ ok: true, detail: String(await smoke()) }));
} catch (error) {
	console.log(JSON.stringify({ ok: false, detail: String(error?.stack ?? error) }));
}
`;

/** (1) Each package imported by plain Node: no loader, type stripping disabled. */
export async function runNodeSmoke(consumer: Consumer): Promise<SmokeResult[]> {
	writeFileSync(path.join(consumer.dir, "smoke", "run-node.mjs"), SMOKE_RUNNER);
	const results: SmokeResult[] = [];
	for (const p of consumer.packages) {
		const { stdout } = await exec(
			process.execPath,
			["--no-experimental-strip-types", "smoke/run-node.mjs", `./${p.dir}.mjs`],
			consumer.dir,
		);
		const parsed = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { ok: boolean; detail: string };
		results.push({ name: p.packed.name, ...parsed });
	}
	return results;
}

/** README examples of every package, as written into the consumer. */
export interface WrittenExample {
	name: string;
	example: ReadmeExample;
	/** Path relative to the consumer dir of the compiled form. */
	compileFile: string;
	/** Path relative to the consumer dir of the runnable form (run mode only). */
	runFile?: string;
	/** README path for messages. */
	readme: string;
}

/** Writes the TS consumer (a namespace import of each package) and every README example. */
export function writeTypeScriptConsumer(consumer: Consumer, repoRoot: string): WrittenExample[] {
	const imports = consumer.packages.map((p, i) => `import * as package${i} from "${p.packed.name}";`);
	const names = consumer.packages.map((_, i) => `package${i}`);
	writeFileSync(
		path.join(consumer.dir, "consumer.ts"),
		`${imports.join("\n")}\n\n// Every export of every package, seen through the published declarations.\nexport const packages = [${names.join(", ")}] as const;\n`,
	);
	mkdirSync(path.join(consumer.dir, "readme"));
	writeFileSync(path.join(consumer.dir, "readme", "expect.mjs"), EXPECT_HELPER_SOURCE);
	const written: WrittenExample[] = [];
	for (const p of consumer.packages) {
		const readme = path.relative(repoRoot, p.readmeFile);
		extractExamples(readFileSync(p.readmeFile, "utf8"), readme).forEach((example, i) => {
			const base = `readme/${p.dir}-${i + 1}`;
			const compileFile = `${base}.ts`;
			writeFileSync(
				path.join(consumer.dir, compileFile),
				`${example.prelude}\n${example.code}\nexport {};\n`,
			);
			const entry: WrittenExample = { name: p.packed.name, example, compileFile, readme };
			if (example.mode === "run") {
				entry.runFile = `${base}.run.ts`;
				writeFileSync(
					path.join(consumer.dir, entry.runFile),
					`import { ${EXPECT_HELPER} } from "./expect.mjs";\n${toRunnable(example, readme)}\nexport {};\n`,
				);
			}
			written.push(entry);
		});
	}
	const strict = {
		strict: true,
		noEmit: true,
		skipLibCheck: false,
		target: "ES2022",
		isolatedModules: true,
		verbatimModuleSyntax: true,
		noUncheckedIndexedAccess: true,
		exactOptionalPropertyTypes: true,
	};
	const include = ["consumer.ts", "readme/*.ts"];
	const exclude = ["readme/*.run.ts"];
	const configs = {
		// A Worker or browser bundle: bundler resolution, DOM globals, no Node types.
		"tsconfig.bundler.json": {
			module: "preserve",
			moduleResolution: "bundler",
			lib: ["ES2022", "DOM"],
			types: [],
		},
		// A plain Node service: nodenext resolution, @types/node, no DOM lib.
		"tsconfig.nodenext.json": {
			module: "nodenext",
			moduleResolution: "nodenext",
			lib: ["ES2022"],
			types: ["node"],
		},
	};
	for (const [file, options] of Object.entries(configs)) {
		writeFileSync(
			path.join(consumer.dir, file),
			`${JSON.stringify({ compilerOptions: { ...strict, ...options }, include, exclude }, null, "\t")}\n`,
		);
	}
	return written;
}

/** (2) tsc over the TS consumer and README examples, once per resolution mode. */
export async function typeCheckConsumer(consumer: Consumer): Promise<{ config: string; errors: string }[]> {
	const tsc = require.resolve("typescript/bin/tsc");
	const results = [];
	for (const config of ["tsconfig.bundler.json", "tsconfig.nodenext.json"]) {
		try {
			await run(process.execPath, [tsc, "-p", config], { cwd: consumer.dir, maxBuffer: 64 * 1024 * 1024 });
			results.push({ config, errors: "" });
		} catch (error) {
			const e = error as { stdout?: string; stderr?: string; message: string };
			results.push({ config, errors: `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message });
		}
	}
	return results;
}

/** (4) Each runnable README example in Node (type stripping), with its `// =>` assertions. */
export async function runReadmeExamples(consumer: Consumer, written: WrittenExample[]): Promise<string[]> {
	const problems: string[] = [];
	for (const w of written) {
		if (!w.runFile) continue;
		try {
			await run(process.execPath, ["--disable-warning=ExperimentalWarning", w.runFile], {
				cwd: consumer.dir,
				timeout: 30_000,
			});
		} catch (error) {
			const e = error as { stderr?: string; message: string };
			problems.push(`${w.readme}:${w.example.line}: the example failed when run:\n${e.stderr || e.message}`);
		}
	}
	return problems;
}

/** A TCP port the OS says is free right now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() =>
				typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
			);
		});
	});
}

function workerSource(packages: ConsumerPackage[]): string {
	const entries = packages.map(
		(p) => `\t[${JSON.stringify(p.packed.name)}, () => import("./smoke/${p.dir}.mjs")],`,
	);
	return `// One smoke function per package, each run in workerd; a failing one does not hide the others.
const SMOKES = [
${entries.join("\n")}
];

export default {
	async fetch() {
		const results = [];
		for (const [name, load] of SMOKES) {
			try {
				const { default: smoke } = await load();
				results.push({ name, ok: true, detail: String(await smoke()) });
			} catch (error) {
				results.push({ name, ok: false, detail: String(error?.stack ?? error) });
			}
		}
		return Response.json(results);
	},
};
`;
}

function stop(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.pid === undefined) return resolve();
		child.once("exit", () => resolve());
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {
			resolve();
		}
		setTimeout(() => {
			try {
				if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
			} catch {
				// already gone
			}
		}, 5_000).unref();
	});
}

/**
 * (3) Every smoke function inside workerd: a tiny Worker (no `nodejs_compat`) bundled by
 * wrangler from the installed tarballs and served by `wrangler dev` on free ports.
 */
export async function runWorkerdSmoke(consumer: Consumer): Promise<SmokeResult[]> {
	writeFileSync(path.join(consumer.dir, "worker.mjs"), workerSource(consumer.packages));
	writeFileSync(
		path.join(consumer.dir, "wrangler.jsonc"),
		`${JSON.stringify({ name: "txad-consumer", main: "worker.mjs", compatibility_date: COMPATIBILITY_DATE }, null, "\t")}\n`,
	);
	const wrangler = path.join(path.dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
	const [port, inspectorPort] = [await freePort(), await freePort()];
	let output = "";
	const child = spawn(
		process.execPath,
		[wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)],
		{
			cwd: consumer.dir,
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
			env: {
				...process.env,
				CLOUDFLARE_CF_FETCH_ENABLED: "false",
				WRANGLER_SEND_METRICS: "false",
				CI: "true",
			},
		},
	);
	child.stdout?.on("data", (chunk) => {
		output += chunk;
	});
	child.stderr?.on("data", (chunk) => {
		output += chunk;
	});
	try {
		const deadline = Date.now() + 90_000;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
			// A failed bundle leaves wrangler dev waiting for edits: that is the answer already.
			if (/Build failed/.test(output))
				throw new Error(`wrangler could not bundle the consumer Worker:\n${output}`);
			try {
				const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
				if (response.ok) return (await response.json()) as SmokeResult[];
				throw new Error(
					`the consumer Worker answered ${response.status}: ${await response.text()}\n${output}`,
				);
			} catch (error) {
				if (error instanceof Error && error.message.startsWith("the consumer Worker")) throw error;
				await new Promise((r) => setTimeout(r, 250));
			}
		}
		throw new Error(`wrangler dev did not answer on port ${port} within 90 s:\n${output}`);
	} finally {
		await stop(child);
	}
}
