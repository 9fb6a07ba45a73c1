/**
 * Reads a JSON request body through the byte-counting reader, for every route that takes one.
 * @module
 */
import { readJsonWithin } from "@txad/worker-kit";
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
	const read = await readJsonWithin(request, MAX_BODY_BYTES);
	switch (read.kind) {
		case "ok":
			return read.value;
		case "too_large":
			throw new RelayError(413, "BODY_TOO_LARGE", `the body must be at most ${read.limit} bytes`);
		case "not_utf8":
			throw new RelayError(400, "INVALID_JSON", "the body is not UTF-8");
		case "invalid_json":
			throw new RelayError(400, "INVALID_JSON", "the body is not valid JSON");
	}
}
