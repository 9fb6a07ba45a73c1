/**
 * `POST /admin/explain`: for one request, which ids were used or skipped and why, what each id
 * has stored, which segments are active, which strategies were selected and why, and the exact
 * RtaResponse `/rta` would send — the local equivalent of Tencent's debug tool (自助联调).
 *
 * It runs the same pure functions as `/rta` (collectIds, decideFromMemberships) on the truth: the
 * manifest, shards and deltas read from KV (not isolate memory, not the Cache API), and the stored
 * config. `/rta` itself answers from the snapshot and deltas this isolate has loaded (refreshed
 * every CONFIG_REFRESH_SECONDS).
 * @module
 */
import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import {
	decodeBase64,
	decodeRtaResponse,
	encodeRtaRequest,
	isProtoError,
	RtaRequestSchema,
	type RtaRequestView,
	RtaResponseSchema,
	readRtaRequest,
} from "@txad/proto";
import { readBytesWithin, readJsonWithin } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { secondStageAds } from "../answer.ts";
import { audienceReader } from "../audience/isolate.ts";
import { requireAdmin } from "../auth.ts";
import { codeName } from "../codes.ts";
import { compileStored } from "../config/store.ts";
import { cachedIdType, collectIds, type SkippedId } from "../decide/ids.ts";
import { type DecisionTrace, decideFromMemberships, type Outcome, refusal } from "../decide/outcome.ts";
import { bodyRefusal, invalidField } from "../errors.ts";
import { readConfigText } from "../kv.ts";
import { getSettings, type Settings } from "../settings.ts";
import { encodeAnswer } from "../wire/response.ts";
import { inspectionView } from "./admin-audience.ts";
import { MAX_RTA_BODY_BYTES } from "./rta.ts";

/**
 * Handles `POST /admin/explain`. Body: a protobuf RtaRequest (`content-type:
 * application/x-protobuf`), or JSON `{"request": <RtaRequest in protobuf JSON, snake_case or
 * camelCase>}` or `{"request_base64": "<protobuf bytes>"}`.
 * @param request - the request
 * @param env - Worker env
 * @returns the explanation
 */
export async function handleExplain(request: IRequest, env: Env): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	return Response.json(await explainRequest(await readExplainedRequest(request), env, settings));
}

/**
 * The explanation of one request (what `POST /admin/explain` answers; the console's debug tool,
 * handlers/admin-debug.ts, shows it next to what `/rta` answered).
 * @param req - the request as /rta reads it
 * @param env - Worker env (the KV the truth is read from)
 * @param settings - settings
 * @returns the explanation, a JSON object
 */
export async function explainRequest(
	req: RtaRequestView,
	env: Env,
	settings: Settings,
): Promise<Record<string, unknown>> {
	const ads = secondStageAds(req);
	const nowSeconds = Math.floor(Date.now() / 1000);

	const base = {
		request_id: req.id,
		is_test: req.isTest,
		second_stage: ads !== undefined,
		mode: settings.mode.kind === "openid" ? `openid (appid ${settings.mode.appid})` : "device_id",
		notes: [
			"manifest, shards and deltas read from KV, not from isolate memory or the Cache API; /rta answers from what its isolate loaded, refreshed every CONFIG_REFRESH_SECONDS",
			"the segments of every id are united; the cache time is shortened to the end of the segments that selected the strategies",
		],
	};
	const done = (outcome: Outcome, extra: Record<string, unknown>) => ({
		...base,
		...extra,
		code: outcome.code,
		code_name: codeName(outcome.code),
		// The bytes /rta would send, read back: what is shown is what goes on the wire.
		response: toJson(RtaResponseSchema, decodeRtaResponse(encodeAnswer(req.idBytes, outcome, 0)), {
			useProtoFieldName: true,
		}),
	});

	if (req.isPing) return done(refusal("PING"), { reason: "is_ping: answered at once, no storage read" });
	const device = req.device;
	if (device === undefined) return done(refusal("NO_DEVICE"), { reason: "the request has no device" });

	const cachedType = cachedIdType(device);
	const skipped: SkippedId[] = [];
	const candidates = collectIds(device, settings.mode, cachedType, skipped);
	const idsPart = { cached_deviceid_type: cachedType ?? null, skipped_ids: skipped };
	if (candidates.length === 0)
		return done(refusal("NO_USABLE_ID"), {
			...idsPart,
			ids: [],
			reason: "no id of the device can be looked up",
		});

	const nowMs = Date.now();
	const inspected = await audienceReader(env.RTA_KV, settings).inspect(candidates, nowMs);
	const memberships = inspected.map((i) => i.effective);
	const ids = candidates.map((c, i) => {
		const view = inspectionView(c.key, inspected[i] as (typeof inspected)[number], nowSeconds);
		return { ...c, snapshot: view.snapshot, deltas: view.deltas, effective: view.effective };
	});

	const config = compileStored(await readConfigText(env), settings.platformCacheTime, null, "").compiled;
	const exp_ids = req.expIds;
	if (config === null)
		return done(refusal("NOT_CONFIGURED"), {
			...idsPart,
			ids,
			exp_ids,
			reason: "no valid strategy config is stored",
		});

	const trace: DecisionTrace = { used: [], segments: [], selectionEnds: null, strategies: [], ads: [] };
	const outcome = decideFromMemberships(config, candidates, memberships, exp_ids, nowSeconds, ads, trace);
	return done(outcome, {
		...idsPart,
		ids,
		used_ids: trace.used.map((c) => c.key),
		segments: trace.segments,
		exp_ids,
		config_version: config.version,
		response_cache_time: {
			requested: config.requestedCacheTime,
			sent: outcome.cacheTime ?? null,
			platform_cache_time: config.platformCacheTime,
			selection_ends: trace.selectionEnds,
		},
		strategies: trace.strategies,
		...(ads === undefined
			? {}
			: { ads: trace.ads, second_stage_configured: config.secondStage !== undefined }),
		reason:
			outcome.selected.length > 0
				? `selected ${outcome.selected.map((s) => s.id).join(", ")}`
				: trace.used.length === 0
					? "no id has active audience segments and no strategy matches devices without one"
					: "no strategy selected the device",
	});
}

async function readExplainedRequest(request: IRequest): Promise<RtaRequestView> {
	const type = request.headers.get("content-type") ?? "";
	if (type.includes("protobuf")) {
		const body = await readBytesWithin(request, MAX_RTA_BODY_BYTES);
		if (body.kind !== "ok") throw bodyRefusal(body);
		return decodeOrThrow(body.bytes);
	}
	const read = await readJsonWithin(request, MAX_RTA_BODY_BYTES * 2);
	if (read.kind !== "ok") throw bodyRefusal(read);
	const json = read.value;
	if (typeof json !== "object" || json === null || Array.isArray(json))
		throw invalidField("body", 'send {"request": {...}} or {"request_base64": "..."}');
	const { request: reqJson, request_base64: b64 } = json as { request?: unknown; request_base64?: unknown };
	if (b64 !== undefined) {
		if (typeof b64 !== "string") throw invalidField("request_base64", "must be a base64 string");
		let bytes: Uint8Array;
		try {
			bytes = decodeBase64(b64, "request_base64");
		} catch (e) {
			if (isProtoError(e)) throw invalidField("request_base64", "is not base64");
			throw e;
		}
		return decodeOrThrow(bytes, "request_base64");
	}
	if (reqJson === undefined)
		throw invalidField("request", 'send {"request": {...}} or {"request_base64": "..."}');
	try {
		// Through the wire form, so the request is read exactly as /rta reads it.
		return readRtaRequest(
			encodeRtaRequest(fromJson(RtaRequestSchema, reqJson as JsonValue, { ignoreUnknownFields: false })),
		);
	} catch (e) {
		throw invalidField(
			"request",
			`not an RtaRequest in protobuf JSON: ${e instanceof Error ? e.message : String(e)}`,
		);
	}
}

function decodeOrThrow(bytes: Uint8Array, field = "body"): RtaRequestView {
	try {
		return readRtaRequest(bytes);
	} catch (e) {
		throw invalidField(field, `not an RtaRequest: ${e instanceof Error ? e.message : String(e)}`);
	}
}
