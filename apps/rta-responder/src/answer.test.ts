/**
 * Look up, then decide, against the fake KV: answered without a promise when the shards are in
 * memory; the deadline fallback when a shard load is slower than DEADLINE_MS (the load finishing
 * in the background for the next request); storage failures; no config. `decideRequest`: one
 * record per decision — tier, fallback reason, stage, time — in the dataset and the isolate.
 * @module
 */
import {
	create,
	encodeRtaRequest,
	RequestType,
	RtaRequestSchema,
	type RtaRequestView,
	readRtaRequest,
} from "@txad/proto";
import type { DataPoint } from "@txad/rta-metrics";
import { describe, it } from "vitest";
import { analyticsCounters, isolateStats } from "./analytics/record.ts";
import { type AnswerContext, answerRequest, decideRequest } from "./answer.ts";
import { FakeStorage } from "./audience/fake-storage.testdata.ts";
import { AudienceReader } from "./audience/reader.ts";
import { RtaCode } from "./codes.ts";
import { compiledConfig } from "./config/strategies.testdata.ts";
import type { Outcome } from "./decide/outcome.ts";
import { metrics } from "./metrics.ts";
import { parseSettings } from "./settings.ts";

const IMEI = "b496ec1169770ea274a2b4f42ca4fb71";
const config = compiledConfig();
/** A request as /rta reads it: written to the wire and read back. */
function view(init: Parameters<typeof create<typeof RtaRequestSchema>>[1]): RtaRequestView {
	return readRtaRequest(encodeRtaRequest(create(RtaRequestSchema, init)));
}
const request = view({ id: "r1", device: { os: 2, imeiMd5sum: IMEI, cachedDeviceidType: 1 } });

function setup(env: Record<string, string>, latencyMs = 0) {
	const storage = new FakeStorage();
	storage.publish([[{ type: "imei_md5", value: IMEI }, [["vip", 0]]]], { shardBits: 3 });
	storage.latencyMs = latencyMs;
	const settings = parseSettings(env);
	const reader = new AudienceReader(storage.source(), { memoryBytes: 1 << 20, refreshMs: 60_000 });
	const background: Promise<unknown>[] = [];
	const ctx = (): AnswerContext => ({
		settings,
		reader,
		config,
		loadedConfig: () => config,
		background: (p) => {
			background.push(p);
		},
		now: Date.now(),
		requestId: "r1",
	});
	const settle = async () => {
		while (background.length > 0) await Promise.allSettled(background.splice(0));
	};
	return { storage, reader, ctx, settle };
}

async function outcomeOf(o: Outcome | Promise<Outcome>): Promise<Outcome> {
	return o instanceof Promise ? await o : o;
}

describe("answerRequest", () => {
	it("decides without a promise once the shard is in memory", async ({ expect }) => {
		const { ctx, settle } = setup({ DEADLINE_MS: "1000" });
		const first = answerRequest(request, ctx());
		expect(first).toBeInstanceOf(Promise);
		expect((await first).selected.map((s) => s.id)).toEqual(["st_vip", "st_open", "st_all"]);
		await settle();
		const before = metrics.decidedFromMemory;
		const second = answerRequest(request, ctx());
		expect(second).not.toBeInstanceOf(Promise);
		expect((second as Outcome).code).toBe(RtaCode.TAKE);
		expect(metrics.decidedFromMemory).toBe(before + 1);
	});

	it("answers the FALLBACK when the shard load misses DEADLINE_MS, and decides for real once it is in", async ({
		expect,
	}) => {
		const { ctx, settle, storage, reader } = setup({ DEADLINE_MS: "20", FALLBACK: "st_new" }, 80);
		await reader.ready(Date.now(), () => {});
		const deadlines = metrics.deadlineFallbacks;
		// The fallback (not the device's own strategies) proves the deadline won the race.
		const fallback = await outcomeOf(answerRequest(request, ctx()));
		expect(fallback).toEqual(
			expect.objectContaining({
				code: RtaCode.TAKE,
				cacheTime: 3600,
				selected: [expect.objectContaining({ id: "st_new" })],
			}),
		);
		expect(metrics.deadlineFallbacks).toBe(deadlines + 1);
		// The load went on in the background: one KV read, and the next request is a memory hit.
		await settle();
		const reads = storage.kvReads;
		const real = answerRequest(request, ctx());
		expect(real).not.toBeInstanceOf(Promise);
		expect((real as Outcome).selected.map((s) => s.id)).toEqual(["st_vip", "st_open", "st_all"]);
		expect(storage.kvReads).toBe(reads);
	});

	it("races a second-stage request against ADLIST_DEADLINE_MS, not DEADLINE_MS", async ({ expect }) => {
		const adlist = view({
			id: "r2",
			device: { os: 2, imeiMd5sum: IMEI, cachedDeviceidType: 1 },
			requestInfo: { requestType: RequestType.ADLIST_REQUEST },
			adInfos: [{ adgroupId: 1001n }],
		});
		// 80 ms storage: past DEADLINE_MS (20), within ADLIST_DEADLINE_MS (400).
		const slow = setup({ DEADLINE_MS: "20", ADLIST_DEADLINE_MS: "400", FALLBACK: "st_new" }, 80);
		await slow.reader.ready(Date.now(), () => {});
		const second = await outcomeOf(answerRequest(adlist, slow.ctx()));
		expect(second.selected.map((s) => s.id)).toEqual(["st_vip", "st_open", "st_all"]);
		// And the other way round: a short ADLIST_DEADLINE_MS answers the fallback.
		const short = setup({ DEADLINE_MS: "400", ADLIST_DEADLINE_MS: "20", FALLBACK: "st_new" }, 80);
		await short.reader.ready(Date.now(), () => {});
		const fallback = await outcomeOf(answerRequest(adlist, short.ctx()));
		expect(fallback.selected.map((s) => s.id)).toEqual(["st_new"]);
		expect(fallback.cacheTime).toBeUndefined();
		await slow.settle();
		await short.settle();
	});

	it("DEADLINE_MS=0 never waits: a shard miss answers DEADLINE (FALLBACK refuse) at once", async ({
		expect,
	}) => {
		const { ctx, reader } = setup({ DEADLINE_MS: "0" }, 50);
		await reader.ready(Date.now(), () => {});
		const out = await outcomeOf(answerRequest(request, ctx()));
		expect(out).toEqual(
			expect.objectContaining({ code: RtaCode.DEADLINE, selected: [], cacheTime: undefined }),
		);
	});

	it("answers the FALLBACK when storage fails, counting the error", async ({ expect }) => {
		const { ctx, reader, storage } = setup({ DEADLINE_MS: "1000" });
		await reader.ready(Date.now(), () => {});
		storage.failKv = true;
		const errors = metrics.storageErrors;
		expect((await outcomeOf(answerRequest(request, ctx()))).code).toBe(RtaCode.DEADLINE);
		expect(metrics.storageErrors).toBe(errors + 1);
	});

	it("refuses before any lookup when there is no device, no usable id, or no config", async ({ expect }) => {
		const { ctx, storage } = setup({});
		const reads = storage.kvReads;
		expect((await outcomeOf(answerRequest(view({}), ctx()))).code).toBe(RtaCode.NO_DEVICE);
		const noId = view({ device: { imeiMd5sum: "zz" } });
		expect((await outcomeOf(answerRequest(noId, ctx()))).code).toBe(RtaCode.NO_USABLE_ID);
		expect(storage.kvReads).toBe(reads);
		const c = ctx();
		expect((await outcomeOf(answerRequest(request, { ...c, config: null }))).code).toBe(
			RtaCode.NOT_CONFIGURED,
		);
		expect((await outcomeOf(answerRequest(request, { ...c, config: Promise.resolve(null) }))).code).toBe(
			RtaCode.NOT_CONFIGURED,
		);
	});
});

describe("decideRequest", () => {
	/** A dataset that keeps what is written (the real binding is a no-op stand-in locally). */
	function dataset() {
		const points: DataPoint[] = [];
		return { points, sink: { writeDataPoint: (p: DataPoint) => void points.push(p) } };
	}

	it("records one data point per decision: the KV read, then memory, with the config version", async ({
		expect,
	}) => {
		const { ctx, reader } = setup({ DEADLINE_MS: "1000" });
		await reader.ready(Date.now(), () => {});
		const ds = dataset();
		const before = isolateStats.stats(Date.now(), 1).requests;
		const first = await outcomeOf(decideRequest(request, { ...ctx(), analytics: ds.sink }));
		expect(first.code).toBe(RtaCode.TAKE);
		const second = decideRequest(request, { ...ctx(), analytics: ds.sink });
		expect(second).not.toBeInstanceOf(Promise);
		expect(
			ds.points.map((p) => [p.indexes[0], p.blobs[1], p.blobs[2], p.blobs[3], p.blobs[4], p.blobs[6]]),
		).toEqual([
			["TAKE", "first", "st_vip,st_open,st_all", "", "kv", config.version],
			["TAKE", "first", "st_vip,st_open,st_all", "", "memory", config.version],
		]);
		// code, is_test, ids looked up, ads, weight
		expect(
			ds.points.map((p) => [p.doubles[0], p.doubles[2], p.doubles[3], p.doubles[4], p.doubles[5]]),
		).toEqual([
			[0, 0, 1, 0, 1],
			[0, 0, 1, 0, 1],
		]);
		expect(isolateStats.stats(Date.now(), 1).requests).toBe(before + 2);
	});

	it("records the fallback reason: a missed deadline, a storage failure", async ({ expect }) => {
		const slow = setup({ DEADLINE_MS: "20", FALLBACK: "st_new" }, 80);
		await slow.reader.ready(Date.now(), () => {});
		const ds = dataset();
		const out = await outcomeOf(decideRequest(request, { ...slow.ctx(), analytics: ds.sink }));
		expect(out.selected.map((s) => s.id)).toEqual(["st_new"]);
		expect(ds.points[0]?.blobs.slice(0, 5)).toEqual(["TAKE", "first", "st_new", "deadline", "kv"]);
		expect(ds.points[0]?.doubles[1]).toBeGreaterThanOrEqual(20);
		await slow.settle();

		const failing = setup({ DEADLINE_MS: "1000" });
		await failing.reader.ready(Date.now(), () => {});
		failing.storage.failKv = true;
		await outcomeOf(decideRequest(request, { ...failing.ctx(), analytics: ds.sink }));
		expect(ds.points[1]?.blobs.slice(0, 5)).toEqual(["DEADLINE", "first", "", "storage_error", "kv"]);
	});

	it("records ad-list and is_test requests, refusals before any lookup, and an unexpected error as INTERNAL", async ({
		expect,
	}) => {
		const { ctx, reader, settle } = setup({});
		await reader.ready(Date.now(), () => {});
		const ds = dataset();
		const adlist = view({
			id: "r3",
			isTest: true,
			device: { os: 2, imeiMd5sum: IMEI, cachedDeviceidType: 1 },
			requestInfo: { requestType: RequestType.ADLIST_REQUEST },
			adInfos: [{ adgroupId: 1001n }, { adgroupId: 1002n }],
		});
		await outcomeOf(decideRequest(adlist, { ...ctx(), analytics: ds.sink }));
		expect(ds.points[0]?.blobs[1]).toBe("adlist");
		expect([ds.points[0]?.doubles[2], ds.points[0]?.doubles[4]]).toEqual([1, 2]);
		await outcomeOf(decideRequest(view({ device: { imeiMd5sum: "zz" } }), { ...ctx(), analytics: ds.sink }));
		expect(ds.points[1]?.blobs.slice(0, 5)).toEqual(["NO_USABLE_ID", "first", "", "", "none"]);
		const broken = {
			...ctx(),
			analytics: ds.sink,
			reader: {
				ready: () => undefined,
				lookup: () => {
					throw new Error("boom");
				},
			} as unknown as AudienceReader,
		};
		expect((await outcomeOf(decideRequest(request, broken))).code).toBe(RtaCode.INTERNAL);
		expect(ds.points[2]?.indexes).toEqual(["INTERNAL"]);
		await settle();
	});

	it("answers the same without a dataset, and with one that throws", async ({ expect }) => {
		const { ctx, reader, settle } = setup({});
		await reader.ready(Date.now(), () => {});
		const before = { ...analyticsCounters };
		expect((await outcomeOf(decideRequest(request, ctx()))).code).toBe(RtaCode.TAKE);
		const throwing = {
			writeDataPoint: () => {
				throw new Error("quota exceeded");
			},
		};
		expect((await outcomeOf(decideRequest(request, { ...ctx(), analytics: throwing }))).code).toBe(
			RtaCode.TAKE,
		);
		expect(analyticsCounters.unbound).toBe(before.unbound + 1);
		expect(analyticsCounters.failed).toBe(before.failed + 1);
		await settle();
	});

	it("never lets a fault in recording change the answer", async ({ expect }) => {
		const { ctx, reader, settle } = setup({});
		await reader.ready(Date.now(), () => {});
		await outcomeOf(decideRequest(request, ctx()));
		const faulty = {
			...ctx(),
			loadedConfig: () => {
				throw new Error("metrics bug");
			},
		};
		const out = decideRequest(request, faulty);
		expect(out).not.toBeInstanceOf(Promise);
		expect((out as Outcome).code).toBe(RtaCode.TAKE);
		await settle();
	});

	it("writes ANALYTICS_SAMPLE_RATE of the decisions, each point weighing 1 / rate", async ({ expect }) => {
		const { ctx, reader, settle } = setup({ ANALYTICS_SAMPLE_RATE: "0.25" });
		await reader.ready(Date.now(), () => {});
		const ds = dataset();
		for (let i = 0; i < 400; i++) await outcomeOf(decideRequest(request, { ...ctx(), analytics: ds.sink }));
		// Binomial(400, 0.25): 100 ± 8.7; outside 50–150 has probability < 1e-8.
		expect(ds.points.length).toBeGreaterThan(50);
		expect(ds.points.length).toBeLessThan(150);
		expect(new Set(ds.points.map((p) => p.doubles[5]))).toEqual(new Set([4]));
		await settle();
	});
});
