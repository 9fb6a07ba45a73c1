/**
 * Reads a JSON request body through the byte-counting reader, for every route that takes one.
 * @module
 */
import { readBodyLimited } from "../body.ts";
import { MAX_BODY_BYTES, RelayError } from "../errors.ts";

/**
 * Reads and parses a JSON body of at most {@link MAX_BODY_BYTES} bytes. The declared
 * content-length is checked first; the bytes read are counted either way (a body without one,
 * or with a wrong one, is cut off at the limit).
 * @param request - the request
 * @returns the parsed value
 * @throws RelayError 413 `BODY_TOO_LARGE`, 400 `INVALID_JSON`
 */
export async function readJsonBody(request: Request): Promise<unknown> {
	const tooLarge = () =>
		new RelayError(413, "BODY_TOO_LARGE", `the body must be at most ${MAX_BODY_BYTES} bytes`);
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > MAX_BODY_BYTES) throw tooLarge();
	const read = await readBodyLimited(request.body, MAX_BODY_BYTES);
	if (read.kind === "too_large") throw tooLarge();
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(read.bytes);
	} catch {
		throw new RelayError(400, "INVALID_JSON", "the body is not UTF-8");
	}
	try {
		return JSON.parse(text);
	} catch {
		throw new RelayError(400, "INVALID_JSON", "the body is not valid JSON");
	}
}
