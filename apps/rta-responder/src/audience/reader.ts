/**
 * The audience as one isolate reads it: the current snapshot's manifest, its shards in isolate
 * memory, and the deltas written since. A lookup whose shards are all in memory returns without a
 * promise; a miss loads the shard once (concurrent requests wait on the same load) from the data
 * center's Cache API, else from KV (which then fills the Cache API), never more than one small
 * shard per id.
 *
 * Switching snapshots: a new manifest is noticed within CONFIG_REFRESH_SECONDS. For a while
 * after, a lookup whose new shard is neither in memory nor in the Cache API is answered from the
 * previous snapshot (memory or Cache API) while the new shard loads from KV in the background,
 * so a publish does not turn into a burst of cold KV reads on the request path.
 * @module
 */

import {
	applyOps,
	type DeltaOp,
	deltaKeyTime,
	fingerprintInto,
	type IdType,
	isAudienceError,
	type Manifest,
	type Membership,
	openShard,
	parseDelta,
	parseManifest,
	type ShardView,
	shardOf,
} from "@txad/audience";
import { describeError, log as logLine } from "@txad/worker-kit";
import { DeltaIndex } from "./deltas.ts";
import { ShardCache } from "./shard-cache.ts";

/** Where the reader gets its bytes (src/audience/source.ts: Cache API and KV). */
export interface AudienceSource {
	/** The current manifest's text, or null when none is published; `fresh` skips the Cache API. */
	manifest(fresh: boolean): Promise<string | null>;
	/** A shard from the data center's Cache API, or null. */
	matchShard(snapshotId: string, shard: number): Promise<Uint8Array | null>;
	/** A shard from KV, or null when the key is missing. */
	fetchShard(snapshotId: string, shard: number): Promise<Uint8Array | null>;
	/** Puts a shard read from KV into the Cache API. */
	storeShard(snapshotId: string, shard: number, bytes: Uint8Array): Promise<void>;
	/** Every delta key; `fresh` skips the Cache API. */
	deltaKeys(fresh: boolean): Promise<string[]>;
	/** One delta blob's text, or null when not (yet) readable. */
	delta(key: string): Promise<string | null>;
}

/** Keeps a promise's work alive after the response (ctx.waitUntil). */
export type Background = (work: Promise<unknown>) => void;

/** An id to look up. */
export interface IdRef {
	type: IdType;
	/** Lower-case md5, or the openid. */
	value: string;
}

/** Counters shown by `/healthz`. */
export interface AudienceCounters {
	/** Lookups answered from a shard in isolate memory. */
	memoryHits: number;
	/** Shards loaded from the Cache API. */
	cacheHits: number;
	/** Shards read from KV (the Cache API had none). */
	kvReads: number;
	/** Lookups answered from the previous snapshot while the new shard loaded. */
	previousHits: number;
	/** Lookups that waited on a load another request had started. */
	joinedLoads: number;
	loadErrors: number;
	corruptShards: number;
	manifestErrors: number;
	deltaErrors: number;
	refreshes: number;
}

interface Snapshot {
	manifest: Manifest;
	/** Small per-isolate number: memory keys are `slot · 2^24 + shard`. */
	slot: number;
	/** Epoch ms this isolate switched to it. */
	since: number;
	/** Publish (or build) time, ms: an older manifest (a stale edge read) never replaces it. */
	order: number;
}

interface Load {
	view: Promise<ShardView>;
	/** Resolves when the Cache API had no copy (the load went on to KV) or the load failed. */
	cacheMissed: Promise<void>;
	/** Set when the Cache API had no copy and KV was read. */
	fromKv: boolean;
}

/**
 * The slowest storage tier a lookup waited for, filled in by {@link AudienceReader.lookup} for
 * the per-decision metrics (src/analytics/record.ts): `memory` when every shard was in isolate
 * memory, `cache_api` when at least one came from the data center's Cache API, `kv` when at
 * least one had to be read from KV; `none` until a lookup runs.
 */
export interface TierNote {
	tier: "none" | "memory" | "cache_api" | "kv";
}

/** What the audience says about one id, read fresh (admin API, explain). */
export interface Inspection {
	/** The snapshot consulted, or null when none is published. */
	snapshot: {
		snapshotId: string;
		publishedAt: string | null;
		shard: number;
		deltasFoldedUntil: number;
	} | null;
	/** The id's segments in the snapshot (null: not in it, or its shard could not be read). */
	record: Membership | null;
	/** Why the shard could not be read, if it could not. */
	shardError: string | null;
	/** The id's deltas newer than the snapshot, oldest first. */
	deltas: { key: string; createdAt: string; ops: DeltaOp[] }[];
	/** The segments after the deltas (null: not in the audience). */
	effective: Membership | null;
}

/** Options of {@link AudienceReader}. */
export interface ReaderOptions {
	/** Isolate memory for shards (AUDIENCE_MEMORY_MIB). */
	memoryBytes: number;
	/** How often the manifest and the delta list are re-read (CONFIG_REFRESH_SECONDS). */
	refreshMs: number;
	/** Most delta blobs read per refresh (a Worker invocation may make 1,000 KV operations). */
	deltaBlobsPerRefresh?: number;
}

/** How long after a switch the previous snapshot may still answer. */
export const PREVIOUS_SNAPSHOT_MS = 10 * 60_000;
/** A shard that failed to load is not tried again for this long (a corrupt key must not cost a KV read per request). */
export const FAILED_LOAD_MS = 10_000;
const SLOT_SPAN = 2 ** 24;
const NOT_IN_MEMORY = Symbol("not in memory");

function noop(): void {}

/** The isolate's audience. */
export class AudienceReader {
	readonly memory: ShardCache<number>;
	readonly deltas = new DeltaIndex();
	readonly counters: AudienceCounters = {
		memoryHits: 0,
		cacheHits: 0,
		kvReads: 0,
		previousHits: 0,
		joinedLoads: 0,
		loadErrors: 0,
		corruptShards: 0,
		manifestErrors: 0,
		deltaErrors: 0,
		refreshes: 0,
	};
	/** Delta blobs listed but not read yet (the refresh reads a bounded number each time). */
	deltasPending = 0;
	readonly #source: AudienceSource;
	readonly #options: ReaderOptions;
	#current: Snapshot | null = null;
	#previous: Snapshot | null = null;
	#slots = 0;
	#loaded = false;
	#loadedAt = 0;
	#refreshing: Promise<void> | undefined;
	readonly #loads = new Map<number, Load>();
	readonly #cacheLoads = new Map<number, Promise<ShardView | null>>();
	readonly #failed = new Map<number, number>();
	readonly #badDeltas = new Set<string>();
	readonly #scratch = new Uint32Array(3);

	constructor(source: AudienceSource, options: ReaderOptions) {
		this.#source = source;
		this.#options = options;
		this.memory = new ShardCache<number>(options.memoryBytes);
	}

	/** The current snapshot's manifest (null: none published; undefined: not loaded yet). */
	get manifest(): Manifest | null | undefined {
		return this.#loaded ? (this.#current?.manifest ?? null) : undefined;
	}

	/** The previous snapshot's manifest while it may still answer. */
	previousManifest(now: number): Manifest | null {
		return this.#usablePrevious(now)?.manifest ?? null;
	}

	/** Shard loads running now. */
	get loadsInFlight(): number {
		return this.#loads.size;
	}

	/** Epoch ms of the last completed refresh. */
	get loadedAt(): number {
		return this.#loadedAt;
	}

	/**
	 * Makes sure the manifest and deltas are loaded: the first call in an isolate returns the
	 * load to wait for; later calls return nothing and refresh in the background when the last
	 * refresh is older than the refresh interval.
	 * @param now - epoch ms
	 * @param background - keeps a background refresh alive
	 * @returns a promise only while nothing is loaded yet
	 */
	ready(now: number, background: Background): Promise<void> | undefined {
		if (!this.#loaded) {
			this.#refreshing ??= this.refresh(now, false).finally(() => {
				this.#refreshing = undefined;
			});
			return this.#refreshing;
		}
		if (this.#refreshing === undefined && now - this.#loadedAt >= this.#options.refreshMs) {
			this.#refreshing = this.refresh(now, false)
				.catch((e) => log("audience_refresh_failed", e))
				.finally(() => {
					this.#refreshing = undefined;
				});
			background(this.#refreshing);
		}
		return undefined;
	}

	/**
	 * Re-reads the manifest and the delta list, and reads delta blobs not held yet.
	 * @param now - epoch ms
	 * @param fresh - skip the Cache API (admin reads want what KV says)
	 * @throws whatever the source throws for the manifest or the list
	 */
	async refresh(now: number, fresh: boolean): Promise<void> {
		this.counters.refreshes++;
		const text = await this.#source.manifest(fresh);
		if (text === null) {
			this.#current = null;
			this.#previous = null;
		} else {
			try {
				this.#consider(parseManifest(text), now);
			} catch (e) {
				// A manifest that does not parse must not take the audience down: keep what we have.
				this.counters.manifestErrors++;
				log("audience_manifest_invalid", e);
			}
		}
		const cutoff = this.#deltaCutoff(now);
		this.deltas.dropUpTo(cutoff);
		const keys = await this.#source.deltaKeys(fresh);
		const wanted = keys
			.filter((k) => {
				const t = deltaKeyTime(k);
				return t !== undefined && t > cutoff && !this.deltas.has(k) && !this.#badDeltas.has(k);
			})
			.sort();
		const batch = wanted.slice(0, this.#options.deltaBlobsPerRefresh ?? 200);
		for (let i = 0; i < batch.length; i += 25) {
			await Promise.all(
				batch.slice(i, i + 25).map(async (key) => {
					const blobText = await this.#source.delta(key);
					if (blobText === null) return; // listed before it is readable here: next refresh
					try {
						this.deltas.add(key, parseDelta(blobText));
					} catch (e) {
						this.counters.deltaErrors++;
						this.#badDeltas.add(key);
						log("audience_delta_invalid", e, { key });
					}
				}),
			);
		}
		this.deltasPending = wanted.length - batch.length;
		this.#loaded = true;
		this.#loadedAt = now;
	}

	/**
	 * Adds a delta this isolate has just written, so it applies here at once.
	 * @param key - its delta key
	 * @param text - the blob as written
	 */
	addLocalDelta(key: string, text: string): void {
		this.deltas.add(key, parseDelta(text));
	}

	/**
	 * What snapshot and deltas say about ids, read fresh: the manifest and delta list from KV, the
	 * shards from KV (not memory, not the Cache API). For the admin API and explain.
	 * @param ids - ids to inspect
	 * @param now - epoch ms
	 * @returns one inspection per id
	 * @throws whatever the source throws for the manifest or the delta list
	 */
	async inspect(ids: readonly IdRef[], now: number): Promise<Inspection[]> {
		await this.refresh(now, true);
		const cur = this.#current;
		const shards = new Map<number, Promise<ShardView>>();
		return Promise.all(
			ids.map(async (id) => {
				const after = cur?.manifest.deltasFoldedUntil ?? 0;
				const deltas = this.deltas.entriesFor(id.type, id.value).filter((e) => e.time > after);
				let record: Membership | null = null;
				let shardError: string | null = null;
				let snapshot: Inspection["snapshot"] = null;
				const s = new Uint32Array(3);
				if (cur !== null && fingerprintInto(id.type, id.value, s)) {
					const m = cur.manifest;
					const shard = shardOf(s[0] as number, m.shardBits);
					snapshot = {
						snapshotId: m.snapshotId,
						publishedAt: m.document.published_at ?? null,
						shard,
						deltasFoldedUntil: m.deltasFoldedUntil,
					};
					let view = shards.get(shard);
					if (view === undefined) {
						view = (async () => {
							const bytes = await this.#source.fetchShard(m.snapshotId, shard);
							if (bytes === null) throw new Error(`shard ${shard} of snapshot ${m.snapshotId} is not in KV`);
							return openShard(bytes, m.layout, shard);
						})();
						shards.set(shard, view);
					}
					try {
						record = member(cur, await view, s[1] as number, s[2] as number);
					} catch (e) {
						shardError = e instanceof Error ? e.message : String(e);
					}
				}
				const effective = applyOps(
					record,
					deltas.flatMap((d) => d.ops),
				);
				return { snapshot, record, shardError, deltas, effective };
			}),
		);
	}

	/**
	 * Looks up ids: synchronously when every shard needed is in memory, else a promise.
	 * @param ids - the request's candidate ids
	 * @param now - epoch ms
	 * @param background - keeps loads started for later requests alive
	 * @param note - when given, gets the slowest tier the lookup waited for
	 * @returns per id, its segments after deltas (null: not in the audience)
	 * @throws (the promise rejects) when a shard can be read neither from the Cache API nor from KV
	 */
	lookup(
		ids: readonly IdRef[],
		now: number,
		background: Background,
		note?: TierNote,
	): (Membership | null)[] | Promise<(Membership | null)[]> {
		if (note !== undefined) note.tier = "memory";
		const out = new Array<Membership | null>(ids.length);
		let pending: Promise<void>[] | undefined;
		for (let i = 0; i < ids.length; i++) {
			const id = ids[i] as IdRef;
			const found = this.#lookupInMemory(id, now, background);
			if (found !== NOT_IN_MEMORY) out[i] = found;
			else {
				const s = this.#scratch;
				const loading = this.#lookupLoading(
					id,
					s[0] as number,
					s[1] as number,
					s[2] as number,
					now,
					background,
					note,
				);
				if (pending === undefined) pending = [];
				pending.push(
					loading.then((m) => {
						out[i] = m;
					}),
				);
			}
		}
		return pending === undefined ? out : Promise.all(pending).then(() => out);
	}

	#lookupInMemory(id: IdRef, now: number, background: Background): Membership | null | typeof NOT_IN_MEMORY {
		const cur = this.#current;
		if (cur === null) return this.#withDeltas(null, id, 0);
		const s = this.#scratch;
		if (!fingerprintInto(id.type, id.value, s))
			return this.#withDeltas(null, id, cur.manifest.deltasFoldedUntil);
		const shard = shardOf(s[0] as number, cur.manifest.shardBits);
		const view = this.memory.get(cur.slot * SLOT_SPAN + shard);
		if (view !== undefined) {
			this.counters.memoryHits++;
			return this.#withDeltas(
				member(cur, view, s[1] as number, s[2] as number),
				id,
				cur.manifest.deltasFoldedUntil,
			);
		}
		const prev = this.#usablePrevious(now);
		if (prev !== null) {
			const prevView = this.memory.get(
				prev.slot * SLOT_SPAN + shardOf(s[0] as number, prev.manifest.shardBits),
			);
			if (prevView !== undefined) {
				this.counters.previousHits++;
				background(this.#load(cur, shard, now, background).view.catch(noop));
				return this.#withDeltas(
					member(prev, prevView, s[1] as number, s[2] as number),
					id,
					prev.manifest.deltasFoldedUntil,
				);
			}
		}
		return NOT_IN_MEMORY;
	}

	async #lookupLoading(
		id: IdRef,
		word: number,
		keyHi: number,
		keyLo: number,
		now: number,
		background: Background,
		note: TierNote | undefined,
	): Promise<Membership | null> {
		const cur = this.#current as Snapshot;
		const shard = shardOf(word, cur.manifest.shardBits);
		const load = this.#load(cur, shard, now, background);
		if (note !== undefined) {
			// Whichever way the id is answered, the request waited at least for the Cache API.
			if (note.tier === "memory") note.tier = "cache_api";
			load.cacheMissed.then(() => {
				if (load.fromKv) note.tier = "kv";
			}, noop);
		}
		const prev = this.#usablePrevious(now);
		if (prev !== null) {
			const first = await Promise.race([load.view.catch(() => null), load.cacheMissed.then(() => undefined)]);
			if (first !== undefined && first !== null)
				return this.#withDeltas(member(cur, first, keyHi, keyLo), id, cur.manifest.deltasFoldedUntil);
			// The new shard is not in the Cache API yet: answer from the previous snapshot if it is.
			const prevView = await this.#loadCached(prev, shardOf(word, prev.manifest.shardBits));
			if (prevView !== null) {
				this.counters.previousHits++;
				background(load.view.catch(noop));
				return this.#withDeltas(member(prev, prevView, keyHi, keyLo), id, prev.manifest.deltasFoldedUntil);
			}
		}
		const view = await load.view;
		return this.#withDeltas(member(cur, view, keyHi, keyLo), id, cur.manifest.deltasFoldedUntil);
	}

	#withDeltas(base: Membership | null, id: IdRef, afterMs: number): Membership | null {
		if (this.deltas.blobs === 0) return base;
		const ops = this.deltas.opsFor(id.type, id.value, afterMs);
		return ops.length === 0 ? base : applyOps(base, ops);
	}

	/** One load per shard at a time: cache API, else KV (then put into the Cache API). */
	#load(snap: Snapshot, shard: number, now: number, background: Background): Load {
		const key = snap.slot * SLOT_SPAN + shard;
		const running = this.#loads.get(key);
		if (running !== undefined) {
			this.counters.joinedLoads++;
			return running;
		}
		if ((this.#failed.get(key) ?? 0) > now) {
			const failed = Promise.reject(
				new Error(`shard ${shard} of ${snap.manifest.snapshotId} failed to load recently`),
			);
			failed.catch(noop);
			return { view: failed, cacheMissed: Promise.resolve(), fromKv: false };
		}
		const id = snap.manifest.snapshotId;
		let missed: () => void = noop;
		const cacheMissed = new Promise<void>((resolve) => {
			missed = resolve;
		});
		const load: Load = { view: undefined as unknown as Promise<ShardView>, cacheMissed, fromKv: false };
		const view = (async () => {
			try {
				const cached = await this.#source.matchShard(id, shard).catch(() => null);
				if (cached !== null) {
					try {
						// Only bytes this code read from KV and checked are put into the Cache API.
						const v = openShard(cached, snap.manifest.layout, shard, { verifyRecords: false });
						this.counters.cacheHits++;
						this.memory.set(key, v);
						return v;
					} catch (e) {
						log("audience_cached_shard_invalid", e, { snapshot: id, shard });
					}
				}
				load.fromKv = true;
				missed();
				this.counters.kvReads++;
				const bytes = await this.#source.fetchShard(id, shard);
				if (bytes === null) throw new Error(`shard ${shard} of snapshot ${id} is not in KV`);
				let v: ShardView;
				try {
					v = openShard(bytes, snap.manifest.layout, shard);
				} catch (e) {
					if (isAudienceError(e)) this.counters.corruptShards++;
					throw e;
				}
				this.memory.set(key, v);
				background(
					this.#source.storeShard(id, shard, bytes).catch((e) => log("audience_cache_put_failed", e)),
				);
				return v;
			} catch (e) {
				this.counters.loadErrors++;
				this.#failed.set(key, now + FAILED_LOAD_MS);
				log("audience_shard_load_failed", e, { snapshot: id, shard });
				missed();
				throw e;
			} finally {
				this.#loads.delete(key);
			}
		})();
		view.catch(noop);
		load.view = view;
		this.#loads.set(key, load);
		return load;
	}

	/** A shard from memory or the Cache API only (the previous snapshot: never a KV read). */
	#loadCached(snap: Snapshot, shard: number): Promise<ShardView | null> {
		const key = snap.slot * SLOT_SPAN + shard;
		const inMemory = this.memory.get(key);
		if (inMemory !== undefined) return Promise.resolve(inMemory);
		const running = this.#cacheLoads.get(key);
		if (running !== undefined) return running;
		const p = (async () => {
			try {
				const bytes = await this.#source.matchShard(snap.manifest.snapshotId, shard).catch(() => null);
				if (bytes === null) return null;
				const v = openShard(bytes, snap.manifest.layout, shard, { verifyRecords: false });
				this.counters.cacheHits++;
				this.memory.set(key, v);
				return v;
			} catch {
				return null;
			} finally {
				this.#cacheLoads.delete(key);
			}
		})();
		this.#cacheLoads.set(key, p);
		return p;
	}

	#consider(m: Manifest, now: number): void {
		const cur = this.#current;
		if (cur !== null && cur.manifest.snapshotId === m.snapshotId) return;
		const order = Date.parse(m.document.published_at ?? m.document.built_at);
		if (cur !== null && order < cur.order) return;
		this.#previous = cur;
		this.#current = { manifest: m, slot: ++this.#slots, since: now, order };
	}

	#usablePrevious(now: number): Snapshot | null {
		const prev = this.#previous;
		const cur = this.#current;
		if (prev === null || cur === null) return null;
		if (now - cur.since > PREVIOUS_SNAPSHOT_MS) {
			this.#previous = null;
			return null;
		}
		return prev;
	}

	/** Deltas at or before this are in every snapshot in use. */
	#deltaCutoff(now: number): number {
		const cur = this.#current;
		if (cur === null) return 0;
		const prev = this.#usablePrevious(now);
		return Math.min(
			cur.manifest.deltasFoldedUntil,
			prev?.manifest.deltasFoldedUntil ?? Number.POSITIVE_INFINITY,
		);
	}
}

function member(snap: Snapshot, view: ShardView, keyHi: number, keyLo: number): Membership | null {
	const set = view.find(keyHi, keyLo);
	return set < 0 ? null : (snap.manifest.memberships[set] ?? null);
}

function log(event: string, e: unknown, extra: Record<string, unknown> = {}): void {
	logLine("error", event, { ...extra, error: describeError(e) });
}
