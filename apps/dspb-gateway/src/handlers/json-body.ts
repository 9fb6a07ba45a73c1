/**
 * Reads a JSON request body through the byte-counting reader (`@txad/worker-kit`), for every
 * route that takes one, and answers the gateway's errors.
 * @module
 */
import { readJsonWithin } from "@txad/worker-kit";
import { GatewayError } from "../errors.ts";

/**
 * Reads a JSON body of at most `maxBytes` bytes (declared content-length checked first, the bytes
 * read counted either way).
 * @param request - the request
 * @param maxBytes - limit in bytes
 * @returns the parsed value
 * @throws GatewayError 413 `BODY_TOO_LARGE`, 400 `INVALID_JSON`
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
	const read = await readJsonWithin(request, maxBytes);
	switch (read.kind) {
		case "ok":
			return read.value;
		case "too_large":
			throw new GatewayError(413, "BODY_TOO_LARGE", `body exceeds ${read.limit} bytes`);
		case "not_utf8":
			throw new GatewayError(400, "INVALID_JSON", "body is not UTF-8");
		case "invalid_json":
			throw new GatewayError(400, "INVALID_JSON", `body is not JSON: ${read.reason}`);
	}
}
