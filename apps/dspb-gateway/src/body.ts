/**
 * The gateway's one body reader: counts bytes (not UTF-16 units) against a limit, then parses JSON.
 * @module
 */
import { GatewayError } from "./errors.ts";

/**
 * Reads a JSON body of at most `maxBytes`.
 * @param request - the request
 * @param maxBytes - limit in bytes
 * @returns the parsed value
 * @throws GatewayError 413 `BODY_TOO_LARGE`, 400 `INVALID_JSON`
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > maxBytes) throw tooLarge(maxBytes);
	const bytes = await request.arrayBuffer();
	if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
	const text = new TextDecoder().decode(bytes);
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new GatewayError(
			400,
			"INVALID_JSON",
			`body is not JSON: ${e instanceof Error ? e.message : String(e)}`,
		);
	}
}

function tooLarge(maxBytes: number): GatewayError {
	return new GatewayError(413, "BODY_TOO_LARGE", `body exceeds ${maxBytes} bytes`);
}
