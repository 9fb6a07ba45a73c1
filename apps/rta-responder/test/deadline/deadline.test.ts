/**
 * The "deadline" project: DEADLINE_MS=0 (never wait for storage) and FALLBACK=st_fallback, set in
 * vitest.config.ts. Storage is real (a published snapshot of 2^10 shards in KV); the deadline is
 * configuration, not a mock: any request whose shard is not in isolate memory gets the fallback
 * while the shard loads in the background.
 * @module
 */

import { SELF } from "cloudflare:test";
import { fingerprint, shardOf } from "@txad/audience";
import { decodeRtaResponse } from "@txad/proto";
import { beforeAll, describe, it } from "vitest";
import { RtaCode } from "../../src/codes.ts";
import {
	askRta,
	BASE,
	freshHash,
	freshImei,
	imeiRequest,
	publishSnapshot,
	putConfig,
	rtaBytes,
} from "../helpers.ts";

const SHARD_BITS = 10;
const VIP = freshImei();
/** Shards some request has touched: a fresh id is picked outside them, so its shard is not in memory. */
const touched = new Set<number>();

function shardOfImei(hash: string): number {
	return shardOf(fingerprint("imei_md5", hash).shardWord, SHARD_BITS);
}

function unloadedHash(): string {
	for (;;) {
		const h = freshHash();
		const s = shardOfImei(h);
		if (!touched.has(s)) {
			touched.add(s);
			return h;
		}
	}
}

beforeAll(async () => {
	await putConfig();
	touched.add(shardOfImei(VIP.hash));
	await publishSnapshot([[{ type: "imei_md5", value: VIP.hash }, [["vip", 0]]]], { shardBits: SHARD_BITS });
});

async function healthz(): Promise<{ isolate: { deadlineFallbacks: number } }> {
	return (await (await SELF.fetch(`${BASE}/healthz`)).json()) as { isolate: { deadlineFallbacks: number } };
}

describe("deadline fallback", () => {
	it("answers the fallback strategy (with its bid fields, platform cache time) on a cache miss", async ({
		expect,
	}) => {
		const before = (await healthz()).isolate.deadlineFallbacks;
		const answer = await askRta(imeiRequest(unloadedHash(), { id: "dl-1" }));
		expect(answer.code).toBe(RtaCode.TAKE);
		expect(answer.requestId).toBe("dl-1");
		expect(answer.outTargetId).toEqual(["st_fallback"]);
		expect(answer.targetInfos[0]?.cpaPrice).toBe(5000);
		expect(answer.responseCacheTime).toBe(3600);
		expect((await healthz()).isolate.deadlineFallbacks).toBe(before + 1);
	});

	it("decides for real once the background load has put the shard in memory", async ({ expect }) => {
		const hash = VIP.hash;
		expect((await askRta(imeiRequest(hash))).outTargetId).toEqual(["st_fallback"]);
		// The read runs under waitUntil; poll briefly until the cached decision shows.
		let answer = await askRta(imeiRequest(hash));
		for (let i = 0; i < 50 && answer.outTargetId[0] === "st_fallback"; i++) {
			await new Promise((r) => setTimeout(r, 10));
			answer = await askRta(imeiRequest(hash));
		}
		expect(answer.outTargetId).toEqual(["st_vip"]);
	});

	it("refuses with DEADLINE when the loaded config lacks the fallback strategy", async ({ expect }) => {
		await putConfig({ strategies: [{ id: "st_vip", include: ["vip"] }] });
		try {
			const res = await SELF.fetch(`${BASE}/rta`, {
				method: "POST",
				headers: { "X-Rta-Token": "tok-current", "X-Rta-Source": "tencent" },
				body: rtaBytes(imeiRequest(unloadedHash())),
			});
			const answer = decodeRtaResponse(new Uint8Array(await res.arrayBuffer()));
			expect(answer.code).toBe(RtaCode.DEADLINE);
			expect(answer.outTargetId).toEqual([]);
		} finally {
			await putConfig();
		}
	});

	it("still answers pings and id refusals without storage", async ({ expect }) => {
		expect((await askRta({ isPing: true })).code).toBe(RtaCode.PING);
		expect((await askRta({ device: { imeiMd5sum: "00" } })).code).toBe(RtaCode.NO_USABLE_ID);
	});
});
