/**
 * The in-isolate LRU: eviction order, TTL, negative entries.
 * @module
 */
import { describe, it } from "vitest";
import { Lru } from "./lru.ts";

describe("Lru", () => {
	it("evicts the least recently used entry and honours TTL, negatives included", ({ expect }) => {
		const lru = new Lru<string | null>(2);
		lru.set("a", "A", 1000, 0);
		lru.set("b", null, 1000, 0);
		expect(lru.get("a", 1)?.value).toBe("A"); // a is now most recent
		lru.set("c", "C", 1000, 1);
		expect(lru.get("b", 2)).toBeUndefined();
		expect(lru.get("a", 2)?.value).toBe("A");
		expect(lru.get("c", 1001)).toBeUndefined(); // expired
		lru.set("n", null, 10, 0);
		expect(lru.get("n", 5)).toEqual(expect.objectContaining({ value: null }));
		lru.set("z", "Z", 0, 0);
		expect(lru.get("z", 0)).toBeUndefined();
	});

	it("keeps at least one entry", ({ expect }) => {
		expect(new Lru(0).maxEntries).toBe(1);
	});
});
