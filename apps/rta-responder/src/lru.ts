/**
 * A bounded LRU with per-entry TTL, synchronous by design: a hit costs one Map lookup and one
 * re-insert, with no promise, so a fully cached RTA decision never yields to the event loop.
 * @module
 */

interface Entry<V> {
	value: V;
	/** Epoch ms after which the entry is stale. */
	expiresAt: number;
}

/**
 * Least-recently-used cache with expiry. Map iteration order is insertion order, so the first
 * key is the least recently used one; a hit moves its key to the end.
 * @example
 * const lru = new Lru<string | null>(10_000);
 * lru.set("imei_md5:…", null, 30_000, Date.now()); // negative entry
 * lru.get("imei_md5:…", Date.now()); // { value: null }
 */
export class Lru<V> {
	readonly #max: number;
	readonly #map = new Map<string, Entry<V>>();

	/** @param maxEntries - most entries kept (at least 1) */
	constructor(maxEntries: number) {
		this.#max = Math.max(1, Math.floor(maxEntries));
	}

	/** Number of entries (stale ones included until touched or evicted). */
	get size(): number {
		return this.#map.size;
	}

	/** Most entries kept. */
	get maxEntries(): number {
		return this.#max;
	}

	/**
	 * Looks a key up.
	 * @param key - the key
	 * @param now - epoch ms
	 * @returns `{ value }` on a fresh hit (value may be a cached negative such as `null`), else undefined
	 */
	get(key: string, now: number): { value: V } | undefined {
		const entry = this.#map.get(key);
		if (entry === undefined) return undefined;
		this.#map.delete(key);
		if (entry.expiresAt <= now) return undefined;
		this.#map.set(key, entry);
		return entry;
	}

	/**
	 * Stores a value, evicting the least recently used entry when full.
	 * @param key - the key
	 * @param value - the value (negatives included)
	 * @param ttlMs - lifetime; ≤ 0 stores nothing
	 * @param now - epoch ms
	 */
	set(key: string, value: V, ttlMs: number, now: number): void {
		if (ttlMs <= 0) return;
		this.#map.delete(key);
		if (this.#map.size >= this.#max) {
			const oldest = this.#map.keys().next();
			if (oldest.done !== true) this.#map.delete(oldest.value);
		}
		this.#map.set(key, { value, expiresAt: now + ttlMs });
	}

	/**
	 * Drops a key (after an admin write, so this isolate sees it at once).
	 * @param key - the key
	 */
	delete(key: string): void {
		this.#map.delete(key);
	}

	/** Drops everything. */
	clear(): void {
		this.#map.clear();
	}
}
