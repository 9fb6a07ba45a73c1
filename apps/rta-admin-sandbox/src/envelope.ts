/**
 * The RTA management API's response envelope (docs/rta/management-api.md 返回通用内容):
 * `{ code, msg, taskid, sandbox, data }`, UTF-8 JSON with the schema's snake_case names, `data`
 * always present, and only the nodes the operation returns (完整协议约束:
 * "如对应的功能无传入/传出值，则不提供该节点"). int64 ids are exact
 * JSON numbers and enums integers, as the client writes them (`@txad/rta-admin` api-json).
 * @module
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Response_DataSchema, ResponseSchema } from "@txad/proto";
import { stringifyApiJson, toApiJsonValue } from "@txad/rta-admin";
import type { SandboxCodeValue } from "./codes.ts";

/** What a handler answers. */
export interface Outcome {
	code: SandboxCodeValue;
	msg: string;
	/** The data to send and which of its nodes (e.g. `["bind_set"]`); none for write operations. */
	data?: MessageInitShape<typeof Response_DataSchema>;
	nodes?: string[];
}

/**
 * Renders an outcome as the API's JSON response.
 * @param outcome - code, msg and data
 * @param taskid - this request's task id (a UUID)
 * @param status - HTTP status; 200 whenever the request reached an operation
 * @param headers - extra headers (e.g. `allow` on a 405)
 * @returns the response
 */
export function envelopeResponse(
	outcome: Outcome,
	taskid: string,
	status = 200,
	headers: Record<string, string> = {},
): Response {
	const message = create(ResponseSchema, {
		code: outcome.code,
		msg: outcome.msg,
		taskid,
		sandbox: true,
		data: outcome.data ?? {},
	});
	const json = toApiJsonValue(ResponseSchema, message);
	const all = (json.data ?? {}) as Record<string, unknown>;
	const data: Record<string, unknown> = {};
	for (const node of outcome.nodes ?? []) data[node] = all[node] ?? null;
	const body = stringifyApiJson(ResponseSchema, { ...json, data } as typeof json);
	return new Response(body, {
		status,
		headers: { "content-type": "application/json; charset=utf-8", ...headers },
	});
}
