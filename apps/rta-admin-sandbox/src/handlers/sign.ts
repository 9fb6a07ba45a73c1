/**
 * sign/get, sign/set (docs/rta/management-api.md 签名管理; docs/rta/http-behaviour.md "Header
 * signature"): static header pairs Tencent adds to every RTA request. sign/set replaces the whole
 * set; an explicit empty list disables it.
 * @module
 */
import { MAX_SIGNS, signsProblem } from "@txad/rta-admin";
import { SandboxCode } from "../codes.ts";
import { getSigns, replaceSigns } from "../db.ts";
import { SandboxError } from "../errors.ts";
import { invalidParam, type Operation, requireList } from "./context.ts";

/** sign/get. */
export const signGet: Operation = async ({ env, dspid }) => ({
	code: 0,
	msg: "success",
	data: { signGet: await getSigns(env.SANDBOX_DB, dspid) },
	nodes: ["sign_get"],
});

/** sign/set: replace-all. */
export const signSet: Operation = async ({ env, dspid, data, raw }) => {
	requireList(raw, "sign_set");
	const signs = data.signSet.map((s) => ({ key: s.key, value: s.value }));
	const problem = signsProblem(signs);
	if (typeof problem === "string") {
		throw new SandboxError(SandboxCode.LIMIT_EXCEEDED, `data.sign_set: at most ${MAX_SIGNS} header pairs`);
	}
	if (problem) throw invalidParam(`sign_set[${problem.index}].${problem.field}`, problem.problem);
	await replaceSigns(env.SANDBOX_DB, dspid, signs);
	return {
		code: 0,
		msg:
			signs.length === 0
				? "success: header signature disabled"
				: `success: ${signs.length} header pair(s) set`,
	};
};
