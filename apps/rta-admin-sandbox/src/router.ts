/**
 * The route table: one route per URL shape of the RTA management API
 * (docs/rta/management-api.md API请求约定); anything else is a 404 envelope.
 * @module
 */
import { logUnhandled } from "@txad/worker-kit";
import { AutoRouter, type IRequest } from "itty-router";
import { SandboxCode } from "./codes.ts";
import { envelopeResponse } from "./envelope.ts";
import { handleRta } from "./handlers/rta.ts";

type Args = [Env, ExecutionContext];

/** Anything but /rta/{function}/{operate}: a 404 envelope. */
function notFound(req: IRequest): Response {
	const path = new URL(req.url).pathname;
	return envelopeResponse(
		{ code: SandboxCode.UNKNOWN_FUNCTION, msg: `no such path ${path}; use POST /rta/{function}/{operate}` },
		crypto.randomUUID(),
		404,
	);
}

/** The sandbox's router. A catch-all route (not `missing`) answers 404, so it sees the request. */
export const router = AutoRouter({
	catch: (e: unknown) => {
		const taskid = crypto.randomUUID();
		logUnhandled(e, { taskid });
		return envelopeResponse(
			{ code: SandboxCode.INTERNAL, msg: `internal error (taskid ${taskid})` },
			taskid,
			500,
		);
	},
});

router.all<IRequest, Args>("/rta/:function/:operate", handleRta);
router.all<IRequest, Args>("*", notFound);
