/**
 * What every operation receives, and the helpers they share.
 * @module
 */
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { Request_Data } from "@txad/proto";
import { DEFAULT_PAGE_SIZE, MAX_INT32, MAX_PAGE_SIZE } from "@txad/rta-admin";
import { SandboxCode } from "../codes.ts";
import type { Window } from "../db.ts";
import type { Outcome } from "../envelope.ts";
import { SandboxError } from "../errors.ts";
import type { Settings } from "../settings.ts";

/** An authenticated request to one operation. */
export interface OperationContext {
	env: Env;
	/** The parsed variables and secret. */
	settings: Settings;
	/** The authenticated account; every read and write is scoped to it. */
	dspid: string;
	/** `data`, decoded with the management API schema. */
	data: Request_Data;
	/** `data` as received, to tell an absent node from an empty one. */
	raw: JsonObject;
}

/** One function/operate. */
export type Operation = (ctx: OperationContext) => Promise<Outcome>;

/**
 * @param field - e.g. `"target_get.page_size"`
 * @param problem - what is wrong
 * @returns an INVALID_PARAM error naming the field
 */
export function invalidParam(field: string, problem: string): SandboxError {
	return new SandboxError(SandboxCode.INVALID_PARAM, `${field}: ${problem}`);
}

/**
 * The node a write operation needs, as a JSON array; absent or not a list is an error, because
 * guessing "empty" would, for sign/set, silently disable the signature.
 * @param raw - `data` as received
 * @param node - e.g. `"bind_set"`
 * @returns the list
 */
export function requireList(raw: JsonObject, node: string): JsonValue[] {
	const value = raw[node];
	if (!Array.isArray(value)) throw invalidParam(`data.${node}`, "is required and must be a list");
	return value;
}

/**
 * Reads page_num/page_size/get_all (docs/rta/management-api.md TargetGet/BindGet). 0 means unset:
 * page 1, {@link DEFAULT_PAGE_SIZE} records. `get_all` ignores the paging fields.
 * @param node - e.g. `"target_get"`, for messages
 * @param paging - the decoded node, if any
 * @returns the window and the page_num/page_size to echo
 */
export function readPaging(
	node: string,
	paging: { pageNum: number; pageSize: number; getAll: boolean } | undefined,
): { window: Window; pageNum: number; pageSize: number } {
	if (paging?.getAll) return { window: undefined, pageNum: 1, pageSize: 0 };
	const pageNum = paging?.pageNum || 1;
	const pageSize = paging?.pageSize || DEFAULT_PAGE_SIZE;
	if (pageNum < 1 || pageNum > MAX_INT32) throw invalidParam(`${node}.page_num`, `must be 1 to ${MAX_INT32}`);
	if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
		throw invalidParam(`${node}.page_size`, `must be 1 to ${MAX_PAGE_SIZE}`);
	return { window: { limit: pageSize, offset: (pageNum - 1) * pageSize }, pageNum, pageSize };
}

/** The outcome of a batch write: 0 when all records applied, -1 when some, 3003 when none. */
export function batchOutcome(total: number, failed: number): { code: Outcome["code"]; msg: string } {
	if (failed === 0) return { code: SandboxCode.OK, msg: "success" };
	if (failed === total) return { code: SandboxCode.ALL_RECORDS_FAILED, msg: `all ${total} records failed` };
	return { code: SandboxCode.PARTIAL, msg: `partial success: ${failed} of ${total} records failed` };
}
