/**
 * The snapshot layout's read-path figures, taken from where the audience work records them: the
 * output of `npm run bench:audience -w @txad/rta-responder` (a simulation of isolate memory →
 * Cache API → KV over Tencent-shaped traffic), as recorded in apps/rta-responder/README.md. The
 * cost model reads them there rather than keeping a copy that could drift.
 * @module
 */
import type { Layout } from "./model.ts";

/** Where the benchmark's output is recorded. */
export const RESPONDER_README = new URL("../../../apps/rta-responder/README.md", import.meta.url);

/** The benchmark lines the layout needs, as the benchmark prints them. */
const LINES = {
	kv: "kv reads per rta request",
	cache: "cache api reads per rta request",
} as const;

function figure(text: string, label: string): number | undefined {
	const m = new RegExp(`^\\s*${label}:\\s*([0-9]+(?:\\.[0-9]+)?(?:e-?[0-9]+)?)\\s*$`, "im").exec(text);
	return m === null ? undefined : Number(m[1]);
}

/**
 * The sharded-snapshot layout from the recorded benchmark output.
 * @param readme - the text of apps/rta-responder/README.md
 * @returns the layout, or why it cannot be had
 */
export function snapshotLayoutFrom(readme: string): Layout | { missing: string } {
	const kv = figure(readme, LINES.kv);
	const cache = figure(readme, LINES.cache);
	if (kv === undefined || cache === undefined) {
		return {
			missing: `apps/rta-responder/README.md records no "${kv === undefined ? LINES.kv : LINES.cache}: …" line of npm run bench:audience -w @txad/rta-responder`,
		};
	}
	return {
		name: "sharded snapshot",
		kvReadsPerRequest: kv,
		cacheApiReadsPerRequest: cache,
		source: `apps/rta-responder/README.md, npm run bench:audience: "${LINES.kv}: ${kv}", "${LINES.cache}: ${cache}"`,
	};
}
