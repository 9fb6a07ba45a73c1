/**
 * The route table.
 * @module
 */
import { AutoRouter, type IRequest } from "itty-router";
import { RelayError, toErrorResponse } from "./errors.ts";
import { handleClick } from "./handlers/click.ts";
import {
	handleCreateConversion,
	handleGetConversion,
	handleListConversions,
	handleRedeliver,
} from "./handlers/conversions.ts";
import { handleHealthz } from "./handlers/healthz.ts";
import { handleStats } from "./handlers/stats.ts";
import { handleInstallToken, handleListTokens } from "./handlers/tokens.ts";

type Args = [Env, ExecutionContext];

/** The relay's HTTP router; errors become JSON in one place. */
export const router = AutoRouter({
	catch: toErrorResponse,
	missing: () => new RelayError(404, "NOT_FOUND", "no such route").toResponse(),
});

router.get<IRequest, Args>("/healthz", handleHealthz);
router.get<IRequest, Args>("/click", handleClick);
router.post<IRequest, Args>("/conversions", handleCreateConversion);
router.get<IRequest, Args>("/conversions", handleListConversions);
router.get<IRequest, Args>("/conversions/:id", handleGetConversion);
router.post<IRequest, Args>("/conversions/:id/redeliver", handleRedeliver);
router.get<IRequest, Args>("/stats", handleStats);
router.get<IRequest, Args>("/tokens", handleListTokens);
router.post<IRequest, Args>("/tokens/:account_id", handleInstallToken);
