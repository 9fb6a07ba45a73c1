/**
 * `GET /admin/metrics[?minutes=60]`: this isolate's answers of the last minutes in the report
 * shape `txad rta stats` prints from the Analytics Engine dataset (@txad/rta-metrics), plus
 * whether the dataset is bound and what happened to the data points written. One isolate of
 * many in production (use `txad rta stats` for the fleet); the whole picture under `wrangler dev`.
 * @module
 */
import type { IRequest } from "itty-router";
import { analyticsCounters, isolateStats } from "../analytics/record.ts";
import { requireAdmin } from "../auth.ts";
import { invalidField } from "../errors.ts";
import { getSettings } from "../settings.ts";

/**
 * Handles `GET /admin/metrics`.
 * @param request - the request
 * @param env - Worker env
 * @returns the report, `source: "isolate"`, with `analytics: { dataset, written, unbound, failed }`
 */
export function handleMetrics(request: IRequest, env: Env): Response {
	requireAdmin(request, getSettings(env));
	const raw = request.query.minutes ?? "60";
	const minutes = typeof raw === "string" && /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
	if (!(minutes >= 1 && minutes <= 60)) throw invalidField("minutes", "must be an integer from 1 to 60");
	const bound = (env as { RTA_ANALYTICS?: unknown }).RTA_ANALYTICS !== undefined;
	return Response.json({
		...isolateStats.stats(Date.now(), minutes),
		analytics: { dataset: bound ? "bound" : "unbound", ...analyticsCounters },
	});
}
