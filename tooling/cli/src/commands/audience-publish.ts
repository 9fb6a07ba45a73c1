/**
 * `txad audience publish`: a snapshot built by `txad audience build` → Workers KV, local (the
 * state `npm start` / `wrangler dev` use) or on Cloudflare, through wrangler's bulk KV commands.
 * Shards first, manifest last; deltas folded in; old snapshots deleted after a grace period.
 * @module
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, numberFlag, optionalString, parseFlags } from "../args.ts";
import { CliError, EXIT_OK } from "../errors.ts";
import { WranglerKv } from "../lib/kv-target.ts";
import { createProgress } from "../lib/progress.ts";
import { publishSnapshot } from "../lib/publish.ts";
import { SnapshotDir } from "../lib/snapshot-dir.ts";

const HELP = `txad audience publish — put a built audience snapshot into Workers KV and switch to it

Usage: txad audience publish DIR (--local | --remote) [flags]

  --local                  the local KV of wrangler dev (what npm start serves)
  --remote                 the Cloudflare namespace (needs wrangler login or CLOUDFLARE_API_TOKEN)
  --config PATH            the responder's wrangler config (default: wrangler.jsonc here)
  --binding NAME           KV binding in that config (default RTA_KV, the responder's)
  --env NAME               the config's environment (staging, production: docs/deploy.md), whose
                           namespace the binding names
  --namespace-id ID        a namespace id instead of a binding
  --persist-to DIR         local state directory (wrangler's --persist-to; default .wrangler/state
                           next to the config)
  --grace-hours N          keep a replaced snapshot and the deltas it needs this long (default 1,
                           at least 0.17 = 10 min: isolates switch within about a minute)
  --delta-settle-seconds N fold only deltas older than this (default 300); younger ones stay
                           active on top of the new snapshot
  --no-fold                fold no deltas: every delta stays active
  --force                  write even if this snapshot is already the current one
  --dry-run                verify and report what would happen, write nothing
  --quiet                  no progress
  --json                   print the result as JSON on stdout (progress stays on stderr)

Order: every shard is checked against the manifest's checksums, written under
audience:shard:<snapshot id>:<index>, then expired snapshots and folded deltas are deleted, and
the manifest is written last to audience:manifest — the switch. A publish that fails part-way
changes nothing readers see; run it again.
`;

/** `txad audience publish`. */
export const audiencePublish: Command = {
	name: "audience publish",
	summary: "a built snapshot → Workers KV (local or remote), shards first, manifest last",
	help: HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags(
			"audience publish",
			argv,
			{
				local: { type: "boolean" },
				remote: { type: "boolean" },
				config: { type: "string" },
				binding: { type: "string" },
				"namespace-id": { type: "string" },
				"persist-to": { type: "string" },
				"grace-hours": { type: "string" },
				"delta-settle-seconds": { type: "string" },
				"no-fold": { type: "boolean" },
				force: { type: "boolean" },
				"dry-run": { type: "boolean" },
				quiet: { type: "boolean" },
				env: { type: "string" },
				json: { type: "boolean" },
			},
			true,
		);
		if (positionals.length !== 1)
			throw new CliError("USAGE", "give exactly one snapshot directory (txad audience build --out DIR)");
		const local = values.local === true;
		const remote = values.remote === true;
		if (local === remote) throw new CliError("USAGE", "give --local or --remote", { field: "--local" });
		const binding = optionalString(values, "binding");
		const namespaceId = optionalString(values, "namespace-id");
		if (binding !== undefined && namespaceId !== undefined)
			throw new CliError("USAGE", "give --binding or --namespace-id, not both", { field: "--binding" });
		const configFlag = optionalString(values, "config");
		const config = configFlag === undefined ? undefined : resolve(io.cwd, configFlag);
		if (config !== undefined && !existsSync(config))
			throw new CliError("USAGE", `--config: ${configFlag} does not exist`, { field: "--config" });
		if (
			config === undefined &&
			namespaceId === undefined &&
			!["wrangler.jsonc", "wrangler.json", "wrangler.toml"].some((f) => existsSync(resolve(io.cwd, f)))
		)
			throw new CliError(
				"USAGE",
				"no wrangler config here: pass --config (the responder's wrangler.jsonc) or --namespace-id",
				{
					field: "--config",
				},
			);
		const persist = optionalString(values, "persist-to");
		if (persist !== undefined && !local)
			throw new CliError("USAGE", "--persist-to only applies with --local", { field: "--persist-to" });
		const graceHours = numberFlag(values, "grace-hours", 1, { min: 1 / 6, max: 24 * 30 });
		const settle = numberFlag(values, "delta-settle-seconds", 300, { min: 0, max: 86_400, integer: true });
		const dir = resolve(io.cwd, positionals[0] as string);

		const started = performance.now();
		const snap = await SnapshotDir.open(dir);
		const kv = new WranglerKv({
			mode: local ? "local" : "remote",
			config,
			binding,
			namespaceId,
			environment: optionalString(values, "env"),
			persistTo: persist === undefined ? undefined : resolve(io.cwd, persist),
			cwd: io.cwd,
			env: io.env,
		});
		const progress = createProgress(io, {
			quiet: values.quiet === true,
			intervalMs: io.errIsTty ? 150 : 10_000,
		});
		let report: Awaited<ReturnType<typeof publishSnapshot>>;
		try {
			report = await publishSnapshot(
				snap,
				kv,
				{
					now: Date.now(),
					graceMs: graceHours * 3_600_000,
					settleMs: settle * 1000,
					fold: values["no-fold"] !== true,
					force: values.force === true,
					dryRun: values["dry-run"] === true,
				},
				(t) => progress.update(t),
			);
		} finally {
			snap.close();
		}
		progress.done("done");
		const m = report.manifest;
		const when = (ms: number) => (ms === 0 ? "never" : new Date(ms).toISOString());
		if (values.json === true) {
			io.out(
				`${JSON.stringify(
					{
						snapshot_id: report.snapshotId,
						records: m.records,
						shard_count: m.shard_count,
						checksum: m.checksum,
						target: kv.description,
						previous: report.previous ?? null,
						result: report.skipped ?? "written",
						deltas_folded: report.deltasFolded,
						ops_folded: report.opsFolded,
						folded_until: report.foldedUntil === 0 ? null : new Date(report.foldedUntil).toISOString(),
						deltas_active: report.deltasActive,
						shards_written: report.shardsWritten,
						bytes_written: report.bytesWritten,
						deleted_snapshots: report.deletedSnapshots,
						deleted_deltas: report.deletedDeltas,
						kept: report.kept.map((h) => ({
							snapshot_id: h.snapshot_id,
							until: new Date(Date.parse(h.replaced_at) + graceHours * 3_600_000).toISOString(),
						})),
						warnings: report.warnings,
						seconds: (performance.now() - started) / 1000,
					},
					null,
					2,
				)}\n`,
			);
			return EXIT_OK;
		}
		const lines = [
			`snapshot      ${report.snapshotId}: ${m.records} records in ${m.shard_count} shards (checksum ${m.checksum} verified)`,
			`target        ${kv.description}`,
			`previous      ${report.previous ?? "none"}`,
		];
		if (report.skipped === "current") {
			lines.push("result        already the current snapshot: nothing written (--force writes it again)");
		} else {
			lines.push(
				`deltas        ${report.deltasFolded} folded (${report.opsFolded} changes, written up to ${when(report.foldedUntil)}); ${report.deltasActive} newer stay active`,
				report.skipped === "dry-run"
					? `dry run       would write ${m.shard_count} shards and the manifest, delete ${report.deletedSnapshots.length} snapshot(s) and ${report.deletedDeltas} delta(s)`
					: `written       ${report.shardsWritten} shards (${(report.bytesWritten / 1e6).toFixed(1)} MB), then audience:manifest → ${report.snapshotId}`,
				`cleanup       ${report.deletedSnapshots.length === 0 ? "no snapshot past the grace period" : `deleted ${report.deletedSnapshots.join(", ")}`}; ${report.deletedDeltas} folded delta(s) deleted`,
				...report.kept.map(
					(h) =>
						`kept          ${h.snapshot_id} until ${new Date(Date.parse(h.replaced_at) + graceHours * 3_600_000).toISOString()} (grace)`,
				),
			);
		}
		for (const w of report.warnings) lines.push(`warning       ${w}`);
		lines.push(`took          ${((performance.now() - started) / 1000).toFixed(1)} s`, "");
		io.out(lines.join("\n"));
		return EXIT_OK;
	},
};
