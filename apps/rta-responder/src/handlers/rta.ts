/**
 * `POST /rta`: one protobuf RtaRequest in, one protobuf RtaResponse out
 * (docs/rta/wire-protocol.md), HTTP 200 for everything that reaches the decision, refusals included
 * (docs/rta/http-behaviour.md "Status codes": any error counts as a timeout). Only a failed header
 * check (401, empty body) and an oversize body (413) answer otherwise.
 *
 * Transport only: header check, body limit, read the request (`readRtaRequest`: strict, the id's
 * exact bytes), `answerRequest` (src/answer.ts: look up, then decide — without a promise when every
 * shard is in memory), write the answer (src/wire/response.ts), then the log lines
 * (src/raw-log.ts).
 * @module
 */
import { type RtaRequestView, readRtaRequest } from "@txad/proto";
import { describeError, log, readBytesWithin } from "@txad/worker-kit";
import { decideRequest, secondStageAds } from "../answer.ts";
import { audienceReader } from "../audience/isolate.ts";
import { checkSignHeaders } from "../auth.ts";
import { currentConfig, peekConfig } from "../config/store.ts";
import { type Outcome, refusal } from "../decide/outcome.ts";
import { countCode, metrics } from "../metrics.ts";
import { logRaw, shouldLogRaw } from "../raw-log.ts";
import { getSettings, type Settings } from "../settings.ts";
import { encodeAnswer } from "../wire/response.ts";

/** Largest body accepted; a real RtaRequest is a few hundred bytes. */
export const MAX_RTA_BODY_BYTES = 64 * 1024;

const PROTOBUF_HEADERS = { "content-type": "application/x-protobuf" } as const;
const NO_ID = new Uint8Array(0);

/**
 * Handles `POST /rta`.
 * @param request - the HTTP request
 * @param env - Worker env
 * @param ctx - execution context (background loads and refreshes)
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
		log("error", "settings_invalid", { error: describeError(e) });
		return new Response(null, { status: 500 });
	}
	if (!checkSignHeaders(request.headers, settings.sign, start)) {
		metrics.unauthorized++;
		return new Response(null, { status: 401 });
	}
	const read = await readBytesWithin(request, MAX_RTA_BODY_BYTES);
	if (read.kind === "too_large") return tooLarge(request);
	const body = read.bytes;

	let req: RtaRequestView;
	try {
		req = readRtaRequest(body);
	} catch (e) {
		log("warn", "rta_undecodable", { bytes: body.byteLength, error: describeError(e), head: hexHead(body) });
		const outcome = refusal("UNDECODABLE");
		const bytes = answerBytes(NO_ID, outcome, start);
		if (shouldLogRaw(settings, undefined, outcome)) logRaw(body, bytes, undefined, outcome, start, false);
		return protobuf(bytes);
	}

	if (req.isPing) {
		metrics.pings++;
		// docs/rta/http-behaviour.md "Ping and test requests": a latency probe gets only code and
		// request_id, at once, no storage read.
		return protobuf(answerBytes(req.idBytes, refusal("PING"), start, true));
	}
	if (req.isTest) metrics.tests++;

	const background = (work: Promise<unknown>) => ctx.waitUntil(work);
	let outcome: Outcome | Promise<Outcome> = decideRequest(req, {
		settings,
		reader: audienceReader(env.RTA_KV, settings),
		config: currentConfig(env, settings, ctx, start),
		loadedConfig: peekConfig,
		background,
		now: start,
		requestId: req.id,
		// Optional: absent where Analytics Engine is not available (docs/cloudflare/analytics-engine.md).
		analytics: (env as { RTA_ANALYTICS?: AnalyticsEngineDataset }).RTA_ANALYTICS,
	});
	const waited = outcome instanceof Promise;
	if (outcome instanceof Promise) outcome = await outcome;
	const bytes = answerBytes(req.idBytes, outcome, start);
	if (shouldLogRaw(settings, req, outcome)) logRaw(body, bytes, req, outcome, start, waited);
	if (req.isTest || (settings.logSampleRate > 0 && Math.random() < settings.logSampleRate)) {
		log("info", "rta", {
			id: req.id,
			test: req.isTest,
			second_stage: secondStageAds(req) !== undefined,
			code: outcome.code,
			reason: outcome.reason,
			strategies: outcome.selected.map((s) => s.id),
			ms: Date.now() - start,
		});
	}
	return protobuf(bytes);
}

function answerBytes(
	idBytes: Uint8Array,
	outcome: Outcome,
	start: number,
	ping = false,
): Uint8Array<ArrayBuffer> {
	countCode(outcome.code);
	return encodeAnswer(idBytes, outcome, ping ? undefined : Date.now() - start);
}

function protobuf(bytes: Uint8Array<ArrayBuffer>): Response {
	return new Response(bytes, { headers: PROTOBUF_HEADERS });
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
