/**
 * Shared test helpers: building and sending real protobuf requests, the admin API, fixtures.
 * @module
 */

import { env, SELF } from "cloudflare:test";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type IdType, MANIFEST_KEY, type SegmentEntry, SnapshotBuilder, shardKey } from "@txad/audience";
import { hashDeviceId } from "@txad/muid";
import {
	CacheDeviceIdType,
	create,
	decodeRtaResponse,
	encodeRtaRequest,
	RtaRequestSchema,
	type RtaResponse,
} from "@txad/proto";
import type { StrategyConfigDocument } from "../src/config/types.ts";

/** The header pairs vitest.config.ts registers as RTA_SIGN_HEADERS. */
export const SIGN_HEADERS = { "X-Rta-Token": "tok-current", "X-Rta-Source": "tencent" } as const;
/** The admin token vitest.config.ts sets. */
export const ADMIN_TOKEN = "test-admin-token";
/** Base URL of requests (any host reaches SELF). */
export const BASE = "https://rta.test";

/** The config most tests run with. */
export const TEST_CONFIG: StrategyConfigDocument = {
	response_cache_time: 7200,
	strategies: [
		{
			id: "st_new_user",
			include: ["new_user"],
			exclude: ["installed"],
			bid: { cpc_price: 120, user_weight_factor: 1.5, dsp_tag_str: "nu" },
			experiments: [
				{ exp_id: 1001, enabled: false },
				{ exp_id: 1002, bid: { cpc_factor: 2 } },
			],
		},
		{ id: "st_vip", include: ["vip"] },
		{ id: "st_fallback", include: ["fallback_only"], bid: { cpa_price: 5000 } },
	],
};

/** Request fields tests set (camelCase, as @txad/proto's create takes them). */
export type RequestInit = MessageInitShape<typeof RtaRequestSchema>;

/**
 * Encodes an RtaRequest.
 * @param init - fields
 * @returns wire bytes
 */
export function rtaBytes(init: RequestInit): Uint8Array {
	return encodeRtaRequest(create(RtaRequestSchema, init));
}

/**
 * POSTs bytes to /rta with the registered headers.
 * @param body - request body
 * @param headers - headers to use instead of the registered ones
 * @returns the HTTP response
 */
export function postRta(body: BodyInit, headers: Record<string, string> = SIGN_HEADERS): Promise<Response> {
	return SELF.fetch(`${BASE}/rta`, {
		method: "POST",
		headers: { "content-type": "application/x-protobuf", ...headers },
		body,
	});
}

/**
 * Sends a request and decodes the answer, asserting HTTP 200.
 * @param init - request fields
 * @returns the decoded RtaResponse
 */
export async function askRta(init: RequestInit): Promise<RtaResponse> {
	const res = await postRta(rtaBytes(init));
	if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
	return decodeRtaResponse(new Uint8Array(await res.arrayBuffer()));
}

/**
 * Calls the admin API.
 * @param method - HTTP method
 * @param path - path under the base
 * @param body - JSON value or raw text
 * @param token - bearer token
 * @returns the response
 */
export function admin(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<Response> {
	const init: { method: string; headers: Record<string, string>; body?: string } = {
		method,
		headers: { authorization: `Bearer ${token}` },
	};
	if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
	return SELF.fetch(`${BASE}${path}`, init);
}

/**
 * Stores a config through the admin API, failing loudly.
 * @param config - the config
 */
export async function putConfig(config: unknown = TEST_CONFIG): Promise<void> {
	const res = await admin("PUT", "/admin/config", config);
	if (res.status !== 200) throw new Error(`PUT /admin/config: ${res.status} ${await res.text()}`);
}

/**
 * Stores audience lines through the admin API (one delta), failing loudly.
 * @param lines - NDJSON objects
 * @param mode - replace (default) or merge
 */
export async function putAudience(lines: object[], mode: "replace" | "merge" = "replace"): Promise<void> {
	const res = await admin(
		"POST",
		`/admin/audience?mode=${mode}`,
		lines.map((l) => JSON.stringify(l)).join("\n"),
	);
	if (res.status !== 200) throw new Error(`POST /admin/audience: ${res.status} ${await res.text()}`);
}

/**
 * A fresh random raw IMEI (15 digits) and its hash, so tests never share devices.
 * @returns raw and md5
 */
export function freshImei(): { raw: string; hash: string } {
	const raw = `86${String(Math.floor(Math.random() * 1e13)).padStart(13, "0")}`;
	return { raw, hash: hashDeviceId("imei", raw) };
}

/**
 * A fresh random md5-shaped hash.
 * @returns 32 lower-case hex characters
 */
export function freshHash(): string {
	return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A request for an Android device known by its IMEI hash.
 * @param imeiHash - imei_md5sum
 * @param extra - more fields
 * @returns request fields
 */
export function imeiRequest(
	imeiHash: string,
	extra: { id?: string; isTest?: boolean; exps?: { expId: number }[] } = {},
): RequestInit {
	return {
		id: `req-${crypto.randomUUID()}`,
		device: { os: 2, imeiMd5sum: imeiHash, cachedDeviceidType: CacheDeviceIdType.IMEI_MD5 },
		...extra,
	};
}

/**
 * Publishes a snapshot into the test KV the way `txad audience publish` does (shards, then the
 * manifest) and waits until this isolate answers from it (CONFIG_REFRESH_SECONDS is 0 in the
 * test projects, so every request refreshes in the background).
 * @param ids - ids with their segments and ends
 * @param options - shard bits (default 2) and the delta cursor
 * @returns the snapshot id
 */
export async function publishSnapshot(
	ids: [{ type: IdType; value: string }, SegmentEntry[]][],
	options: { shardBits?: number; deltasFoldedUntil?: number } = {},
): Promise<string> {
	const b = new SnapshotBuilder({ shardBits: options.shardBits ?? 2 });
	for (const [id, entries] of ids) b.add(id.type, id.value, b.dictionary.intern(entries));
	const built = b.finish({ deltasFoldedUntil: options.deltasFoldedUntil ?? 0 });
	let i = 0;
	for (const shard of built.shards()) await env.RTA_KV.put(shardKey(built.snapshotId, i++), shard);
	const manifest = { ...built.manifest(), published_at: new Date().toISOString() };
	await env.RTA_KV.put(MANIFEST_KEY, JSON.stringify(manifest));
	await waitForSnapshot(built.snapshotId);
	return built.snapshotId;
}

/**
 * Waits until /healthz reports a snapshot id (every call refreshes in the background).
 * @param snapshotId - the id to wait for
 */
export async function waitForSnapshot(snapshotId: string): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const health = (await (await SELF.fetch(`${BASE}/healthz`)).json()) as {
			audience: { snapshot_id: unknown };
		};
		if (health.audience.snapshot_id === snapshotId) return;
		await new Promise((r) => setTimeout(r, 20));
	}
	throw new Error(`the responder did not switch to snapshot ${snapshotId}`);
}
