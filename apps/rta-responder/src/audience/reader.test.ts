/**
 * The read path against a fake source that counts reads and injects latency: memory, Cache API
 * and KV tiers, single-flight loads, a snapshot switch mid-traffic, delta visibility, failures.
 */
import { MANIFEST_KEY, newDeltaKey, serializeDelta, shardKey } from "@txad/audience";
import { describe, it } from "vitest";
import { FakeStorage } from "./fake-storage.testdata.ts";
import { AudienceReader, FAILED_LOAD_MS, type IdRef, type TierNote } from "./reader.ts";

const IMEI = "b496ec1169770ea274a2b4f42ca4fb71";
const OAID = "1df942b7d996891bf0a205cd07e4e92f";

function reader(storage: FakeStorage, refreshMs = 10_000, memoryBytes = 1 << 20) {
	return new AudienceReader(storage.source(), { memoryBytes, refreshMs });
}

const background: Promise<unknown>[] = [];
const bg = (p: Promise<unknown>) => {
	background.push(p);
};
const settle = async () => {
	while (background.length > 0) await Promise.allSettled(background.splice(0));
};

/** The segment names a lookup found, asserting it returned without a promise. */
function syncNames(found: ReturnType<AudienceReader["lookup"]>): (readonly string[] | null)[] {
	if (found instanceof Promise) throw new Error("expected an answer from memory, got a promise");
	return found.map((m) => m?.names ?? null);
}

const imei: IdRef = { type: "imei_md5", value: IMEI };
const oaid: IdRef = { type: "oaid_md5", value: OAID };

describe("AudienceReader tiers", () => {
	it("loads a shard from KV once, fills the Cache API, then answers from memory without a promise", async ({
		expect,
	}) => {
		const storage = new FakeStorage();
		storage.publish([[imei, [["new_user", 0]]]]);
		const r = reader(storage);
		await r.ready(Date.now(), bg);
		const first = r.lookup([imei], Date.now(), bg);
		expect(first).toBeInstanceOf(Promise);
		expect((await first)[0]?.names).toEqual(["new_user"]);
		await settle();
		expect(r.counters).toMatchObject({ kvReads: 1, cacheHits: 0, memoryHits: 0 });
		expect(syncNames(r.lookup([imei], Date.now(), bg))).toEqual([["new_user"]]);
		expect(r.counters.memoryHits).toBe(1);
		// Another isolate of the same data center: the Cache API has the shard, KV is not read.
		const kvBefore = storage.kvReads;
		const other = reader(storage);
		await other.ready(Date.now(), bg);
		expect((await other.lookup([imei], Date.now(), bg))[0]?.names).toEqual(["new_user"]);
		expect(storage.kvReads - kvBefore).toBe(1); // its manifest read only
		expect(other.counters).toMatchObject({ cacheHits: 1, kvReads: 0 });
	});

	it("notes the slowest tier a lookup waited for: KV, then the Cache API elsewhere, then memory", async ({
		expect,
	}) => {
		const storage = new FakeStorage();
		storage.publish([[imei, [["new_user", 0]]]]);
		const r = reader(storage);
		await r.ready(Date.now(), bg);
		const note: TierNote = { tier: "memory" };
		await r.lookup([imei], Date.now(), bg, note);
		expect(note.tier).toBe("kv");
		await settle();
		expect(syncNames(r.lookup([imei], Date.now(), bg, note))).toEqual([["new_user"]]);
		expect(note.tier).toBe("memory");
		const other = reader(storage);
		await other.ready(Date.now(), bg);
		await other.lookup([imei], Date.now(), bg, note);
		expect(note.tier).toBe("cache_api");
	});

	it("single-flight: concurrent lookups of one shard make one Cache API and one KV read", async ({
		expect,
	}) => {
		const storage = new FakeStorage();
		storage.publish([[imei, [["a", 0]]]], { shardBits: 0 });
		const r = reader(storage);
		await r.ready(Date.now(), bg);
		storage.latencyMs = 20;
		const before = { kv: storage.kvReads, cache: storage.cacheReads };
		const all = await Promise.all(Array.from({ length: 20 }, () => r.lookup([imei, oaid], Date.now(), bg)));
		expect(all.every((m) => m[0]?.names[0] === "a" && m[1] === null)).toBe(true);
		expect(storage.kvReads - before.kv).toBe(1);
		expect(storage.cacheReads - before.cache).toBe(1);
		expect(r.counters.joinedLoads).toBe(20 * 2 - 1);
	});

	it("does not retry a failing shard on every request, and reports the failure", async ({ expect }) => {
		const storage = new FakeStorage();
		storage.publish([[imei, [["a", 0]]]], { shardBits: 0 });
		const r = reader(storage);
		const now = Date.now();
		await r.ready(now, bg);
		storage.failKv = true;
		await expect(r.lookup([imei], now, bg) as Promise<unknown>).rejects.toThrow(/KV unavailable/);
		const reads = storage.kvReads;
		await expect(r.lookup([imei], now + 1000, bg) as Promise<unknown>).rejects.toThrow(
			/failed to load recently/,
		);
		expect(storage.kvReads).toBe(reads);
		storage.failKv = false;
		expect((await r.lookup([imei], now + FAILED_LOAD_MS + 1, bg))[0]?.names).toEqual(["a"]);
		expect(r.counters.loadErrors).toBe(1);
	});

	it("refuses a corrupt shard from KV (typed error counted) and never caches it", async ({ expect }) => {
		const storage = new FakeStorage();
		const id = storage.publish([[imei, [["a", 0]]]], { shardBits: 0 });
		const bytes = storage.kv.get(shardKey(id, 0)) as Uint8Array;
		const broken = bytes.slice(0, bytes.byteLength - 3);
		storage.kv.set(shardKey(id, 0), broken);
		const r = reader(storage);
		await r.ready(Date.now(), bg);
		await expect(r.lookup([imei], Date.now(), bg) as Promise<unknown>).rejects.toThrow(
			/shard 0: .* bytes, the header announces/,
		);
		await settle();
		expect(r.counters.corruptShards).toBe(1);
		expect(storage.cache.has(shardKey(id, 0))).toBe(false);
	});
});

describe("AudienceReader snapshot switch", () => {
	it("notices a new manifest at the next refresh and answers from the old snapshot until the new shard is in", async ({
		expect,
	}) => {
		const storage = new FakeStorage();
		storage.publish([[imei, [["old", 0]]]], { shardBits: 0 });
		const r = reader(storage, 1000);
		const t0 = Date.now();
		await r.ready(t0, bg);
		await r.lookup([imei], t0, bg); // old shard in memory (and the Cache API)
		const newId = storage.publish([[imei, [["new", 0]]]], { shardBits: 0 });
		// Within the refresh interval: still the old snapshot, no manifest read.
		expect(r.ready(t0 + 500, bg)).toBeUndefined();
		expect(syncNames(r.lookup([imei], t0 + 500, bg))).toEqual([["old"]]);
		// After it: a background refresh switches; the old shard answers at once, the new one loads.
		storage.latencyMs = 30;
		expect(r.ready(t0 + 1500, bg)).toBeUndefined();
		await settle();
		expect(r.manifest?.snapshotId).toBe(newId);
		expect(syncNames(r.lookup([imei], t0 + 1500, bg))).toEqual([["old"]]);
		expect(r.counters.previousHits).toBe(1);
		await settle(); // the background load of the new shard
		expect(syncNames(r.lookup([imei], t0 + 1600, bg))).toEqual([["new"]]);
		expect(storage.cache.has(shardKey(newId, 0))).toBe(true);
	});

	it("answers from the previous snapshot's cached shard instead of waiting for a cold KV read", async ({
		expect,
	}) => {
		const storage = new FakeStorage();
		storage.publish([[imei, [["old", 0]]]], { shardBits: 0 });
		const warm = reader(storage);
		await warm.ready(Date.now(), bg);
		await warm.lookup([imei], Date.now(), bg); // the data center's Cache API now has the old shard
		await settle();
		storage.publish([[imei, [["new", 0]]]], { shardBits: 0 });
		const r = reader(storage); // a fresh isolate that starts on the new manifest…
		await r.ready(Date.now(), bg);
		// …but knows the previous one only if it saw it; this one did not: it waits for KV.
		storage.latencyMs = 40;
		const kvBefore = storage.kvReads;
		expect((await r.lookup([imei], Date.now(), bg))[0]?.names).toEqual(["new"]);
		expect(storage.kvReads - kvBefore).toBe(1);

		// An isolate that switches: previous shard only in the Cache API, new one neither there nor in memory.
		const storage2 = new FakeStorage();
		storage2.publish([[imei, [["old", 0]]]], { shardBits: 0 });
		const seed = reader(storage2);
		await seed.ready(Date.now(), bg);
		await seed.lookup([imei], Date.now(), bg);
		await settle();
		const switching = reader(storage2, 0, 0); // no isolate memory: every lookup goes to the tiers
		await switching.ready(Date.now(), bg);
		storage2.publish([[imei, [["new", 0]]]], { shardBits: 0 });
		await switching.refresh(Date.now(), false);
		storage2.latencyMs = 40;
		// "old" proves the answer did not wait for the new shard's KV read, which says "new".
		expect((await switching.lookup([imei], Date.now(), bg))[0]?.names).toEqual(["old"]);
		expect(switching.counters.previousHits).toBe(1);
		await settle();
	});

	it("mid-traffic: every answer during a switch is the old or the new snapshot's, none fails, and the new one wins", async ({
		expect,
	}) => {
		const storage = new FakeStorage();
		const ids: IdRef[] = Array.from({ length: 64 }, (_, i) => ({
			type: "imei_md5",
			value: i.toString(16).padStart(32, "0"),
		}));
		storage.publish(
			ids.map((id) => [id, [["old", 0]]]),
			{ shardBits: 4 },
		);
		const r = reader(storage, 0, 64 * 1024);
		const t0 = Date.now();
		await r.ready(t0, bg);
		await Promise.all(ids.map((id) => r.lookup([id], t0, bg)));
		storage.latencyMs = 5;
		storage.publish(
			ids.map((id) => [id, [["new", 0]]]),
			{ shardBits: 3 },
		);
		const ask = async (n: number) =>
			(await r.lookup([ids[n % ids.length] as IdRef], Date.now(), bg))[0]?.names[0] ?? "none";
		const before = Array.from({ length: 200 }, (_, n) => ask(n));
		const switching = r.refresh(Date.now(), false); // the manifest read takes a while
		const during = Array.from({ length: 200 }, (_, n) => ask(n));
		await switching;
		const previousBefore = r.counters.previousHits;
		// Switched, the new shards not in memory yet: the previous snapshot answers, loads start.
		const after = Array.from({ length: 200 }, (_, n) => ask(n));
		const answers = await Promise.all([...before, ...during, ...after]);
		expect(answers.every((a) => a === "old" || a === "new")).toBe(true);
		expect(answers.slice(400)).toEqual(Array(200).fill("old"));
		expect(r.counters.previousHits - previousBefore).toBe(200);
		await settle();
		const final = await Promise.all(ids.map((_, n) => ask(n)));
		expect(final).toEqual(Array(ids.length).fill("new"));
		expect(r.counters.loadErrors).toBe(0);
	});

	it("ignores an older manifest (a stale edge read) once it has a newer one", async ({ expect }) => {
		const storage = new FakeStorage();
		const first = storage.publish([[imei, [["a", 0]]]]);
		const oldManifest = storage.kv.get(MANIFEST_KEY) as string;
		await new Promise((r) => setTimeout(r, 5));
		const second = storage.publish([[imei, [["b", 0]]]]);
		const r = reader(storage);
		await r.ready(Date.now(), bg);
		expect(r.manifest?.snapshotId).toBe(second);
		storage.kv.set(MANIFEST_KEY, oldManifest);
		await r.refresh(Date.now(), false);
		expect(r.manifest?.snapshotId).toBe(second);
		expect(first).not.toBe(second);
	});
});

describe("AudienceReader deltas", () => {
	it("applies a local write at once and another isolate's write after its next refresh, with no KV read per lookup", async ({
		expect,
	}) => {
		const storage = new FakeStorage();
		storage.publish([[imei, [["new_user", 0]]]], { shardBits: 0 });
		const a = reader(storage, 1000);
		const b = reader(storage, 1000);
		const t0 = Date.now();
		await a.ready(t0, bg);
		await b.ready(t0, bg);
		await a.lookup([imei], t0, bg);
		await b.lookup([imei], t0, bg);
		const key = newDeltaKey(t0);
		const text = serializeDelta(
			[
				{ op: "merge", type: "imei_md5", value: IMEI, segments: [["installed", 0]] },
				{ op: "replace", type: "oaid_md5", value: OAID, segments: [["vip", 0]] },
			],
			new Date(t0),
		);
		storage.kv.set(key, text);
		a.addLocalDelta(key, text);
		const kvBefore = storage.kvReads;
		expect(syncNames(a.lookup([imei, oaid], t0 + 1, bg))).toEqual([["new_user", "installed"], ["vip"]]);
		// B has not refreshed yet: it still sees the snapshot alone.
		expect(syncNames(b.lookup([imei, oaid], t0 + 1, bg))).toEqual([["new_user"], null]);
		expect(storage.kvReads).toBe(kvBefore);
		// B's next request after the refresh interval refreshes in the background; then it sees the write.
		expect(b.ready(t0 + 1001, bg)).toBeUndefined();
		await settle();
		expect(syncNames(b.lookup([imei, oaid], t0 + 1002, bg))).toEqual([["new_user", "installed"], ["vip"]]);
	});

	it("ignores deltas the snapshot already folded in, and drops them from memory", async ({ expect }) => {
		const storage = new FakeStorage();
		const t0 = Date.now();
		const oldKey = newDeltaKey(t0 - 60_000);
		storage.kv.set(
			oldKey,
			serializeDelta([{ op: "delete", type: "imei_md5", value: IMEI }], new Date(t0 - 60_000)),
		);
		storage.publish([[imei, [["kept", 0]]]], { shardBits: 0, folded: t0 - 30_000 });
		const r = reader(storage);
		await r.ready(t0, bg);
		expect((await r.lookup([imei], t0, bg))[0]?.names).toEqual(["kept"]);
		expect(r.deltas.blobs).toBe(0);
	});

	it("serves deltas alone when no snapshot is published", async ({ expect }) => {
		const storage = new FakeStorage();
		const key = newDeltaKey(Date.now());
		storage.kv.set(
			key,
			serializeDelta([{ op: "merge", type: "openid", value: "o_1", segments: [["vip", 0]] }], new Date()),
		);
		const r = reader(storage);
		await r.ready(Date.now(), bg);
		expect(r.manifest).toBeNull();
		expect(syncNames(r.lookup([{ type: "openid", value: "o_1" }, imei], Date.now(), bg))).toEqual([
			["vip"],
			null,
		]);
	});
});
