/**
 * The route table.
 * @module
 */
import { AutoRouter, type IRequest } from "itty-router";
import { ResponderError, toErrorResponse } from "./errors.ts";
import { handleDeleteAudience, handleGetAudience, handlePostAudience } from "./handlers/admin-audience.ts";
import { handleGetConfig, handlePutConfig } from "./handlers/admin-config.ts";
import { handleDebug } from "./handlers/admin-debug.ts";
import { handleMetrics } from "./handlers/admin-metrics.ts";
import { handleConsole } from "./handlers/console.ts";
import { handleExplain } from "./handlers/explain.ts";
import { handleHealthz } from "./handlers/healthz.ts";
import { handleRta } from "./handlers/rta.ts";

type Args = [Env, ExecutionContext];

/** The responder's router; JSON errors are rendered in one place. */
export const router = AutoRouter({
	catch: toErrorResponse,
	missing: () => new ResponderError(404, "NOT_FOUND", "no such route").toResponse(),
});

// First route: the hot path matches before anything else.
router.post<IRequest, Args>("/rta", handleRta);
router.get<IRequest, Args>("/healthz", handleHealthz);
router.put<IRequest, Args>("/admin/config", handlePutConfig);
router.get<IRequest, Args>("/admin/config", handleGetConfig);
router.post<IRequest, Args>("/admin/audience", handlePostAudience);
router.get<IRequest, Args>("/admin/audience/:type/:id", handleGetAudience);
router.delete<IRequest, Args>("/admin/audience/:type/:id", handleDeleteAudience);
router.post<IRequest, Args>("/admin/explain", handleExplain);
router.post<IRequest, Args>("/admin/debug", handleDebug);
router.get<IRequest, Args>("/admin/metrics", handleMetrics);
router.get<IRequest, Args>("/admin/ui", handleConsole);
router.get<IRequest, Args>("/admin/ui/*", handleConsole);
