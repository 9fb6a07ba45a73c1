/**
 * Audience benchmark: builds a snapshot of 10^8 ids for real (in-process, @txad/audience
 * `SnapshotBuilder`), measures its size and lookup speed, then simulates the responder's read path
 * — isolate memory (byte-bounded shard LRU, the responder's own `ShardCache`), the data center's
 * Cache API, Workers KV — over Tencent-shaped traffic, and projects KV reads and their price.
 *
 *   npm run bench:audience -w @txad/rta-responder [-- --ids 100000000 --seconds 30 --dcs 3]
 *
 * Everything the simulation assumes is printed and listed in the README ("Audience at scale").
 * @module
 */
import { parseArgs } from "node:util";
import {
	fingerprintInto,
	type IdType,
	mixWords,
	openShard,
	parseManifest,
	type ShardView,
	SnapshotBuilder,
	shardOf,
} from "@txad/audience";
import { ShardCache } from "../src/audience/shard-cache.ts";

const { values } = parseArgs({
	options: {
		ids: { type: "string", default: "100000000" },
		seconds: { type: "string", default: "30" },
		dcs: { type: "string", default: "3" },
		seed: { type: "string", default: "1" },
	},
});
const IDS = Math.max(1000, Math.min(200_000_000, Number(values.ids)));
const SIM_SECONDS = Math.max(6, Math.min(120, Number(values.seconds)));
const DCS = Math.max(1, Math.min(300, Number(values.dcs)));
const SEED = Number(values.seed) >>> 0 || 1;

// ---- Read-path parameters (README "Audience at scale" lists them with their sources) ----------
/** Requests per second reaching the responder after Tencent's 1 h cache (docs/rta/http-behaviour.md "Load"). */
const TOTAL_QPS = 250_000;
/** Tencent's RTA regions: Shenzhen, Shanghai, Tianjin (docs/cloudflare/platform-facts.md "China Network"). */
const REGIONS = 3;
/** Tencent's cache per device and region, seconds (admission form 缓存时间 at its minimum, 1 h). */
const TENCENT_CACHE_S = 3600;
/** Devices Tencent asks about (audience members and everybody else). */
const POPULATION = 1_000_000_000;
/** Zipf exponent of how often a device gets an ad opportunity. */
const ZIPF_S = 1.0;
/** Isolates serving one data center (≈ 1,300 requests/s each). */
const ISOLATES_PER_DC = 64;
/** Isolate shard memory (AUDIENCE_MEMORY_MIB default). */
const MEMORY_BYTES = 48 * 1024 * 1024;
/** Our assumptions — Cloudflare publishes no figure for these (docs/cloudflare/platform-facts.md). */
const CACHE_MATCH_MS = 2;
const CACHE_PUT_MS = 2;
const KV_COLD_MS = 60;
/** DEADLINE_MS default. */
const DEADLINE_MS = 30;
/** Snapshots published per day (a daily audience refresh). */
const PUBLISHES_PER_DAY = 1;
/** The responder caches the manifest and the delta list in the Cache API for 5 s per data center. */
const MANIFEST_CACHE_S = 5;
/** Admin writes (delta blobs) per day, each read from KV once per data center. */
const DELTAS_PER_DAY = 200;
/** KV list price: reads $0.50 / million after 10 M a month; lists $5.00 / million (platform-facts "Prices"). */
const KV_READ_USD_PER_M = 0.5;
const KV_FREE_READS_PER_MONTH = 10_000_000;
const KV_LIST_USD_PER_M = 5;

// ---- A fast reproducible PRNG ----------------------------------------------------------------
let s0 = 0x9e3779b9 ^ SEED;
let s1 = 0x243f6a88;
let s2 = 0xb7e15162;
let s3 = 0x1b873593;
function next(): number {
	// xoshiro128**
	const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
	const t = s1 << 9;
	s2 ^= s0;
	s3 ^= s1;
	s1 ^= s2;
	s0 ^= s3;
	s2 ^= t;
	s3 = rotl(s3, 11);
	return r;
}
function rotl(x: number, k: number): number {
	return (x << k) | (x >>> (32 - k));
}
const random = () => next() / 2 ** 32;
const hex8 = (x: number) => (x >>> 0).toString(16).padStart(8, "0");

// ---- 1. Build the audience -------------------------------------------------------------------
const TYPES: IdType[] = ["imei_md5", "oaid_md5", "idfa_md5"];
const TYPE_CODE = [1, 2, 0]; // index in ID_TYPES
const builder = new SnapshotBuilder();
const sets = [
	builder.dictionary.intern([["new_user", 0]]),
	builder.dictionary.intern([["vip", Math.floor(Date.now() / 1000) + 30 * 86_400]]),
	builder.dictionary.intern([
		["new_user", 0],
		["installed", 0],
	]),
];
/** Every 1000th id built: type index and the four md5 words. */
const present: number[] = [];
const scratch = new Uint32Array(3);
const rssBefore = process.memoryUsage().rss;
const buildStart = performance.now();
for (let i = 0; i < IDS; i++) {
	const w0 = next();
	const w1 = next();
	const w2 = next();
	const w3 = next();
	const t = i % 3;
	// The md5 bytes of a device id as four words: exactly what fingerprintInto parses from hex.
	mixWords(TYPE_CODE[t] as number, w0, w1, w2, w3, scratch);
	builder.addFingerprint(scratch[0] as number, scratch[1] as number, scratch[2] as number, sets[t] as number);
	if (i % 1000 === 0) present.push(t, w0, w1, w2, w3);
}
const built = builder.finish();
const shards: Uint8Array[] = [];
for (const shard of built.shards()) shards.push(shard);
const buildSeconds = (performance.now() - buildStart) / 1000;
const manifest = parseManifest(built.manifest());
const peakBuildRss = process.resourceUsage().maxRSS * 1024;
const views: ShardView[] = shards.map((b, i) => openShard(b, manifest.layout, i));
const stats = manifest.document.stats ?? { shard_bytes_p50: 0, shard_bytes_max: 0, bytes: 0 };
const records = manifest.document.records;

// ---- 2. Lookup speed: fingerprint from hex + shard + search, half present ------------------
// Measured twice: over shards filling the isolate's memory budget (what /rta searches: an isolate
// holds at most AUDIENCE_MEMORY_MIB of shards) and over the whole snapshot (CPU caches missed).
const bits = manifest.shardBits;
const inBudget = new Uint8Array(manifest.shardCount);
{
	let bytes = 0;
	const order = Array.from({ length: manifest.shardCount }, (_, i) => i);
	for (let i = order.length - 1; i > 0; i--) {
		const j = (next() % (i + 1)) >>> 0;
		[order[i], order[j]] = [order[j] as number, order[i] as number];
	}
	for (const i of order) {
		const size = (views[i] as ShardView).byteLength;
		if (bytes + size > MEMORY_BYTES) break;
		bytes += size;
		inBudget[i] = 1;
	}
}
function makeQueries(onlyBudget: boolean): { type: IdType; hash: string }[] {
	// Query strings are made fresh, in query order, like the ids a decoded request carries.
	const out: { type: IdType; hash: string }[] = [];
	const ok = (q: { type: IdType; hash: string }) => {
		if (!onlyBudget) return true;
		fingerprintInto(q.type, q.hash, scratch);
		return inBudget[shardOf(scratch[0] as number, bits)] === 1;
	};
	const samples = present.length / 5;
	while (out.length < 200_000) {
		let q: { type: IdType; hash: string };
		if (out.length % 2 === 0) {
			const at = ((next() % samples) >>> 0) * 5;
			const [t, w0, w1, w2, w3] = present.slice(at, at + 5) as [number, number, number, number, number];
			q = { type: TYPES[t] as IdType, hash: hex8(w0) + hex8(w1) + hex8(w2) + hex8(w3) };
		} else
			q = {
				type: TYPES[out.length % 3] as IdType,
				hash: hex8(next()) + hex8(next()) + hex8(next()) + hex8(next()),
			};
		if (ok(q)) out.push(q);
	}
	return out;
}
function lookupNsOf(queries: { type: IdType; hash: string }[]): { ns: number; found: number } {
	const round = () => {
		let found = 0;
		const start = performance.now();
		for (let r = 0; r < 5; r++)
			for (const q of queries) {
				fingerprintInto(q.type, q.hash, scratch);
				const view = views[shardOf(scratch[0] as number, bits)] as ShardView;
				if (view.find(scratch[1] as number, scratch[2] as number) >= 0) found++;
			}
		return {
			ns: ((performance.now() - start) * 1e6) / (queries.length * 5),
			found: found / (queries.length * 5),
		};
	};
	round();
	const rounds = Array.from({ length: 7 }, round).sort((x, y) => x.ns - y.ns);
	return rounds[3] as { ns: number; found: number };
}
const budgetLookup = lookupNsOf(makeQueries(true));
const wholeLookup = lookupNsOf(makeQueries(false));
const lookupNs = budgetLookup.ns;

// ---- 3. Read-path simulation -----------------------------------------------------------------
/** Device draws after Tencent's per-region 1 h cache. */
type Draw = () => number;

/** Uniform opportunities over the population: after the cache, still uniform. */
const uniformDraw: Draw = () => Math.floor(random() * POPULATION);

/**
 * Zipf opportunities (rate ∝ rank^-s): a device with λ opportunities an hour reaches us
 * λ / (1 + λ) times an hour (it is forwarded, then cached for 1 h). Sampled by inverse CDF over
 * log-spaced rank bins.
 */
function zipfDraw(forwardedPerHour: number): Draw {
	const BINS = 4000;
	const edges = new Float64Array(BINS + 1);
	for (let b = 0; b <= BINS; b++) edges[b] = Math.exp((Math.log(POPULATION + 1) * b) / BINS);
	const weightOf = (c: number, out?: Float64Array) => {
		let sum = 0;
		for (let b = 0; b < BINS; b++) {
			const lo = edges[b] as number;
			const hi = edges[b + 1] as number;
			const n = Math.max(0, Math.floor(hi) - Math.floor(lo));
			const lambda = (c * (lo + hi) ** -ZIPF_S) / 2 ** -ZIPF_S; // rate at the bin's middle rank
			const w = n * (lambda / (1 + lambda));
			sum += w;
			if (out !== undefined) out[b] = sum;
		}
		return sum;
	};
	let lo = 1e-6;
	let hi = 1e15;
	for (let i = 0; i < 200; i++) {
		const mid = Math.sqrt(lo * hi);
		if (weightOf(mid) < forwardedPerHour) lo = mid;
		else hi = mid;
	}
	const cdf = new Float64Array(BINS);
	const total = weightOf(lo, cdf);
	return () => {
		const u = random() * total;
		let a = 0;
		let b = BINS - 1;
		while (a < b) {
			const m = (a + b) >>> 1;
			if ((cdf[m] as number) < u) a = m + 1;
			else b = m;
		}
		const from = Math.floor(edges[a] as number);
		const to = Math.max(from + 1, Math.floor(edges[a + 1] as number));
		return from + Math.floor(random() * (to - from));
	};
}

/** Usable ids per request: 1–4, mean 2.25 (iOS: IDFA, CAID; Android: IMEI, OAID, Android ID). */
function idsOf(device: number): number {
	const h = Math.imul(device ^ 0x5bd1e995, 0x9e3779b1) >>> 24; // 0..255
	return h < 51 ? 1 : h < 166 ? 2 : h < 230 ? 3 : 4;
}

interface Window {
	requests: number;
	memoryHits: number;
	cacheReads: number;
	kvReads: number;
	joined: number;
	fromPrevious: number;
	deadlines: number;
}
const emptyWindow = (): Window => ({
	requests: 0,
	memoryHits: 0,
	cacheReads: 0,
	kvReads: 0,
	joined: 0,
	fromPrevious: 0,
	deadlines: 0,
});

/**
 * One data center at its full request rate: `steady` seconds on a snapshot whose shards are all
 * in the data center's Cache API, then a new snapshot is published and the run goes on for
 * `switch` seconds while isolates load it (answering from the old one meanwhile).
 */
function simulate(draw: Draw, qps: number, steadyS: number, switchS: number) {
	const S = manifest.shardCount;
	const sizes = views.map((v) => ({ byteLength: v.byteLength }));
	const isolates = Array.from({ length: ISOLATES_PER_DC }, () => ({
		memory: new ShardCache<number, { byteLength: number }>(MEMORY_BYTES),
		/** Loads running in the isolate: when the shard is in, and whether it comes from KV. */
		inflight: new Map<number, { ready: number; kv: boolean }>(),
	}));
	let cacheFrom = new Float64Array(S); // ms from which the Cache API holds the shard: all, steady
	const steady = emptyWindow();
	const afterSwitch = emptyWindow();
	const warm = emptyWindow();
	const dt = 1000 / qps;
	const total = Math.floor((steadyS + switchS) * qps);
	const switchAt = steadyS * 1000;
	let epoch = 0;
	let filledAt = Number.POSITIVE_INFINITY;
	let filled = 0;
	for (let n = 0; n < total; n++) {
		const t = n * dt;
		if (epoch === 0 && t >= switchAt) {
			epoch = 1;
			cacheFrom = new Float64Array(S).fill(Number.POSITIVE_INFINITY);
		}
		const w = epoch === 1 ? afterSwitch : t >= switchAt / 2 ? steady : warm;
		w.requests++;
		const device = draw();
		const k = idsOf(device);
		const iso = isolates[(next() % ISOLATES_PER_DC) >>> 0] as (typeof isolates)[number];
		let wait = 0;
		for (let j = 0; j < k; j++) {
			mixWords(j % 6, device, 0, j, 0x5eed, scratch);
			const shard = shardOf(scratch[0] as number, bits);
			const key = epoch * S + shard;
			if (iso.memory.get(key) !== undefined) {
				w.memoryHits++;
				continue;
			}
			const pending = iso.inflight.get(key);
			if (pending !== undefined && pending.ready <= t) {
				iso.inflight.delete(key);
				iso.memory.set(key, sizes[shard] as { byteLength: number });
				w.memoryHits++;
				continue;
			}
			// Not in memory: the new snapshot's shard from the Cache API, or — while it is not
			// there yet — the previous snapshot's (memory or Cache API) with the KV load of the new
			// one running in the background. Only with neither does the request wait for KV.
			const inCache = (cacheFrom[shard] as number) <= t;
			if (pending === undefined) {
				w.cacheReads++;
				let ready = t + CACHE_MATCH_MS;
				if (!inCache) {
					w.kvReads++;
					ready += KV_COLD_MS;
					if ((cacheFrom[shard] as number) === Number.POSITIVE_INFINITY) {
						filled++;
						if (filled === S) filledAt = ready + CACHE_PUT_MS - switchAt;
					}
					cacheFrom[shard] = Math.min(cacheFrom[shard] as number, ready + CACHE_PUT_MS);
				}
				iso.inflight.set(key, { ready, kv: !inCache });
				if (inCache || epoch === 0) {
					wait = Math.max(wait, ready - t);
					continue;
				}
			} else if (!pending.kv || epoch === 0) {
				w.joined++; // single flight: waits on the load already running in this isolate
				wait = Math.max(wait, pending.ready - t);
				continue;
			}
			if (epoch === 1) {
				w.fromPrevious++;
				if (iso.memory.get(shard) === undefined) {
					w.cacheReads++; // the previous snapshot's shard, cached before the publish
					iso.memory.set(shard, sizes[shard] as { byteLength: number });
					wait = Math.max(wait, 2 * CACHE_MATCH_MS);
				}
			}
		}
		if (wait > DEADLINE_MS) w.deadlines++;
		if ((n & 0xffff) === 0)
			for (const i of isolates)
				for (const [key, load] of i.inflight)
					if (load.ready <= t) {
						i.inflight.delete(key);
						i.memory.set(key, sizes[key % S] as { byteLength: number });
					}
	}
	return { steady, afterSwitch, filledAt, shards: S };
}

const qpsPerDc = TOTAL_QPS / (REGIONS * Math.max(1, DCS / REGIONS));
const forwardedPerHour = qpsPerDc * TENCENT_CACHE_S;
const zipf = zipfDraw(forwardedPerHour);
const mixed: Draw = () => (next() & 1 ? uniformDraw() : zipf());
const steadyS = Math.round(SIM_SECONDS * (2 / 3));
const switchS = SIM_SECONDS - steadyS;
const runs = {
	mixed: simulate(mixed, qpsPerDc, steadyS, switchS),
	uniform: simulate(uniformDraw, qpsPerDc, steadyS, switchS),
	zipf: simulate(zipf, qpsPerDc, steadyS, switchS),
};

function project(run: ReturnType<typeof simulate>) {
	const st = run.steady;
	const perRequest = (x: number) => x / st.requests;
	const requestsPerDay = TOTAL_QPS * 86_400;
	// Per data center and day: one fill of every shard per publish (duplicates included), the
	// manifest and the delta list once per Cache API lifetime, every new delta blob once.
	const fillReads = run.afterSwitch.kvReads;
	const manifestReads = 86_400 / MANIFEST_CACHE_S;
	const kvPerDay =
		DCS * (PUBLISHES_PER_DAY * fillReads + manifestReads + DELTAS_PER_DAY) +
		perRequest(st.kvReads) * requestsPerDay;
	const listsPerMonth = DCS * (86_400 / MANIFEST_CACHE_S) * 30;
	const readsPerMonth = kvPerDay * 30;
	return {
		isolateHits: perRequest(st.memoryHits),
		cacheReads: perRequest(st.cacheReads),
		kvPerRequest: kvPerDay / requestsPerDay,
		readsPerMonth,
		usd: (Math.max(0, readsPerMonth - KV_FREE_READS_PER_MONTH) * KV_READ_USD_PER_M) / 1e6,
		listsPerMonth,
		listUsd: (listsPerMonth * KV_LIST_USD_PER_M) / 1e6,
		fillReads,
		hourlyKvPerRequest: (kvPerDay + DCS * 23 * fillReads) / requestsPerDay,
		switchDeadlines: run.afterSwitch.deadlines / run.afterSwitch.requests,
		fromPrevious: run.afterSwitch.fromPrevious / run.afterSwitch.requests,
		filledMs: run.filledAt,
	};
}
const p = project(runs.mixed);
const pu = project(runs.uniform);
const pz = project(runs.zipf);
const small = (x: number) => (x === 0 ? "0" : x < 0.01 ? x.toPrecision(2) : x.toFixed(2));

console.log(
	`audience bench — node ${process.version}; ${IDS === 100_000_000 ? "full 10^8-id build, nothing extrapolated" : `${IDS} ids (not 10^8: a smaller run, nothing extrapolated)`}`,
);
console.log(`audience ids: ${records}`);
console.log(`bytes per record: ${(stats.bytes / records).toFixed(2)}`);
console.log(`lookup ns per id: ${Math.round(lookupNs)}`);
console.log(`shard bytes p50/max: ${stats.shard_bytes_p50}/${stats.shard_bytes_max}`);
console.log(`build seconds per 1M ids: ${((buildSeconds * 1e6) / IDS).toFixed(2)}`);
console.log(`isolate hits per rta request: ${small(p.isolateHits)}`);
console.log(`cache api reads per rta request: ${small(p.cacheReads)}`);
console.log(`kv reads per rta request: ${small(p.kvPerRequest)}`);
console.log(`projected kv read cost per month at 250k qps (usd): ${Math.round(p.usd)}`);
console.log("");
console.log(
	`build: ${buildSeconds.toFixed(1)} s in-process (fingerprint + sort + encode; the CLI adds file parsing), ${manifest.shardCount} shards (2^${bits}), ${(stats.bytes / 1e6).toFixed(0)} MB, peak RSS ${(peakBuildRss / 1e9).toFixed(2)} GB (+${((peakBuildRss - rssBefore) / 1e9).toFixed(2)} GB)`,
);
console.log(
	`lookups (${(budgetLookup.found * 100).toFixed(0)} % present): ${Math.round(budgetLookup.ns)} ns over shards filling the ${MEMORY_BYTES / 2 ** 20} MiB isolate budget (goal ≤ 1000 ${budgetLookup.ns <= 1000 ? "OK" : "ABOVE GOAL"}), ${Math.round(wholeLookup.ns)} ns over the whole ${(stats.bytes / 1e6).toFixed(0)} MB snapshot; ${(stats.bytes / records).toFixed(2)} bytes per record (goal ≤ 12 ${stats.bytes / records <= 12 ? "OK" : "ABOVE GOAL"})`,
);
console.log(
	`simulation: ${REGIONS} regions × ${DCS / REGIONS} data center(s), ${Math.round(qpsPerDc)} req/s each after Tencent's ${TENCENT_CACHE_S / 3600} h cache per region, ${POPULATION / 1e9}e9 devices (uniform and Zipf s=${ZIPF_S} opportunities, mixed 50/50), 1–4 ids per request (mean 2.25), ${ISOLATES_PER_DC} isolates × ${MEMORY_BYTES / 2 ** 20} MiB, Cache API ${CACHE_MATCH_MS} ms, KV cold ${KV_COLD_MS} ms (assumed), deadline ${DEADLINE_MS} ms; ${steadyS} s steady + ${switchS} s after a publish per run`,
);
console.log(
	`per distribution (isolate hits / cache api reads / kv reads per request): uniform ${small(pu.isolateHits)} / ${small(pu.cacheReads)} / ${small(pu.kvPerRequest)}, zipf ${small(pz.isolateHits)} / ${small(pz.cacheReads)} / ${small(pz.kvPerRequest)}`,
);
console.log(
	`kv reads per month: ${(p.readsPerMonth / 1e6).toFixed(1)} M, usd ${((p.readsPerMonth * KV_READ_USD_PER_M) / 1e6).toFixed(2)} before the 10 M a month included (${PUBLISHES_PER_DAY} publish/day: ${p.fillReads} shard reads per data center, ${86_400 / MANIFEST_CACHE_S} manifest reads and ${DELTAS_PER_DAY} delta reads per data center and day); goal ≤ 0.001 per request ${p.kvPerRequest <= 0.001 ? "OK" : "ABOVE GOAL"}`,
);
console.log(`kv reads per rta request with hourly publishes: ${small(p.hourlyKvPerRequest)}`);
console.log(
	`kv list ops per month (delta list, ${MANIFEST_CACHE_S} s per data center): ${(p.listsPerMonth / 1e6).toFixed(2)} M (usd ${p.listUsd.toFixed(2)})`,
);
console.log(
	`after a publish: every shard in the data center's Cache API after ${(p.filledMs / 1000).toFixed(1)} s; requests answered from the previous snapshot meanwhile ${(p.fromPrevious * 100).toFixed(1)} %, deadline fallbacks ${(p.switchDeadlines * 100).toFixed(2)} %`,
);
