/**
 * `txad audience build`: device-id files → a sharded, versioned audience snapshot
 * (@txad/audience format) in a directory, ready for `txad audience publish`. Streams the inputs,
 * hashes and checks every id, unites the segments of ids listed more than once, and reports what
 * it dropped and why.
 * @module
 */
import { resolve } from "node:path";
import { DEFAULT_TARGET_SHARD_BYTES, isAudienceError, SnapshotBuilder } from "@txad/audience";
import { type Command, numberFlag, optionalString, parseFlags } from "../args.ts";
import { CliError, EXIT_OK } from "../errors.ts";
import {
	AUDIENCE_INPUT_FLAGS,
	AUDIENCE_INPUT_HELP,
	audienceStatsJson,
	formatAudienceStats,
	parseInputs,
	readAudienceInputs,
} from "../lib/audience-input.ts";
import { createProgress } from "../lib/progress.ts";
import { writeSnapshotDir } from "../lib/snapshot-dir.ts";

const HELP = `txad audience build — turn device-id files into an audience snapshot for the responder

Usage: txad audience build FILE[=SEGMENTS]... --out DIR [--segments NAMES] [flags]

  --out DIR               write DIR/shards.bin and DIR/manifest.json (publish with
                          txad audience publish DIR)
  --target-shard-kib N    mean shard size to aim for (default ${DEFAULT_TARGET_SHARD_BYTES / 1024}); the shard count is
                          the smallest power of two that keeps shards at or below it
  --dry-run               build in memory and report, write nothing (no --out needed)
  --json                  print the summary as JSON on stdout (progress stays on stderr)
${AUDIENCE_INPUT_HELP}

An id listed more than once (in one file or several) gets the union of its segments; a segment
listed with two ends keeps the later one. Memory: about 28 bytes per id while sorting
(10^8 ids ≈ 3 GB).
`;

/** `txad audience build`. */
export const audienceBuild: Command = {
	name: "audience build",
	summary: "device-id files → a sharded audience snapshot (shards + manifest) for audience publish",
	help: HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags(
			"audience build",
			argv,
			{
				...AUDIENCE_INPUT_FLAGS,
				out: { type: "string" },
				"target-shard-kib": { type: "string" },
				"dry-run": { type: "boolean" },
				json: { type: "boolean" },
			},
			true,
		);
		const dryRun = values["dry-run"] === true;
		const out = optionalString(values, "out");
		if (!dryRun && (out === undefined || out.trim() === ""))
			throw new CliError("USAGE", "--out is required (or --dry-run)", { field: "--out" });
		const targetKib = numberFlag(values, "target-shard-kib", DEFAULT_TARGET_SHARD_BYTES / 1024, {
			min: 1,
			max: 60,
			integer: true,
		});
		const inputs = parseInputs(positionals, io.cwd);
		const started = performance.now();
		const builder = new SnapshotBuilder({ targetShardBytes: targetKib * 1024 });
		const setBySpec = new Map<string, number>();
		let sets = 0;
		const stats = await readAudienceInputs(inputs, values, io, (id) => {
			let set = setBySpec.get(id.spec);
			if (set === undefined) {
				set = builder.dictionary.intern(id.entries);
				setBySpec.set(id.spec, set);
				if (++sets > 1_000_000) setBySpec.clear(); // bounded: interning is idempotent
			}
			builder.add(id.type, id.value, set);
		});
		const progress = createProgress(io, {
			quiet: values.quiet === true,
			intervalMs: io.errIsTty ? 150 : 10_000,
		});
		let built: ReturnType<SnapshotBuilder["finish"]>;
		try {
			built = builder.finish({ onSortProgress: (d, t) => progress.update(`sorting shards ${d}/${t}`) });
		} catch (cause) {
			if (isAudienceError(cause)) throw new CliError("INPUT", cause.message, { cause });
			throw cause;
		}
		const dir = out === undefined ? undefined : resolve(io.cwd, out);
		let manifest: ReturnType<typeof built.manifest>;
		if (dir === undefined || dryRun) {
			for (const _ of built.shards()) {
				// encode only, for the sizes
			}
			manifest = built.manifest();
		} else {
			manifest = await writeSnapshotDir(dir, built, (d, t) => progress.update(`writing shards ${d}/${t}`));
		}
		progress.done(`done: ${built.records} records in ${built.shardCount} shards`);
		const seconds = (performance.now() - started) / 1000;
		const s = manifest.stats;
		const perRecord = built.records === 0 ? 0 : (s?.bytes ?? 0) / built.records;
		const written = dir !== undefined && !dryRun;
		if (values.json === true) {
			io.out(
				`${JSON.stringify(
					{
						...audienceStatsJson(stats),
						snapshot_id: built.snapshotId,
						out: written ? dir : null,
						dry_run: dryRun,
						records: built.records,
						duplicates: built.duplicates,
						shard_count: built.shardCount,
						shard_bits: built.shardBits,
						shard_bytes_p50: s?.shard_bytes_p50 ?? 0,
						shard_bytes_max: s?.shard_bytes_max ?? 0,
						bytes_per_record: perRecord,
						segments: manifest.segments.length,
						sets: manifest.sets.length,
						seconds,
						peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
					},
					null,
					2,
				)}\n`,
			);
			return EXIT_OK;
		}
		io.out(formatAudienceStats(stats, "ids added to the snapshot"));
		io.out(
			[
				`records       ${built.records} distinct ids (${built.duplicates} listed more than once, segments united)`,
				`snapshot      ${built.snapshotId}${dir === undefined || dryRun ? " (dry run, nothing written)" : ` → ${out}/ (manifest.json, shards.bin)`}`,
				`shards        ${built.shardCount} (2^${built.shardBits}), p50 ${s?.shard_bytes_p50} B, max ${s?.shard_bytes_max} B, ${perRecord.toFixed(2)} bytes per record`,
				`segments      ${manifest.segments.length} names in ${manifest.sets.length} sets`,
				`built in      ${seconds.toFixed(1)} s (${stats.ids === 0 ? "0" : ((seconds * 1e6) / stats.ids).toFixed(2)} s per 1M ids), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
				...(dir === undefined || dryRun
					? []
					: [
							`next: txad audience publish ${out} --local   (where the responder's wrangler.jsonc is, or add --config)`,
						]),
				"",
			].join("\n"),
		);
		return EXIT_OK;
	},
};
