/**
 * The deadline timer against storage that answers late: the responder's real KV read path
 * (`audienceSource` over a KV binding, no Cache API) on a fake binding that delays every read of
 * the real local KV by `LATENCY_MS`. The fallback answers at DEADLINE_MS, long before the read
 * returns; the read finishes in the background and warms isolate memory, so the next request for
 * the device is decided from memory without a KV read.
 * @module
 */
import { env } from "cloudflare:test";
import { create, encodeRtaRequest, RtaRequestSchema, readRtaRequest } from "@txad/proto";
import { beforeAll, describe, it } from "vitest";
import { type AnswerContext, answerRequest } from "../../src/answer.ts";
import { AudienceReader } from "../../src/audience/reader.ts";
import { audienceSource } from "../../src/audience/source.ts";
import { RtaCode } from "../../src/codes.ts";
import { compileConfig } from "../../src/config/compile.ts";
import { validateStrategyConfig } from "../../src/config/validate.ts";
import type { Outcome } from "../../src/decide/outcome.ts";
import { parseSettings } from "../../src/settings.ts";
import { freshImei, publishSnapshot, TEST_CONFIG } from "../helpers.ts";

const LATENCY_MS = 600;
const DEADLINE_MS = 30;
const VIP = freshImei();

/** A KV binding whose reads take `latencyMs` longer than the real one's; counts them. */
function slowKv(kv: KVNamespace, latencyMs: number) {
	const counter = { gets: 0, slow: true };
	const delay = () => (counter.slow ? new Promise((r) => setTimeout(r, latencyMs)) : Promise.resolve());
	const binding = {
		get: async (key: string, options: unknown) => {
			counter.gets++;
			await delay();
			return kv.get(key, options as KVNamespaceGetOptions<"text">);
		},
		list: async (options: KVNamespaceListOptions) => {
			await delay();
			return kv.list(options);
		},
	} as unknown as KVNamespace;
	return { binding, counter };
}

const validated = validateStrategyConfig(TEST_CONFIG, 3600);
if (!validated.ok) throw new Error("test config");
const config = compileConfig(validated.config, "v1", 3600);

beforeAll(async () => {
	await publishSnapshot([[{ type: "imei_md5", value: VIP.hash }, [["vip", 0]]]], { shardBits: 4 });
});

describe("the deadline timer with storage that answers late", () => {
	it("answers the FALLBACK at DEADLINE_MS, and the late read warms isolate memory", async ({ expect }) => {
		const { binding, counter } = slowKv(env.RTA_KV, LATENCY_MS);
		const reader = new AudienceReader(
			audienceSource(binding, undefined, { shardTtlSeconds: 60, listTtlSeconds: 0 }),
			{ memoryBytes: 1 << 20, refreshMs: 600_000 },
		);
		// The manifest and delta list first (slow too), so the race below is the shard's alone.
		counter.slow = false;
		await reader.ready(Date.now(), () => {});
		counter.slow = true;
		const settings = parseSettings({ DEADLINE_MS: String(DEADLINE_MS), FALLBACK: "st_fallback" });
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
			requestId: "slow-1",
		});
		const request = readRtaRequest(
			encodeRtaRequest(create(RtaRequestSchema, { id: "slow-1", device: { imeiMd5sum: VIP.hash } })),
		);

		const started = Date.now();
		const first = answerRequest(request, ctx());
		expect(first).toBeInstanceOf(Promise);
		const fallback = await (first as Promise<Outcome>);
		const waited = Date.now() - started;
		// The timer won: the fallback strategy, not the device's own, well before the read returned.
		expect(fallback.selected.map((s) => s.id)).toEqual(["st_fallback"]);
		expect(fallback.cacheTime).toBe(3600);
		expect(waited).toBeGreaterThanOrEqual(DEADLINE_MS - 1);
		expect(waited).toBeLessThan(LATENCY_MS);
		expect(background).toHaveLength(1);
		const reads = counter.gets;

		// The read goes on under waitUntil and fills isolate memory.
		await Promise.all(background.splice(0));
		const real = answerRequest(request, ctx());
		expect(real).not.toBeInstanceOf(Promise);
		expect((real as Outcome).code).toBe(RtaCode.TAKE);
		expect((real as Outcome).selected.map((s) => s.id)).toEqual(["st_vip"]);
		expect(counter.gets).toBe(reads);
	});
});
