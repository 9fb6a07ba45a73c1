/**
 * Publishing a built snapshot to Workers KV (the keys are @txad/audience `keys.ts`):
 *
 * 1. verify every shard and the snapshot checksum;
 * 2. read the current manifest; fold in the deltas written since it (up to `settle` ago, so a
 *    delta still propagating is never skipped: it stays active on top of the new snapshot);
 * 3. write every shard — nothing reads them yet;
 * 4. delete snapshots replaced longer than the grace period ago, and deltas no snapshot still
 *    in use needs;
 * 5. write the manifest last: the atomic switch. Readers keep serving the old snapshot until
 *    they have the new one's shard, so the replaced snapshot stays for the grace period.
 * @module
 */
import {
	DELTA_KEY_PREFIX,
	type DeltaBlob,
	deltaKeyTime,
	foldDeltas,
	isAudienceError,
	MANIFEST_KEY,
	type Manifest,
	type ManifestDocument,
	parseDelta,
	parseManifest,
	type ReplacedSnapshot,
	shardKey,
} from "@txad/audience";
import { CliError } from "../errors.ts";
import type { KvEntry, KvTarget } from "./kv-target.ts";
import type { SnapshotDir } from "./snapshot-dir.ts";

/** How to publish. */
export interface PublishOptions {
	/** Epoch ms taken as now (grace and settle windows). */
	now: number;
	/** How long a replaced snapshot (and the deltas it needs) is kept. */
	graceMs: number;
	/** Deltas younger than this are not folded (they may not be listed everywhere yet). */
	settleMs: number;
	/** Fold deltas into the new snapshot (default true). */
	fold: boolean;
	/** Publish even when the snapshot is already current. */
	force: boolean;
	/** Read and report only. */
	dryRun: boolean;
}

/** What a publish did. */
export interface PublishReport {
	snapshotId: string;
	previous: string | null;
	/** Nothing written: the snapshot was already current (or a dry run). */
	skipped: "current" | "dry-run" | null;
	deltasFolded: number;
	opsFolded: number;
	deltasActive: number;
	foldedUntil: number;
	shardsWritten: number;
	bytesWritten: number;
	deletedSnapshots: string[];
	deletedDeltas: number;
	kept: ReplacedSnapshot[];
	warnings: string[];
	manifest: ManifestDocument;
}

/**
 * Publishes a snapshot.
 * @param snap - the opened snapshot directory
 * @param kv - where to write
 * @param options - clock, windows, switches
 * @param progress - progress lines
 * @returns what was done
 * @throws CliError `INPUT` for a damaged snapshot, `NETWORK` when KV refuses
 */
export async function publishSnapshot(
	snap: SnapshotDir,
	kv: KvTarget,
	options: PublishOptions,
	progress: (text: string) => void = () => {},
): Promise<PublishReport> {
	snap.verify((d, t) => progress(`verified ${d}/${t} shards`));
	const built = snap.manifest;
	const warnings: string[] = [];
	const currentText = (await kv.getText([MANIFEST_KEY])).get(MANIFEST_KEY) ?? null;
	let current: Manifest | null = null;
	if (currentText !== null) {
		try {
			current = parseManifest(currentText);
		} catch (e) {
			warnings.push(
				`the stored manifest is not valid (${isAudienceError(e) ? e.message : String(e)}): replacing it; keys of older snapshots it named are not cleaned up`,
			);
		}
	}
	const base: Omit<PublishReport, "manifest" | "skipped"> = {
		snapshotId: built.snapshotId,
		previous: current?.snapshotId ?? null,
		deltasFolded: 0,
		opsFolded: 0,
		deltasActive: 0,
		foldedUntil: current?.deltasFoldedUntil ?? 0,
		shardsWritten: 0,
		bytesWritten: 0,
		deletedSnapshots: [],
		deletedDeltas: 0,
		kept: [],
		warnings,
	};
	if (current?.snapshotId === built.snapshotId && !options.force)
		return { ...base, skipped: "current", manifest: current.document };

	// Deltas since the current snapshot, up to the settle cut-off.
	const from = current?.deltasFoldedUntil ?? 0;
	const cutoff = options.fold ? Math.max(from, options.now - options.settleMs) : from;
	const deltaKeys = (await kv.list(DELTA_KEY_PREFIX))
		.map((key) => ({ key, time: deltaKeyTime(key) }))
		.filter((d): d is { key: string; time: number } => d.time !== undefined)
		.sort((a, b) => (a.key < b.key ? -1 : 1));
	const toFold = deltaKeys.filter((d) => d.time > from && d.time <= cutoff);
	const texts =
		toFold.length === 0 ? new Map<string, string | null>() : await kv.getText(toFold.map((d) => d.key));
	const blobs: DeltaBlob[] = [];
	for (const d of toFold) {
		const text = texts.get(d.key);
		if (text === null || text === undefined) {
			warnings.push(`delta ${d.key} was listed but could not be read: not folded`);
			continue;
		}
		try {
			blobs.push(parseDelta(text));
		} catch (e) {
			warnings.push(`delta ${d.key} is not valid (${(e as Error).message}): not folded`);
		}
	}
	let folded: ReturnType<typeof foldDeltas>;
	try {
		folded = foldDeltas(built.document, (i) => snap.readShard(i), blobs, cutoff);
	} catch (cause) {
		throw new CliError("INPUT", `folding ${blobs.length} deltas: ${(cause as Error).message}`, { cause });
	}
	const report = {
		...base,
		deltasFolded: blobs.length,
		opsFolded: folded.ops,
		deltasActive: deltaKeys.filter((d) => d.time > cutoff).length,
		foldedUntil: cutoff,
	};

	// Replaced snapshots: the current one joins the history; those past the grace period go.
	const history: ReplacedSnapshot[] = [
		...(current === null
			? []
			: [
					{
						snapshot_id: current.snapshotId,
						shard_count: current.shardCount,
						replaced_at: new Date(options.now).toISOString(),
						deltas_folded_until: current.deltasFoldedUntil,
					},
				]),
		...(current?.document.history ?? []),
	].filter((h) => h.snapshot_id !== built.snapshotId);
	const expired = history.filter((h) => Date.parse(h.replaced_at) + options.graceMs <= options.now);
	let kept = history.filter((h) => !expired.includes(h));
	const stillNeeded = Math.min(cutoff, ...kept.map((h) => h.deltas_folded_until));
	const obsoleteDeltas = deltaKeys.filter((d) => d.time <= stillNeeded).map((d) => d.key);
	const manifest: ManifestDocument = {
		...folded.manifest,
		published_at: new Date(options.now).toISOString(),
		history: kept,
	};
	if (options.dryRun)
		return {
			...report,
			skipped: "dry-run",
			kept,
			deletedSnapshots: expired.map((h) => h.snapshot_id),
			deletedDeltas: obsoleteDeltas.length,
			manifest,
		};

	let shardsWritten = 0;
	let bytesWritten = 0;
	const count = built.shardCount;
	const id = built.snapshotId;
	await kv.put(
		(function* (): Generator<KvEntry> {
			for (let i = 0; i < count; i++) {
				const value = folded.shards.get(i) ?? snap.readShard(i);
				shardsWritten++;
				bytesWritten += value.byteLength;
				if ((i & 1023) === 1023) progress(`wrote ${i + 1}/${count} shards`);
				yield { key: shardKey(id, i), value };
			}
		})(),
	);

	const deletedSnapshots: string[] = [];
	for (const h of expired) {
		try {
			await kv.delete(Array.from({ length: h.shard_count }, (_, i) => shardKey(h.snapshot_id, i)));
			deletedSnapshots.push(h.snapshot_id);
		} catch (e) {
			warnings.push(
				`could not delete snapshot ${h.snapshot_id} (${(e as Error).message}): kept in the history, retried next time`,
			);
			kept = [...kept, h];
		}
	}
	let deletedDeltas = 0;
	if (obsoleteDeltas.length > 0) {
		try {
			await kv.delete(obsoleteDeltas);
			deletedDeltas = obsoleteDeltas.length;
		} catch (e) {
			warnings.push(
				`could not delete ${obsoleteDeltas.length} folded deltas (${(e as Error).message}); they are harmless and go next time`,
			);
		}
	}
	const final: ManifestDocument = { ...manifest, history: kept };
	await kv.put([{ key: MANIFEST_KEY, value: JSON.stringify(final) }]);
	return {
		...report,
		skipped: null,
		shardsWritten,
		bytesWritten,
		deletedSnapshots,
		deletedDeltas,
		kept,
		manifest: final,
	};
}
