/**
 * `POST /rta`: one protobuf RtaRequest in, one protobuf RtaResponse out
 * (docs/rta/wire-protocol.md), HTTP 200 for everything that reaches the decision, refusals included
 * (docs/rta/http-behaviour.md "Status codes": any error counts as a timeout). Only a failed header
 * check (401, empty body) and an oversize body (413) answer otherwise.
 *
 * Hot path: one decode, settings and compiled config from memory, LRU hits without a promise,
 * one encode. Storage reads race a deadline; on expiry the FALLBACK is answered and the reads
 * finish in the background to warm the LRU.
 * @module
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { decodeRtaRequest, encodeRtaResponse, RtaDeviceSchema, type RtaRequest } from "@txad/proto";
import { lookupCached, lookupRecords } from "../audience.ts";
import { checkSignHeaders } from "../auth.ts";
import type { CompiledConfig } from "../config/compile.ts";
import { currentConfig, peekConfig } from "../config/store.ts";
import { type CandidateId, cachedIdType, collectIds } from "../decide/ids.ts";
import {
	buildResponse,
	decideFromRecords,
	fallbackOutcome,
	type Outcome,
	refusal,
} from "../decide/outcome.ts";
import type { AudienceRecord } from "../decide/record.ts";
import { countCode, metrics } from "../metrics.ts";
import { getSettings, type Settings } from "../settings.ts";

/** Largest body accepted; a real RtaRequest is a few hundred bytes. */
export const MAX_RTA_BODY_BYTES = 64 * 1024;

const PROTOBUF_HEADERS = { "content-type": "application/x-protobuf" } as const;

/**
 * Handles `POST /rta`.
 * @param request - the HTTP request
 * @param env - Worker env
 * @param ctx - execution context (background warm-up after a deadline)
 * @returns the protobuf answer
 */
export async function handleRta(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const start = Date.now();
	metrics.requests++;
	let settings: Settings;
	try {
		settings = getSettings(env);
	} catch (e) {
		// A misconfigured deployment must not silently open the gate or answer garbage.
		console.error(
			JSON.stringify({ event: "settings_invalid", error: e instanceof Error ? e.message : String(e) }),
		);
		return new Response(null, { status: 500 });
	}
	if (!checkSignHeaders(request.headers, settings.sign, start)) {
		metrics.unauthorized++;
		return new Response(null, { status: 401 });
	}
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > MAX_RTA_BODY_BYTES) return tooLarge(request);
	const body = new Uint8Array(await request.arrayBuffer());
	if (body.byteLength > MAX_RTA_BODY_BYTES) return tooLarge(request);

	let req: RtaRequest;
	try {
		req = decodeRtaRequest(body);
	} catch (e) {
		console.warn(
			JSON.stringify({
				event: "rta_undecodable",
				bytes: body.byteLength,
				error: e instanceof Error ? e.message : String(e),
				head: hexHead(body),
			}),
		);
		return answer("", refusal("UNDECODABLE"), start);
	}

	if (req.isPing) {
		metrics.pings++;
		// docs/rta/http-behaviour.md "Ping and test requests": a latency probe gets only code and
		// request_id, at once, no storage read.
		return answer(req.id, refusal("PING"), start, true);
	}
	if (req.isTest) metrics.tests++;

	let outcome: Outcome | Promise<Outcome>;
	try {
		outcome = decide(req, env, settings, ctx, start);
	} catch (e) {
		outcome = internal(req, e);
	}
	if (outcome instanceof Promise) outcome = await outcome;
	const response = answer(req.id, outcome, start);
	if (req.isTest || (settings.logSampleRate > 0 && Math.random() < settings.logSampleRate)) {
		console.log(
			JSON.stringify({
				event: "rta",
				id: req.id,
				test: req.isTest,
				code: outcome.code,
				reason: outcome.reason,
				strategies: outcome.selected.map((s) => s.id),
				ms: Date.now() - start,
			}),
		);
	}
	return response;
}

function decide(
	req: RtaRequest,
	env: Env,
	settings: Settings,
	ctx: ExecutionContext,
	now: number,
): Outcome | Promise<Outcome> {
	const device = req.device;
	if (device === undefined) return refusal("NO_DEVICE");
	const cachedType = cachedIdType(device, isFieldSet(device, RtaDeviceSchema.field.cachedDeviceidType));
	const candidates = collectIds(device, settings.mode, cachedType);
	if (candidates.length === 0) return refusal("NO_USABLE_ID");
	const expIds = req.exps.length === 0 ? NO_EXPS : req.exps.map((e) => e.expId);

	const config = currentConfig(env, settings, ctx, now);
	if (!(config instanceof Promise)) {
		if (config === null) return refusal("NOT_CONFIGURED");
		const cached = lookupCached(settings, candidates, now);
		if (cached !== undefined)
			return decideFromRecords(config, candidates, cached, expIds, Math.floor(now / 1000));
	}
	return withDeadline(req, env, settings, ctx, config, candidates, expIds);
}

const NO_EXPS: readonly number[] = [];

async function withDeadline(
	req: RtaRequest,
	env: Env,
	settings: Settings,
	ctx: ExecutionContext,
	config: CompiledConfig | null | Promise<CompiledConfig | null>,
	candidates: readonly CandidateId[],
	expIds: readonly number[],
): Promise<Outcome> {
	const work = (async (): Promise<Outcome> => {
		const [cfg, records] = await Promise.all([config, lookupRecords(env, settings, candidates)]);
		if (cfg === null) return refusal("NOT_CONFIGURED");
		return decideFromRecords(
			cfg,
			candidates,
			records as (AudienceRecord | null)[],
			expIds,
			Math.floor(Date.now() / 1000),
		);
	})();
	if (settings.deadlineMs === 0) {
		// DEADLINE_MS=0: never wait for storage; answer the fallback on any cache miss and warm up.
		ctx.waitUntil(work.then(noop, noop));
		metrics.deadlineFallbacks++;
		return fallbackOutcome(settings.fallback, peekConfig() ?? undefined);
	}
	let timer: ReturnType<typeof setTimeout> | undefined;
	const expired = new Promise<"deadline">((resolve) => {
		timer = setTimeout(() => resolve("deadline"), settings.deadlineMs);
	});
	try {
		const winner = await Promise.race([work, expired]);
		if (winner !== "deadline") return winner;
		metrics.deadlineFallbacks++;
		// Let the reads finish so the next request for this device is an LRU hit.
		ctx.waitUntil(work.then(noop, noop));
		console.warn(JSON.stringify({ event: "rta_deadline", id: req.id, deadline_ms: settings.deadlineMs }));
		return fallbackOutcome(settings.fallback, peekConfig() ?? undefined);
	} catch (e) {
		metrics.storageErrors++;
		console.error(
			JSON.stringify({
				event: "rta_storage_error",
				id: req.id,
				error: e instanceof Error ? e.message : String(e),
			}),
		);
		return fallbackOutcome(settings.fallback, peekConfig() ?? undefined);
	} finally {
		if (timer !== undefined) clearTimeout(timer);
	}
}

function internal(req: RtaRequest, e: unknown): Outcome {
	console.error(
		JSON.stringify({
			event: "rta_internal_error",
			id: req.id,
			error: e instanceof Error ? e.stack : String(e),
		}),
	);
	return refusal("INTERNAL");
}

function answer(requestId: string, outcome: Outcome, start: number, ping = false): Response {
	countCode(outcome.code);
	const res = buildResponse(requestId, outcome, ping ? undefined : Date.now() - start);
	return new Response(encodeRtaResponse(res), { headers: PROTOBUF_HEADERS });
}

function tooLarge(request: Request): Response {
	metrics.tooLarge++;
	request.body?.cancel().catch(noop);
	return new Response(null, { status: 413 });
}

function hexHead(bytes: Uint8Array): string {
	let out = "";
	for (let i = 0; i < Math.min(32, bytes.length); i++)
		out += (bytes[i] as number).toString(16).padStart(2, "0");
	return out;
}

function noop(): void {}
