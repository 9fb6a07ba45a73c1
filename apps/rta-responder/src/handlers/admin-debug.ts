/**
 * `POST /admin/debug`: the console's debug tool, server-side. The form becomes the RtaRequest
 * Tencent would send (console/debug-request.ts), which is sent through the real `/rta` handler —
 * the registered headers added, the same decode, decision and encode as Tencent's traffic, counted
 * and recorded like it (as `is_test` unless the form says otherwise) — and through
 * `POST /admin/explain` for the trace. Answers the exact request bytes, the exact answer bytes,
 * both decoded, and the explanation.
 * @module
 */
import { type DescMessage, type JsonValue, type MessageShape, toJson } from "@bufbuild/protobuf";
import {
	decodeRtaResponse,
	encodeRtaRequest,
	RtaRequestSchema,
	RtaResponseSchema,
	readRtaRequest,
} from "@txad/proto";
import { readJsonWithin } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { requireAdmin } from "../auth.ts";
import { debugRequest } from "../console/debug-request.ts";
import { bodyRefusal } from "../errors.ts";
import { getSettings } from "../settings.ts";
import { explainRequest } from "./explain.ts";
import { handleRta } from "./rta.ts";

/** Largest form accepted. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Handles `POST /admin/debug`.
 * @param request - the request; body: the debug form (README "Console")
 * @param env - Worker env
 * @param ctx - passed on to `/rta` (background loads)
 * @returns `{ request, http_status, response, explain, agrees }`
 */
export async function handleDebug(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
	const settings = getSettings(env);
	requireAdmin(request, settings);
	const read = await readJsonWithin(request, MAX_FORM_BYTES);
	if (read.kind !== "ok") throw bodyRefusal(read);
	const rta = debugRequest(read.value, Date.now());
	const bytes = encodeRtaRequest(rta);
	const origin = new URL(request.url).origin;

	const headers = new Headers({ "content-type": "application/x-protobuf" });
	for (const [name, value] of settings.sign.current ?? []) headers.set(name, value);
	const started = Date.now();
	const answered = await handleRta(
		new Request(`${origin}/rta`, { method: "POST", headers, body: bytes }),
		env,
		ctx,
	);
	const elapsedMs = Date.now() - started;
	const answer = new Uint8Array(await answered.arrayBuffer());

	// The same bytes, read the way /rta reads them.
	const explain = (await explainRequest(readRtaRequest(bytes), env, settings)) as {
		response?: Record<string, unknown>;
	};
	const response = answered.status === 200 ? json(RtaResponseSchema, decodeRtaResponse(answer)) : null;
	return Response.json({
		request: {
			bytes: bytes.byteLength,
			hex: hex(bytes),
			base64: base64(bytes),
			json: json(RtaRequestSchema, rta),
		},
		http_status: answered.status,
		elapsed_ms: elapsedMs,
		response:
			response === null
				? null
				: { bytes: answer.byteLength, hex: hex(answer), base64: base64(answer), json: response },
		explain,
		// /rta answers from this isolate's memory, explain from KV: they differ only while a change propagates.
		agrees: response !== null && sameDecision(response, explain.response),
	});
}

function json<Desc extends DescMessage>(
	schema: Desc,
	message: MessageShape<Desc>,
): Record<string, JsonValue> {
	return toJson(schema, message, { useProtoFieldName: true }) as Record<string, JsonValue>;
}

/** Equal but for processing_time_ms, which explain does not measure. */
function sameDecision(a: Record<string, unknown>, b: Record<string, unknown> | undefined): boolean {
	if (b === undefined) return false;
	const strip = (o: Record<string, unknown>) => JSON.stringify({ ...o, processing_time_ms: undefined });
	return strip(a) === strip(b);
}

function hex(bytes: Uint8Array): string {
	let out = "";
	for (const b of bytes) out += b.toString(16).padStart(2, "0");
	return out;
}

function base64(bytes: Uint8Array): string {
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary);
}
