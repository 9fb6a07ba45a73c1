/**
 * bind/get, bind/set, bind/delete (docs/rta/management-api.md 绑定管理). Writes check every record,
 * apply the valid ones in one transaction, and report the rest per record: code 0 when all applied,
 * -1 (partial) when some, 3003 when none — always with success_num, error_num and errors. One
 * object (bind_type, bind_id) binds to at most one strategy; bind/set on a bound object moves it.
 * Bindings created here record bind_source ThirdPartyApi: the source is where the operation came
 * from, not something the caller declares.
 * @module
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type BindErrorSchema, BindSourceType } from "@txad/proto";
import { bindTypeProblem, MAX_BIND_RECORDS, targetIdProblem } from "@txad/rta-admin";
import { SandboxCode } from "../codes.ts";
import { type BindWrite, deleteBinds, listBinds, upsertBinds } from "../db.ts";
import { SandboxError } from "../errors.ts";
import { batchOutcome, invalidParam, type Operation, readPaging, requireList } from "./context.ts";

type BindErrorInit = MessageInitShape<typeof BindErrorSchema>;

function checkCount(node: string, n: number): void {
	if (n === 0) throw invalidParam(`data.${node}`, "must not be empty");
	if (n > MAX_BIND_RECORDS) {
		throw new SandboxError(SandboxCode.LIMIT_EXCEEDED, `data.${node}: at most ${MAX_BIND_RECORDS} records`);
	}
}

/** Problem with a record's key, or a duplicate of an earlier record, or undefined. */
function keyProblem(
	bindType: number,
	bindId: bigint,
	seen: Map<string, number>,
	index: number,
): string | undefined {
	const typeProblem = bindTypeProblem(bindType);
	if (typeProblem) return `bind_type ${typeProblem}`;
	if (bindId < 1n) return "bind_id must be a positive integer";
	const key = `${bindType}:${bindId}`;
	const first = seen.get(key);
	if (first !== undefined) return `duplicate of record ${first} in this request`;
	seen.set(key, index);
	return undefined;
}

/** bind/get: paged or get_all, optionally of one strategy (an unknown one gives an empty page). */
export const bindGet: Operation = async ({ env, dspid, data }) => {
	const { window, pageNum, pageSize } = readPaging("bind_get", data.bindGet);
	const targetId = data.bindGet?.targetId ?? "";
	if (targetId !== "") {
		const problem = targetIdProblem(targetId);
		if (problem) throw invalidParam("bind_get.target_id", problem);
	}
	const page = await listBinds(env.SANDBOX_DB, dspid, targetId, window);
	return {
		code: 0,
		msg: "success",
		data: {
			bindGet: {
				pageNum,
				pageSize: window === undefined ? page.rows.length : pageSize,
				total: page.total,
				binds: page.rows.map((r) => ({
					bindId: BigInt(r.bind_id),
					bindType: r.bind_type,
					targetId: r.target_id,
					accountId: BigInt(r.account_id),
					bindSource: r.bind_source,
				})),
			},
		},
		nodes: ["bind_get"],
	};
};

/** bind/set: partial success allowed. */
export const bindSet: Operation = async ({ env, dspid, data, raw }) => {
	checkCount("bind_set", requireList(raw, "bind_set").length);
	const errors: { index: number; error: BindErrorInit }[] = [];
	const writes: { index: number; write: BindWrite }[] = [];
	const seen = new Map<string, number>();
	for (const [index, b] of data.bindSet.entries()) {
		const fail = (reason: string) =>
			errors.push({ index, error: { bindId: b.bindId, bindType: b.bindType, reason } });
		const problem = keyProblem(b.bindType, b.bindId, seen, index);
		if (problem) {
			fail(problem);
			continue;
		}
		const targetProblem = targetIdProblem(b.targetId);
		if (targetProblem) {
			fail(`target_id ${targetProblem}`);
			continue;
		}
		if (b.accountId < 0n) {
			fail("account_id must not be negative");
			continue;
		}
		writes.push({
			index,
			write: {
				bind_id: b.bindId.toString(),
				bind_type: b.bindType,
				target_id: b.targetId,
				account_id: b.accountId.toString(),
				bind_source: BindSourceType.ThirdPartyApi,
			},
		});
	}
	const applied = await upsertBinds(
		env.SANDBOX_DB,
		dspid,
		writes.map((w) => w.write),
	);
	for (const [i, ok] of applied.entries()) {
		const w = writes[i];
		if (!ok && w) {
			errors.push({
				index: w.index,
				error: {
					bindId: BigInt(w.write.bind_id),
					bindType: w.write.bind_type,
					reason: `target_id "${w.write.target_id}" does not exist`,
				},
			});
		}
	}
	return writeOutcome("bind_set", data.bindSet.length, errors);
};

/** bind/delete: partial success allowed. */
export const bindDelete: Operation = async ({ env, dspid, data, raw }) => {
	checkCount("bind_delete", requireList(raw, "bind_delete").length);
	const errors: { index: number; error: BindErrorInit }[] = [];
	const keys: { index: number; key: { bind_type: number; bind_id: string } }[] = [];
	const seen = new Map<string, number>();
	for (const [index, b] of data.bindDelete.entries()) {
		const problem = keyProblem(b.bindType, b.bindId, seen, index);
		if (problem) errors.push({ index, error: { bindId: b.bindId, bindType: b.bindType, reason: problem } });
		else keys.push({ index, key: { bind_type: b.bindType, bind_id: b.bindId.toString() } });
	}
	const deleted = await deleteBinds(
		env.SANDBOX_DB,
		dspid,
		keys.map((k) => k.key),
	);
	for (const [i, ok] of deleted.entries()) {
		const k = keys[i];
		if (!ok && k) {
			errors.push({
				index: k.index,
				error: { bindId: BigInt(k.key.bind_id), bindType: k.key.bind_type, reason: "no such binding" },
			});
		}
	}
	return writeOutcome("bind_delete", data.bindDelete.length, errors);
};

function writeOutcome(
	node: "bind_set" | "bind_delete",
	total: number,
	failed: { index: number; error: BindErrorInit }[],
) {
	const errors = failed.sort((a, b) => a.index - b.index).map((f) => f.error);
	const counts = { successNum: total - errors.length, errorNum: errors.length, errors };
	const { code, msg } = batchOutcome(total, errors.length);
	const data = node === "bind_set" ? { bindSet: counts } : { bindDelete: counts };
	if (code > 0) throw new SandboxError(SandboxCode.ALL_RECORDS_FAILED, msg, { data, nodes: [node] });
	return { code, msg, data, nodes: [node] };
}
