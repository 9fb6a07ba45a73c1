/**
 * Bearer-token check for the ingest and inspection routes, compared in constant time.
 * @module
 */
import { timingSafeEqual } from "@txad/signing";
import { RelayError } from "./errors.ts";
import { getSettings, type Settings } from "./settings.ts";

/**
 * Throws unless the request carries `Authorization: Bearer <INGEST_TOKEN>`.
 * @param request - the incoming request
 * @param env - the Worker's env
 * @returns the parsed settings, for the handler to go on with
 * @throws RelayError 401 `UNAUTHORIZED`, or 503 `NOT_CONFIGURED` naming a bad variable
 */
export function requireBearer(request: Request, env: Env): Settings {
	const settings = getSettings(env);
	const header = request.headers.get("authorization") ?? "";
	const match = /^Bearer[ ]+(.+)$/i.exec(header);
	if (match?.[1] === undefined || !timingSafeEqual(match[1].trim(), settings.ingestToken)) {
		throw new RelayError(401, "UNAUTHORIZED", "missing or invalid bearer token", { field: "authorization" });
	}
	return settings;
}
