/**
 * What a Worker pays for a package: esbuild bundles (wrangler's conditions, minified) of tiny
 * Workers that import the whole package, one named export, or an export they never use, from
 * the installed tarballs; sizes are minified bytes and gzip bytes. The unused-import Worker must
 * come out identical to an empty one: that is `sideEffects: false` and tree shaking at work.
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { SIZE_END, SIZE_START } from "./config.ts";

/** Sizes of one bundled Worker. */
export interface BundleSize {
	minified: number;
	gzip: number;
}

/** Every size recorded for a package. */
export interface PackageSizes {
	name: string;
	packed: number;
	unpacked: number;
	whole: BundleSize;
	named: { exportName: string; size: BundleSize }[];
}

/** Bundles a Worker module the way wrangler does (workerd conditions, ESM) and measures it. */
export async function bundleWorker(
	source: string,
	resolveDir: string,
): Promise<{ code: string; size: BundleSize }> {
	const result = await build({
		stdin: { contents: source, resolveDir, sourcefile: "worker.mjs", loader: "js" },
		bundle: true,
		format: "esm",
		platform: "neutral",
		conditions: ["workerd", "worker", "browser"],
		mainFields: ["module", "main"],
		target: "es2022",
		minify: true,
		write: false,
		logLevel: "silent",
	});
	const code = result.outputFiles[0]?.text ?? "";
	return { code, size: { minified: Buffer.byteLength(code), gzip: gzipSync(code).length } };
}

const EMPTY_WORKER = `export default { fetch() { return new Response("ok"); } };`;

/** A Worker that uses `expression` (so the bundler must keep what it needs). */
const workerUsing = (importLine: string, expression: string) =>
	`${importLine}\nexport default { fetch() { return new Response(String(${expression})); } };`;

/**
 * Measures one package (already installed under `resolveDir`) and returns its sizes plus what
 * is wrong with its tree shaking.
 */
export async function measurePackage(
	name: string,
	packed: { size: number; unpackedSize: number },
	exportNames: readonly string[],
	resolveDir: string,
): Promise<{ sizes: PackageSizes; problems: string[] }> {
	const problems: string[] = [];
	const empty = await bundleWorker(EMPTY_WORKER, resolveDir);
	const whole = await bundleWorker(
		workerUsing(`import * as all from "${name}";`, "Object.keys(all).length"),
		resolveDir,
	);
	const named = [];
	for (const exportName of exportNames) {
		const used = await bundleWorker(
			workerUsing(`import { ${exportName} } from "${name}";`, exportName),
			resolveDir,
		);
		const unused = await bundleWorker(
			`import { ${exportName} } from "${name}";\n${EMPTY_WORKER}`,
			resolveDir,
		);
		if (unused.code !== empty.code) {
			problems.push(
				`${name}: a Worker that imports ${exportName} without using it bundles ${unused.size.minified - empty.size.minified} extra bytes: something at module top level is not tree-shakable (or sideEffects is not false)`,
			);
		}
		if (used.size.minified >= whole.size.minified && exportNames.length > 0 && whole.size.minified > 0) {
			problems.push(
				`${name}: importing only ${exportName} costs as much as the whole package (${used.size.minified} ≥ ${whole.size.minified} bytes): tree shaking is not working`,
			);
		}
		named.push({ exportName, size: used.size });
	}
	return {
		sizes: { name, packed: packed.size, unpacked: packed.unpackedSize, whole: whole.size, named },
		problems,
	};
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** The Markdown table a package README shows between its size markers. */
export function sizeTable(sizes: PackageSizes): string {
	const rows = [
		["tarball (`npm pack`)", `${kb(sizes.packed)} packed, ${kb(sizes.unpacked)} unpacked`],
		[
			`Worker importing all of \`${sizes.name}\``,
			`${kb(sizes.whole.minified)} min, ${kb(sizes.whole.gzip)} min+gzip`,
		],
		...sizes.named.map(({ exportName, size }) => [
			`Worker importing only \`${exportName}\``,
			`${kb(size.minified)} min, ${kb(size.gzip)} min+gzip`,
		]),
	];
	const width = [
		Math.max(4, ...rows.map((r) => r[0]?.length ?? 0)),
		Math.max(4, ...rows.map((r) => r[1]?.length ?? 0)),
	];
	const line = (a: string, b: string) => `| ${a.padEnd(width[0] ?? 0)} | ${b.padEnd(width[1] ?? 0)} |`;
	return [
		line("what", "size"),
		`| ${"-".repeat(width[0] ?? 0)} | ${"-".repeat(width[1] ?? 0)} |`,
		...rows.map(([a, b]) => line(a ?? "", b ?? "")),
	].join("\n");
}

/** Replaces the size table between the markers of a README; false if the markers are missing. */
export function writeSizeTable(readmeFile: string, sizes: PackageSizes): boolean {
	const text = readFileSync(readmeFile, "utf8");
	const start = text.indexOf(SIZE_START);
	const end = text.indexOf(SIZE_END);
	if (start < 0 || end < start) return false;
	const next = `${text.slice(0, start + SIZE_START.length)}\n\n${sizeTable(sizes)}\n\n${text.slice(end)}`;
	if (next !== text) writeFileSync(readmeFile, next);
	return true;
}

/** Every "N kB" figure of a size table, in order. */
function figures(text: string): number[] {
	return [...text.matchAll(/([\d.]+) kB/g)].map((m) => Number(m[1]));
}

/**
 * Whether the README's recorded table still matches the measurement within 5 %. Exact equality
 * cannot hold: the table is part of the README, which is part of the tarball it measures.
 */
export function readmeSizeIsCurrent(readmeFile: string, sizes: PackageSizes): boolean {
	const text = readFileSync(readmeFile, "utf8");
	const start = text.indexOf(SIZE_START);
	const end = text.indexOf(SIZE_END);
	if (start < 0 || end < start) return false;
	const recorded = figures(text.slice(start, end));
	const measured = figures(sizeTable(sizes));
	return (
		recorded.length === measured.length &&
		recorded.every((value, i) => Math.abs(value - (measured[i] ?? 0)) <= Math.max(0.1, 0.05 * value))
	);
}
