/**
 * Glue between sign/get and the RTA responder: the responder reads the header "signature"
 * (docs/rta/http-behaviour.md "Header signature": static header pairs Tencent adds to every
 * request, checked for presence and equality) from the secret RTA_SIGN_HEADERS, a JSON object
 * header-name → value. `txad rta sign sync` and `scripts/sign-sync.ts` both call
 * {@link fetchSignHeadersSecret}.
 * @module
 */
import type { CallOptions, RtaAdminClient } from "./client.ts";
import { invalidArgument } from "./errors.ts";
import { isHeaderValue, isHttpToken, RESERVED_SIGN_KEYS } from "./validate.ts";

/** RTA_SIGN_HEADERS: lower-cased header name → exact value. `{}` means the signature is disabled. */
export type SignHeaders = Record<string, string>;

/**
 * Builds the RTA_SIGN_HEADERS secret from sign/get's pairs. Names are lower-cased (HTTP names
 * are case-insensitive, and `Headers.get` lower-cases anyway) and sorted, so the same set always
 * produces the same text; values are kept byte for byte.
 * @param signs - `data` of `signGet()` (or any `{ key, value }` list)
 * @returns `{ headers, secret }`: the object, and its JSON text to store as the secret
 * @throws RtaAdminError `INVALID_ARGUMENT` (field `sign_get[i].key|value`) for a name or value a
 *   responder could never match, or a name that appears twice
 * @example
 * const { secret } = buildSignHeadersSecret([{ key: "X-Rta-Key", value: "k1" }]);
 * // secret === '{"x-rta-key":"k1"}'
 */
export function buildSignHeadersSecret(signs: readonly { key: string; value: string }[]): {
	headers: SignHeaders;
	secret: string;
} {
	const entries: [string, string][] = [];
	const seen = new Set<string>();
	for (const [i, { key, value }] of signs.entries()) {
		if (typeof key !== "string" || !isHttpToken(key)) {
			throw invalidArgument(`sign_get[${i}].key`, `${JSON.stringify(key)} is not an HTTP header name`);
		}
		const name = key.toLowerCase();
		if (RESERVED_SIGN_KEYS.has(name)) {
			throw invalidArgument(
				`sign_get[${i}].key`,
				`"${key}" is a framing header; a responder cannot check it`,
			);
		}
		if (seen.has(name)) throw invalidArgument(`sign_get[${i}].key`, `"${key}" appears twice`);
		seen.add(name);
		if (typeof value !== "string" || !isHeaderValue(value)) {
			throw invalidArgument(`sign_get[${i}].value`, "is not a header value a request can carry unchanged");
		}
		entries.push([name, value]);
	}
	entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const headers: SignHeaders = Object.fromEntries(entries);
	return { headers, secret: JSON.stringify(headers) };
}

/**
 * Reads the registered pairs with sign/get and builds the RTA_SIGN_HEADERS secret.
 * @param client - an RTA management client
 * @param options - per-call options
 * @returns the headers, the secret text, and sign/get's task id
 * @example
 * const { secret, taskid } = await fetchSignHeadersSecret(createRtaAdminClient({ baseUrl, dspid, token }));
 * // then: echo "$secret" | wrangler secret put RTA_SIGN_HEADERS
 */
export async function fetchSignHeadersSecret(
	client: Pick<RtaAdminClient, "signGet">,
	options?: CallOptions,
): Promise<{ headers: SignHeaders; secret: string; taskid: string }> {
	const result = await client.signGet(options);
	return { ...buildSignHeadersSecret(result.data), taskid: result.taskid };
}
