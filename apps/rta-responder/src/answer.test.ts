/**
 * Look up, then decide, against the fake KV: answered without a promise when the shards are in
 * memory; the deadline fallback when a shard load is slower than DEADLINE_MS (the load finishing
 * in the background for the next request); storage failures; no config.
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
import { describe, it } from "vitest";
import { type AnswerContext, answerRequest } from "./answer.ts";
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
