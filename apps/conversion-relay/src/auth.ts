/**
 * Bearer-token check for the ingest and inspection routes, compared in constant time.
 * @module
 */
import { timingSafeEqual } from "@txad/signing";
import { RelayError } from "./errors.ts";

/**
 * Throws unless the request carries `Authorization: Bearer <INGEST_TOKEN>`.
 * @param request - the incoming request
 * @param env - the Worker's bindings
 * @throws RelayError 401 `UNAUTHORIZED`, or 500 `NOT_CONFIGURED` when INGEST_TOKEN is unset
 */
export function requireBearer(request: Request, env: Env): void {
	const expected = env.INGEST_TOKEN;
	if (typeof expected !== "string" || expected === "") {
		// Refuse everyone rather than accept an empty token.
		throw new RelayError(500, "NOT_CONFIGURED", "INGEST_TOKEN is not configured");
	}
	const header = request.headers.get("authorization") ?? "";
	const match = /^Bearer[ ]+(.+)$/i.exec(header);
	if (match?.[1] === undefined || !timingSafeEqual(match[1].trim(), expected)) {
		throw new RelayError(401, "UNAUTHORIZED", "missing or invalid bearer token", { field: "authorization" });
	}
}
