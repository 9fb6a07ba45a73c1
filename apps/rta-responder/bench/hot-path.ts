/**
 * Hot-path benchmark: decode → ids → audience lookup (every shard in isolate memory) → decide →
 * encode, against bare decode + encode of the same messages, side by side in alternating rounds.
 * Goal: ratio ≥ 0.6.
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
import { isFieldSet } from "@bufbuild/protobuf";
import { MANIFEST_KEY, SnapshotBuilder, shardKey } from "@txad/audience";
import { hashDeviceId } from "@txad/muid";
import {
	CacheDeviceIdType,
	create,
	decodeRtaRequest,
	decodeRtaResponse,
	encodeRtaRequest,
	encodeRtaResponse,
	RtaDeviceSchema,
	RtaRequestSchema,
	type RtaResponse,
} from "@txad/proto";
import { AudienceReader, type AudienceSource } from "../src/audience/reader.ts";
import { compileConfig } from "../src/config/compile.ts";
import { validateStrategyConfig } from "../src/config/validate.ts";
import { cachedIdType, collectIds } from "../src/decide/ids.ts";
import { buildResponse, decideFromMemberships } from "../src/decide/outcome.ts";
import { parseSettings } from "../src/settings.ts";

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

// Requests for devices spread over the whole audience, cached type IMEI, one experiment layer.
const bodies: Uint8Array[] = [];
for (let r = 0; r < REQUESTS; r++) {
	const i = Math.floor((r * DEVICES) / REQUESTS) + (r % 7);
	bodies.push(
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
			}),
		),
	);
}
// Load every shard the requests need into isolate memory (what a warm isolate has).
for (const body of bodies) {
	const device = decodeRtaRequest(body).device;
	if (device === undefined) throw new Error("no device");
	await reader.lookup(collectIds(device, settings.mode, "imei_md5"), Date.now(), background);
}

/** The same steps as src/answer.ts for a request whose shards are all in memory. */
function hot(body: Uint8Array): Uint8Array {
	const t = Date.now();
	const req = decodeRtaRequest(body);
	const device = req.device;
	if (device === undefined) throw new Error("no device");
	const candidates = collectIds(
		device,
		settings.mode,
		cachedIdType(device, isFieldSet(device, RtaDeviceSchema.field.cachedDeviceidType)),
	);
	const found = reader.lookup(candidates, t, background);
	if (found instanceof Promise) throw new Error("a shard is not in memory in the hot-path bench");
	const expIds = req.exps.map((e) => e.expId);
	const outcome = decideFromMemberships(config, candidates, found, expIds, Math.floor(t / 1000));
	return encodeRtaResponse(buildResponse(req.id, outcome, Date.now() - t));
}

// Bare: decode the same bytes and encode the very response the hot path produced for them.
const answers: RtaResponse[] = bodies.map((b) => decodeRtaResponse(hot(b)));
function bare(i: number): Uint8Array {
	decodeRtaRequest(bodies[i] as Uint8Array);
	return encodeRtaResponse(answers[i] as RtaResponse);
}

const codes = new Map<number, number>();
for (const a of answers) codes.set(a.code, (codes.get(a.code) ?? 0) + 1);

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

const hotFn = (i: number) => hot(bodies[i] as Uint8Array);
round(hotFn);
round(bare); // warm both
const hotOps: number[] = [];
const bareOps: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
	hotOps.push(round(hotFn));
	bareOps.push(round(bare));
}
const h = median(hotOps);
const b = median(bareOps);
const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(10);
console.log(
	`hot path bench — ${REQUESTS} requests over a ${DEVICES.toLocaleString("en-US")}-device snapshot (${built.records} ids, ${built.shardCount} shards, built in ${(buildMs / 1000).toFixed(1)} s; ${reader.memory.size} shards, ${(reader.memory.bytes / 1e6).toFixed(1)} MB in memory), median of ${ROUNDS} alternating rounds of ${ROUND_MS} ms, node ${process.version}`,
);
console.log(`answers by code: ${JSON.stringify(Object.fromEntries(codes))}`);
console.log(`bare decode + encode                ${fmt(b)} ops/s`);
console.log(`decode → lookup → decide → encode   ${fmt(h)} ops/s`);
console.log(
	`ratio hot / bare                    ${(h / b).toFixed(2)}  (goal ≥ 0.60) ${h / b >= 0.6 ? "OK" : "BELOW GOAL"}`,
);
