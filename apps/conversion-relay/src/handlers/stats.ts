/**
 * GET /stats: ledger counts for monitoring.
 * @module
 */
import type { IRequest } from "itty-router";
import { requireBearer } from "../auth.ts";
import { readStats } from "../ledger.ts";

/**
 * Counts clicks, conversions by status (and how many were attributed), attempts by outcome and
 * failed conversions by failure code.
 * @param request - the request
 * @param env - the Worker's bindings
 * @returns 200 with the counts
 */
export async function handleStats(request: IRequest, env: Env): Promise<Response> {
	requireBearer(request, env);
	return Response.json(await readStats(env));
}
