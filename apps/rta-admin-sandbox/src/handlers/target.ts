/**
 * target/get, target/set, target/delete (docs/rta/management-api.md 策略管理).
 * target/delete is all or nothing: an unknown id (3001) or a strategy that still has bindings
 * (3002) fails the whole request and deletes nothing, because the response has no per-record
 * node to report a partial result in (RTA management API: target/delete returns only code + msg).
 * @module
 */
import { MAX_TARGET_DELETE, targetDescProblem, targetIdProblem } from "@txad/rta-admin";
import { SandboxCode } from "../codes.ts";
import { deleteTargets, inspectTargets, listTargets, upsertTarget } from "../db.ts";
import { SandboxError } from "../errors.ts";
import { invalidParam, type Operation, readPaging, requireList } from "./context.ts";

/** target/get: paged, or everything with get_all. */
export const targetGet: Operation = async ({ env, dspid, data }) => {
	const { window, pageNum, pageSize } = readPaging("target_get", data.targetGet);
	const page = await listTargets(env.SANDBOX_DB, dspid, window);
	return {
		code: 0,
		msg: "success",
		data: {
			targetGet: {
				pageNum,
				pageSize: window === undefined ? page.rows.length : pageSize,
				total: page.total,
				targets: page.rows.map((r) => ({ targetId: r.target_id, targetDesc: r.target_desc })),
			},
		},
		nodes: ["target_get"],
	};
};

/** target/set: creates or updates one strategy. */
export const targetSet: Operation = async ({ env, settings, dspid, data, raw }) => {
	const node = raw.target_set;
	if (typeof node !== "object" || node === null || Array.isArray(node) || data.targetSet === undefined) {
		throw invalidParam("data.target_set", "is required and must be an object");
	}
	const { targetId, targetDesc } = data.targetSet;
	const idProblem = targetIdProblem(targetId);
	if (idProblem) throw invalidParam("target_set.target_id", idProblem);
	const descProblem = targetDescProblem(targetDesc);
	if (descProblem) throw invalidParam("target_set.target_desc", descProblem);
	const limit = settings.maxTargets;
	if (!(await upsertTarget(env.SANDBOX_DB, dspid, { target_id: targetId, target_desc: targetDesc }, limit))) {
		throw new SandboxError(SandboxCode.LIMIT_EXCEEDED, `at most ${limit} strategies per dspid`);
	}
	return { code: 0, msg: "success" };
};

/** target/delete: all or nothing. */
export const targetDelete: Operation = async ({ env, dspid, data, raw }) => {
	const list = requireList(raw, "target_delete");
	if (list.length === 0) throw invalidParam("data.target_delete", "must not be empty");
	if (list.length > MAX_TARGET_DELETE) {
		throw new SandboxError(
			SandboxCode.LIMIT_EXCEEDED,
			`data.target_delete: at most ${MAX_TARGET_DELETE} ids`,
		);
	}
	const ids: string[] = [];
	for (const [i, { targetId }] of data.targetDelete.entries()) {
		const problem = targetIdProblem(targetId);
		if (problem) throw invalidParam(`target_delete[${i}].target_id`, problem);
		if (!ids.includes(targetId)) ids.push(targetId);
	}
	const { existing, bound } = await inspectTargets(env.SANDBOX_DB, dspid, ids);
	const missing = ids.filter((id) => !existing.has(id));
	if (missing.length > 0) {
		throw new SandboxError(
			SandboxCode.TARGET_NOT_FOUND,
			`no such target_id: ${missing.join(", ")}; nothing deleted`,
		);
	}
	if (bound.size > 0) {
		const detail = [...bound].map(([id, n]) => `${id} (${n})`).join(", ");
		throw new SandboxError(
			SandboxCode.TARGET_IN_USE,
			`target_id still bound, bind/delete first: ${detail}; nothing deleted`,
		);
	}
	try {
		await deleteTargets(env.SANDBOX_DB, dspid, ids);
	} catch (cause) {
		// A binding created between the check and the delete: the foreign key rolled it all back.
		if (String(cause).includes("FOREIGN KEY")) {
			throw new SandboxError(SandboxCode.TARGET_IN_USE, "target_id became bound; nothing deleted", { cause });
		}
		throw cause;
	}
	return { code: 0, msg: `success: ${ids.length} deleted` };
};
