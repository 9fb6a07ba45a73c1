/**
 * The route table.
 * @module
 */
import { renderThrown } from "@txad/worker-kit";
import { AutoRouter, type IRequest } from "itty-router";
import { GatewayError, isGatewayError } from "./errors.ts";
import { handleAds } from "./handlers/ads.ts";
import { handleHealthz } from "./handlers/healthz.ts";
import { handleLossNotice, handleWinNotice } from "./handlers/notice.ts";
import { markStarted, metrics } from "./metrics.ts";

type Args = [Env, ExecutionContext];

function toErrorResponse(e: unknown): Response {
	if (isGatewayError(e) && e.status === 401) metrics.unauthorized++;
	else if (isGatewayError(e) && e.status >= 400 && e.status < 500) metrics.badRequests++;
	return renderThrown(e, isGatewayError, () => new GatewayError(500, "INTERNAL", "internal error"));
}

/** The gateway's router; JSON errors are rendered in one place. */
export const router = AutoRouter({
	before: [markStarted],
	catch: toErrorResponse,
	missing: () => new GatewayError(404, "NOT_FOUND", "no such route").toResponse(),
});

router.post<IRequest, Args>("/v1/ads", handleAds);
router.post<IRequest, Args>("/v1/notice/win", handleWinNotice);
router.post<IRequest, Args>("/v1/notice/loss", handleLossNotice);
router.get<IRequest, Args>("/healthz", handleHealthz);
