/**
 * Hot-path benchmark: decode → decide (LRU hit) → encode, against bare decode + encode of the same
 * messages, measured side by side in alternating rounds in one run. Goal: ratio ≥ 0.6.
 *
 *   npx tsx bench/hot-path.ts
 * @module
 */
import { readFileSync } from "node:fs";
import { isFieldSet } from "@bufbuild/protobuf";
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
import { audienceCache, lookupCached } from "../src/audience.ts";
import { compileConfig } from "../src/config/compile.ts";
import { validateStrategyConfig } from "../src/config/validate.ts";
import { cachedIdType, collectIds } from "../src/decide/ids.ts";
import { buildResponse, decideFromRecords } from "../src/decide/outcome.ts";
import { parseAudienceRecord } from "../src/decide/record.ts";
import { parseSettings } from "../src/settings.ts";

const DEVICES = 1024;
const ROUNDS = 9;
const ROUND_MS = 300;

const settings = parseSettings({});
const validated = validateStrategyConfig(
	JSON.parse(readFileSync(new URL("../seed/config.json", import.meta.url), "utf8")),
	3600,
);
if (!validated.ok) throw new Error("seed config invalid");
const config = compileConfig(validated.config, "bench", 3600);

// Realistic traffic: Android devices with IMEI + OAID (cached type IMEI), one experiment layer;
// 3 in 4 devices are in the audience, the rest are cached negatives.
const segmentsFor = [["new_user"], ["vip"], ["new_user", "installed"], null] as const;
const now = Date.now();
const cache = audienceCache(settings);
const bodies: Uint8Array[] = [];
for (let i = 0; i < DEVICES; i++) {
	const imei = hashDeviceId("imei", `86${String(1e12 + i)}`);
	const oaid = hashDeviceId("oaid", `bench-oaid-${i}`);
	const segs = segmentsFor[i % 4];
	cache.set(
		`imei_md5:${imei}`,
		segs === null ? null : (parseAudienceRecord(JSON.stringify({ segments: segs })) ?? null),
		3_600_000,
		now,
	);
	cache.set(`oaid_md5:${oaid}`, null, 3_600_000, now);
	bodies.push(
		encodeRtaRequest(
			create(RtaRequestSchema, {
				id: `bench-${i}-${crypto.randomUUID()}`,
				device: {
					os: 2,
					imeiMd5sum: imei,
					oaidMd5sum: oaid,
					ip: "10.0.0.1",
					cachedDeviceidType: CacheDeviceIdType.IMEI_MD5,
				},
				exps: [{ expId: 1002 + (i % 3) }],
			}),
		),
	);
}

/** The same steps as src/handlers/rta.ts for a request whose ids are all in the LRU. */
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
	const records = lookupCached(settings, candidates, t);
	if (records === undefined) throw new Error("LRU miss in the hot-path bench");
	const expIds = req.exps.map((e) => e.expId);
	const outcome = decideFromRecords(config, candidates, records, expIds, Math.floor(t / 1000));
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
		for (let i = 0; i < DEVICES; i++) fn(i);
		ops += DEVICES;
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
const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(10);
console.log(
	`hot path bench — ${DEVICES} devices, median of ${ROUNDS} alternating rounds of ${ROUND_MS} ms, node ${process.version}`,
);
console.log(`answers by code: ${JSON.stringify(Object.fromEntries(codes))}`);
console.log(`bare decode + encode           ${fmt(b)} ops/s`);
console.log(`decode → decide (LRU) → encode ${fmt(h)} ops/s`);
console.log(
	`ratio hot / bare               ${(h / b).toFixed(2)}  (goal ≥ 0.60) ${h / b >= 0.6 ? "OK" : "BELOW GOAL"}`,
);
