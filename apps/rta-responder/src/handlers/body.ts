/**
 * Reading admin request bodies with a size limit and clear errors.
 * @module
 */
import { ResponderError } from "../errors.ts";

/**
 * Reads a body as text, refusing more than `maxBytes`.
 * @param request - the request
 * @param maxBytes - limit
 * @returns the text
 * @throws ResponderError 413 `BODY_TOO_LARGE`
 */
export async function readText(request: Request, maxBytes: number): Promise<string> {
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > maxBytes) throw tooLarge(maxBytes);
	const bytes = await request.arrayBuffer();
	if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
	return new TextDecoder().decode(bytes);
}

/**
 * Reads a body as JSON.
 * @param request - the request
 * @param maxBytes - limit
 * @returns the parsed value
 * @throws ResponderError 400 `INVALID_JSON`, 413 `BODY_TOO_LARGE`
 */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
	const text = await readText(request, maxBytes);
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new ResponderError(
			400,
			"INVALID_JSON",
			`body is not JSON: ${e instanceof Error ? e.message : String(e)}`,
		);
	}
}

function tooLarge(maxBytes: number): ResponderError {
	return new ResponderError(413, "BODY_TOO_LARGE", `body exceeds ${maxBytes} bytes`);
}
