/**
 * `POST /rta/{function}/{operate}` (docs/rta/management-api.md API请求约定): reads the body,
 * authenticates, dispatches, and answers the envelope. Every request that reaches this handler gets
 * HTTP 200 and a JSON envelope, failures included (API返回约定: "只要能进逻辑层，必然返回JSON格式"; the outcome is in
 * `code`); only a method other than POST gets 405.
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import {
	type Request as ApiRequest,
	create,
	fromManagementJson,
	isProtoError,
	Request_DataSchema,
	RequestSchema,
} from "@txad/proto";
import { parseApiJson } from "@txad/rta-admin";
import { logUnhandled, readTextWithin } from "@txad/worker-kit";
import type { IRequest } from "itty-router";
import { authenticate } from "../auth.ts";
import { SandboxCode } from "../codes.ts";
import { envelopeResponse, type Outcome } from "../envelope.ts";
import { isSandboxError, SandboxError } from "../errors.ts";
import { getSettings } from "../settings.ts";
import { bindDelete, bindGet, bindSet } from "./bind.ts";
import type { Operation } from "./context.ts";
import { infoGet } from "./info.ts";
import { signGet, signSet } from "./sign.ts";
import { targetDelete, targetGet, targetSet } from "./target.ts";

/** Largest body accepted (1000 bind records fit several times over). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The operations the RTA management API defines with a schema. */
const OPERATIONS: Record<string, Record<string, Operation>> = {
	info: { get: infoGet },
	sign: { get: signGet, set: signSet },
	target: { get: targetGet, set: targetSet, delete: targetDelete },
	bind: { get: bindGet, set: bindSet, delete: bindDelete },
};

/** Functions the RTA management API lists as in progress (编写中), without a schema to simulate. */
const NOT_SIMULATED = new Set(["exp", "bitmap", "filter"]);

function isObject(v: unknown): v is JsonObject {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function readBody(req: IRequest): Promise<string> {
	const read = await readTextWithin(req, MAX_BODY_BYTES);
	if (read.kind === "too_large") {
		throw new SandboxError(SandboxCode.BODY_TOO_LARGE, `body exceeds ${read.limit} bytes`);
	}
	if (read.kind === "not_utf8") throw new SandboxError(SandboxCode.INVALID_JSON, "body is not valid UTF-8");
	return read.text;
}

function parseRequest(text: string): { request: ApiRequest; raw: JsonObject } {
	let raw: unknown;
	try {
		raw = parseApiJson(RequestSchema, text);
	} catch (cause) {
		const detail = cause instanceof Error ? cause.message : String(cause);
		throw new SandboxError(SandboxCode.INVALID_JSON, `body is not JSON: ${detail}`, { cause });
	}
	if (!isObject(raw)) throw new SandboxError(SandboxCode.INVALID_JSON, "body must be a JSON object");
	if (raw.data !== undefined && raw.data !== null && !isObject(raw.data)) {
		throw new SandboxError(SandboxCode.INVALID_PARAM, "data: must be an object");
	}
	try {
		return { request: fromManagementJson(RequestSchema, raw), raw };
	} catch (cause) {
		const detail = isProtoError(cause) ? cause.message : String(cause);
		throw new SandboxError(SandboxCode.INVALID_PARAM, `body does not match the API schema: ${detail}`, {
			cause,
		});
	}
}

async function run(req: IRequest, env: Env): Promise<Outcome> {
	const text = await readBody(req);
	const { request, raw } = parseRequest(text);
	const settings = getSettings(env);
	const dspid = await authenticate(settings.accounts, request.auth);
	const fn = String(req.params.function ?? "");
	const operate = String(req.params.operate ?? "");
	if (NOT_SIMULATED.has(fn)) {
		throw new SandboxError(
			SandboxCode.NOT_SUPPORTED,
			`${fn}/${operate}: not simulated (docs/rta/management-api.md lists ${fn} as in progress, without a schema)`,
		);
	}
	const operation = OPERATIONS[fn]?.[operate];
	if (operation === undefined) {
		const known = OPERATIONS[fn];
		throw new SandboxError(
			SandboxCode.UNKNOWN_FUNCTION,
			known === undefined
				? `unknown function "${fn}"; expected one of ${[...Object.keys(OPERATIONS), ...NOT_SIMULATED].join(", ")}`
				: `unknown operate "${operate}" for ${fn}; expected one of ${Object.keys(known).join(", ")}`,
		);
	}
	return operation({
		env,
		settings,
		dspid,
		data: request.data ?? create(Request_DataSchema),
		raw: isObject(raw.data) ? raw.data : {},
	});
}

/**
 * Handles one management API call.
 * @param req - the request (itty-router adds `params.function`, `params.operate`)
 * @param env - bindings
 * @returns the envelope
 */
export async function handleRta(req: IRequest, env: Env): Promise<Response> {
	const taskid = crypto.randomUUID();
	if (req.method !== "POST") {
		return envelopeResponse(
			{ code: SandboxCode.NOT_SUPPORTED, msg: `method ${req.method} not allowed; use POST` },
			taskid,
			405,
			{ allow: "POST" },
		);
	}
	try {
		return envelopeResponse(await run(req, env), taskid);
	} catch (e) {
		if (isSandboxError(e)) {
			return envelopeResponse(
				{ code: e.code, msg: e.message, ...(e.data ? { data: e.data.value, nodes: e.data.nodes } : {}) },
				taskid,
			);
		}
		// The detail goes to the log with the task id, never to the caller.
		logUnhandled(e, { taskid });
		return envelopeResponse({ code: SandboxCode.INTERNAL, msg: `internal error (taskid ${taskid})` }, taskid);
	}
}
