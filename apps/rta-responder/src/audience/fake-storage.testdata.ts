/**
 * A fake of KV and one data center's Cache API for the read-path tests: in memory, counting every
 * read, with injectable latency and KV failures (the real ones run in the integration tests).
 * @module
 */
import { MANIFEST_KEY, type SegmentEntry, SnapshotBuilder, shardKey } from "@txad/audience";
import type { AudienceSource, IdRef } from "./reader.ts";

/** KV and one data center's Cache API, in memory, counting every read; `latencyMs` per KV read. */
export class FakeStorage {
	readonly kv = new Map<string, string | Uint8Array>();
	readonly cache = new Map<string, string | Uint8Array>();
	kvReads = 0;
	kvLists = 0;
	cacheReads = 0;
	latencyMs = 0;
	failKv = false;

	async #wait() {
		if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
	}

	source(): AudienceSource {
		return {
			manifest: async (fresh) => {
				if (!fresh) {
					this.cacheReads++;
					const hit = this.cache.get("manifest");
					if (typeof hit === "string") return hit;
				}
				this.kvReads++;
				await this.#wait();
				const v = this.kv.get(MANIFEST_KEY);
				return typeof v === "string" ? v : null;
			},
			matchShard: async (id, shard) => {
				this.cacheReads++;
				const v = this.cache.get(shardKey(id, shard));
				return v instanceof Uint8Array ? v : null;
			},
			fetchShard: async (id, shard) => {
				this.kvReads++;
				await this.#wait();
				if (this.failKv) throw new Error("KV unavailable");
				const v = this.kv.get(shardKey(id, shard));
				return v instanceof Uint8Array ? v : null;
			},
			storeShard: async (id, shard, bytes) => {
				this.cache.set(shardKey(id, shard), bytes);
			},
			deltaKeys: async () => {
				this.kvLists++;
				return [...this.kv.keys()].filter((k) => k.startsWith("audience:delta:")).sort();
			},
			delta: async (key) => {
				this.kvReads++;
				const v = this.kv.get(key);
				return typeof v === "string" ? v : null;
			},
		};
	}

	/** Builds and "publishes" a snapshot: shards, then the manifest. */
	publish(ids: [IdRef, SegmentEntry[]][], options: { shardBits?: number; folded?: number } = {}): string {
		const b = new SnapshotBuilder({ shardBits: options.shardBits ?? 4 });
		for (const [id, entries] of ids) b.add(id.type, id.value, b.dictionary.intern(entries));
		const built = b.finish({ deltasFoldedUntil: options.folded ?? 0 });
		let i = 0;
		for (const shard of built.shards()) this.kv.set(shardKey(built.snapshotId, i++), shard);
		this.kv.set(
			MANIFEST_KEY,
			JSON.stringify({ ...built.manifest(), published_at: new Date().toISOString() }),
		);
		return built.snapshotId;
	}
}
