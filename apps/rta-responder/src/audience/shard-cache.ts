/**
 * The isolate's shard memory: opened shards (@txad/audience `ShardView`) in a least-recently-used
 * map bounded by bytes, not entries — shards differ in size and an isolate has 128 MB in all
 * (docs/cloudflare/platform-facts.md "Cache API and isolate memory"). A hit is two Map operations
 * and no promise.
 * @module
 */
import type { ShardView } from "@txad/audience";

/** Per-entry bookkeeping the blob itself does not account for (Map entry, view object). */
export const ENTRY_OVERHEAD_BYTES = 160;

/**
 * Byte-bounded LRU of shards, keyed by `<snapshot id>:<shard index>` (the benchmark's
 * simulation keys by number and stores stand-ins with a `byteLength`).
 * @example
 * const memory = new ShardCache(48 * 1024 * 1024);
 * memory.set("20261201T000000Z-0a1b2c3d:17", view);
 * memory.get("20261201T000000Z-0a1b2c3d:17")?.find(hi, lo);
 */
export class ShardCache<K = string, V extends { readonly byteLength: number } = ShardView> {
	readonly maxBytes: number;
	readonly #map = new Map<K, V>();
	#bytes = 0;
	#evictions = 0;

	/** @param maxBytes - most bytes held (blobs plus per-entry overhead) */
	constructor(maxBytes: number) {
		this.maxBytes = Math.max(0, maxBytes);
	}

	/** Bytes held. */
	get bytes(): number {
		return this.#bytes;
	}

	/** Shards held. */
	get size(): number {
		return this.#map.size;
	}

	/** Shards evicted to make room, since creation. */
	get evictions(): number {
		return this.#evictions;
	}

	/**
	 * A shard, marked as just used.
	 * @param key - `<snapshot id>:<shard>`
	 * @returns the view, or undefined
	 */
	get(key: K): V | undefined {
		const view = this.#map.get(key);
		if (view !== undefined) {
			this.#map.delete(key);
			this.#map.set(key, view);
		}
		return view;
	}

	/**
	 * Whether a shard is held, without marking it used.
	 * @param key - `<snapshot id>:<shard>`
	 * @returns true when held
	 */
	has(key: K): boolean {
		return this.#map.has(key);
	}

	/**
	 * Stores a shard, evicting the least recently used ones until it fits. A shard larger than the
	 * whole budget is not stored.
	 * @param key - `<snapshot id>:<shard>`
	 * @param view - the opened shard
	 */
	set(key: K, view: V): void {
		const size = view.byteLength + ENTRY_OVERHEAD_BYTES;
		this.delete(key);
		if (size > this.maxBytes) return;
		while (this.#bytes + size > this.maxBytes) {
			const oldest = this.#map.keys().next();
			if (oldest.done === true) break;
			this.delete(oldest.value);
			this.#evictions++;
		}
		this.#map.set(key, view);
		this.#bytes += size;
	}

	/**
	 * Drops a shard.
	 * @param key - `<snapshot id>:<shard>`
	 */
	delete(key: K): void {
		const view = this.#map.get(key);
		if (view === undefined) return;
		this.#map.delete(key);
		this.#bytes -= view.byteLength + ENTRY_OVERHEAD_BYTES;
	}

	/** Drops everything. */
	clear(): void {
		this.#map.clear();
		this.#bytes = 0;
	}
}
