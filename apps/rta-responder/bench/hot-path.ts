/**
 * Hot-path benchmark: read → ids → audience lookup (every shard in isolate memory) → decide →
 * write, exactly as src/answer.ts and src/handlers/rta.ts do it, against a bare protobuf-es
 * decode + encode of the same request and response messages, side by side in alternating rounds,
 * for three kinds of traffic: first-stage requests (takes and refusals), first-stage requests of
 * devices whose strategy carries products and an aid_whitelist, and second-stage (ADLIST)
 * requests listing 10 ads. Goal: ratio ≥ 0.8 for each.
 *
 * The audience is a 1 M-device snapshot built with @txad/audience (as `txad audience build`
 * does: every device in a segment under its IMEI, its OAID not in the audience), read
 * through the responder's own AudienceReader from an in-memory source and loaded into its
 * memory before measuring.
 *
 *   npx tsx bench/hot-path.ts
 * @module
 */
import { readFileSync } from "node:fs";
import { MANIFEST_KEY, SnapshotBuilder, shardKey } from "@txad/audience";
import { hashDeviceId } from "@txad/muid";
import {
	CacheDeviceIdType,
	create,
	decodeRtaRequest,
	decodeRtaResponse,
	encodeRtaRequest,
	encodeRtaResponse,
	RequestType,
	RtaRequestSchema,
	type RtaResponse,
	readRtaRequest,
} from "@txad/proto";
import { secondStageAds } from "../src/answer.ts";
import { AudienceReader, type AudienceSource } from "../src/audience/reader.ts";
import { compileConfig } from "../src/config/compile.ts";
import { validateStrategyConfig } from "../src/config/validate.ts";
import { cachedIdType, collectIds } from "../src/decide/ids.ts";
import { decideFromMemberships, type Outcome } from "../src/decide/outcome.ts";
import { parseSettings } from "../src/settings.ts";
import { encodeAnswer } from "../src/wire/response.ts";

const DEVICES = 1_000_000;
const REQUESTS = 4096;
const ROUNDS = 9;
const ROUND_MS = 300;

const settings = parseSettings({});
const validated = validateStrategyConfig(
	JSON.parse(readFileSync(new URL("../seed/config.json", import.meta.url), "utf8")),
	3600,
);
if (!validated.ok) throw new Error("seed config invalid");
const config = compileConfig(validated.config, "bench", 3600);

// The audience: 1 M Android devices, each in a segment under its IMEI (half taken, half refused).
const segmentsFor = [["new_user"], ["vip"], ["new_user", "installed"], ["installed"]] as const;
const imeiOf = (i: number) => hashDeviceId("imei", `86${String(1e12 + i)}`);
const oaidOf = (i: number) => hashDeviceId("oaid", `bench-oaid-${i}`);
const builder = new SnapshotBuilder();
const sets = segmentsFor.map((s) => builder.dictionary.intern(s.map((n) => [n, 0] as const)));
const buildStart = performance.now();
for (let i = 0; i < DEVICES; i++) {
	builder.add("imei_md5", imeiOf(i), sets[i % 4] as number);
}
const built = builder.finish();
const kv = new Map<string, Uint8Array | string>();
let n = 0;
for (const shard of built.shards()) kv.set(shardKey(built.snapshotId, n++), shard);
kv.set(MANIFEST_KEY, JSON.stringify(built.manifest()));
const buildMs = performance.now() - buildStart;

const source: AudienceSource = {
	manifest: async () => kv.get(MANIFEST_KEY) as string,
	matchShard: async () => null,
	fetchShard: async (id, shard) => (kv.get(shardKey(id, shard)) as Uint8Array | undefined) ?? null,
	storeShard: async () => {},
	deltaKeys: async () => [],
	delta: async () => null,
};
const reader = new AudienceReader(source, {
	memoryBytes: settings.audienceMemoryBytes,
	refreshMs: 3_600_000,
});
const background = (p: Promise<unknown>) => {
	p.catch(() => {});
};
await reader.ready(Date.now(), background);

type Kind = "first-stage" | "products" | "adlist";

// Requests for devices spread over the whole audience, cached type IMEI, one experiment layer.
// "products": only devices in `vip` (st_vip carries products, an aid_whitelist and a tag).
// "adlist": second-stage requests of 10 ads (1001–1010, two creatives each, one product).
function requests(kind: Kind): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (let r = 0; r < REQUESTS; r++) {
		let i = Math.floor((r * DEVICES) / REQUESTS) + (r % 7);
		if (kind === "products") i = i - (i % 4) + 1;
		if (kind === "adlist") i -= i % 4;
		out.push(
			encodeRtaRequest(
				create(RtaRequestSchema, {
					id: `bench-${r}-${crypto.randomUUID()}`,
					device: {
						os: 2,
						imeiMd5sum: imeiOf(i),
						oaidMd5sum: oaidOf(i),
						ip: "10.0.0.1",
						cachedDeviceidType: CacheDeviceIdType.IMEI_MD5,
					},
					exps: [{ expId: 1002 + (r % 3) }],
					...(kind === "adlist"
						? {
								requestInfo: { requestType: RequestType.ADLIST_REQUEST },
								adInfos: Array.from({ length: 10 }, (_, a) => ({
									adgroupId: BigInt(1001 + a),
									advertiserId: 20001,
									outTargetId: "st_new_user",
									creativeInfos: [
										{ creativeId: BigInt((1001 + a) * 10 + 1), crtTemplateId: 711 },
										{ creativeId: BigInt((1001 + a) * 10 + 2), crtTemplateId: 712 },
									],
									productInfos: [{ productLib: 7001n, outProductId: `sku-${a}` }],
								})),
							}
						: {}),
				}),
			),
		);
	}
	return out;
}

/** The same steps as src/handlers/rta.ts + src/answer.ts for a request whose shards are all in memory. */
function hot(body: Uint8Array, keep?: Outcome[]): Uint8Array {
	const t = Date.now();
	const req = readRtaRequest(body);
	const device = req.device;
	if (device === undefined) throw new Error("no device");
	const candidates = collectIds(device, settings.mode, cachedIdType(device));
	const found = reader.lookup(candidates, t, background);
	if (found instanceof Promise) throw new Error("a shard is not in memory in the hot-path bench");
	const outcome = decideFromMemberships(
		config,
		candidates,
		found,
		req.expIds,
		Math.floor(t / 1000),
		secondStageAds(req),
	);
	keep?.push(outcome);
	return encodeAnswer(req.idBytes, outcome, Date.now() - t);
}

function round(fn: (i: number) => unknown): number {
	let ops = 0;
	const start = performance.now();
	let elapsed = 0;
	while (elapsed < ROUND_MS) {
		for (let i = 0; i < REQUESTS; i++) fn(i);
		ops += REQUESTS;
		elapsed = performance.now() - start;
	}
	return (ops * 1000) / elapsed;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(10);

console.log(
	`hot path bench — ${REQUESTS} requests per kind over a ${DEVICES.toLocaleString("en-US")}-device snapshot (${built.records} ids, ${built.shardCount} shards, built in ${(buildMs / 1000).toFixed(1)} s), median of ${ROUNDS} alternating rounds of ${ROUND_MS} ms, node ${process.version}`,
);
console.log(
	"bare = protobuf-es decodeRtaRequest + encodeRtaResponse of the same request and answer messages",
);
let allOk = true;
for (const kind of ["first-stage", "products", "adlist"] as const) {
	const bodies = requests(kind);
	// Load every shard the requests need into isolate memory (what a warm isolate has).
	for (const body of bodies) {
		const device = readRtaRequest(body).device;
		if (device === undefined) throw new Error("no device");
		await reader.lookup(collectIds(device, settings.mode, "imei_md5"), Date.now(), background);
	}
	// Bare: decode the same bytes and encode the very response the hot path produced for them.
	const outcomes: Outcome[] = [];
	const answers: RtaResponse[] = bodies.map((b) => decodeRtaResponse(hot(b, outcomes)));
	// The responder's own codec alone (read + write of the same outcome): what is left is the decision.
	const codec = (i: number) => {
		const req = readRtaRequest(bodies[i] as Uint8Array);
		return encodeAnswer(req.idBytes, outcomes[i] as Outcome, 0);
	};
	const bare = (i: number) => {
		decodeRtaRequest(bodies[i] as Uint8Array);
		return encodeRtaResponse(answers[i] as RtaResponse);
	};
	const hotFn = (i: number) => hot(bodies[i] as Uint8Array);
	const codes = new Map<number, number>();
	for (const a of answers) codes.set(a.code, (codes.get(a.code) ?? 0) + 1);
	const sample = answers[0] as RtaResponse;
	round(hotFn);
	round(bare);
	round(codec); // warm all three
	const hotOps: number[] = [];
	const bareOps: number[] = [];
	const codecOps: number[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		hotOps.push(round(hotFn));
		bareOps.push(round(bare));
		codecOps.push(round(codec));
	}
	const h = median(hotOps);
	const b = median(bareOps);
	const c = median(codecOps);
	const ok = h / b >= 0.8;
	allOk &&= ok;
	console.log(
		`${kind.padEnd(12)} bare ${fmt(b)} ops/s   hot ${fmt(h)} ops/s   ratio ${(h / b).toFixed(2)} (goal ≥ 0.80) ${ok ? "OK" : "BELOW GOAL"}   own codec alone ${fmt(c)} ops/s: decision ${(1e6 / h - 1e6 / c).toFixed(2)} µs   codes ${JSON.stringify(Object.fromEntries(codes))}, request ${bodies[0]?.length} B, answer ${encodeRtaResponse(sample).length} B, ${sample.adResults.length} ad_results, ${sample.targetInfos.reduce((n, t) => n + t.dynamicProductInfos.length, 0)} product lists`,
	);
}
console.log(
	`isolate memory: ${reader.memory.size} shards, ${(reader.memory.bytes / 1e6).toFixed(1)} MB; ${allOk ? "every kind meets the goal" : "a kind is below the goal"}`,
);
