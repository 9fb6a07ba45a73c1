/**
 * DSP-B (优量汇 server-to-server ads) request `sign`, per docs/dspb/protocol.md "请求校验字段":
 * `sign = hmac_sha256(secret, request_param)` where request_param joins device, media, network,
 * pos and time_stamp in that (ascending) order, over the exact JSON text sent in the query.
 * @module
 */
import { SigningError } from "./errors.ts";
import { hmacSha256Hex, verifyHmacSha256Hex } from "./hmac.ts";

/** The five signed request parameters, each exactly as it is sent (before URL encoding). */
export interface DspbSignParts {
	/** JSON text of the `device` object. */
	device: string;
	/** JSON text of the `media` object. */
	media: string;
	/** JSON text of the `network` object. */
	network: string;
	/** JSON text of the `pos` object. */
	pos: string;
	/** Request time in milliseconds since the epoch. */
	time_stamp: string | number;
}

/** The DSP-B guide fixes this order ("按照升序排列…顺序不可调换"). */
const SIGNED_OBJECTS = ["device", "media", "network", "pos"] as const;

function checkParts(parts: DspbSignParts): string {
	for (const name of SIGNED_OBJECTS) {
		const text = parts[name];
		if (typeof text !== "string" || text.length === 0) {
			throw new SigningError("INVALID_FIELD", `${name} must be the JSON text sent in the request`, {
				field: name,
			});
		}
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (cause) {
			throw new SigningError("INVALID_FIELD", `${name} is not valid JSON`, { field: name, cause });
		}
		if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
			throw new SigningError("INVALID_FIELD", `${name} must be a JSON object`, { field: name });
		}
	}
	const ts = String(parts.time_stamp);
	if (!/^[1-9][0-9]{0,15}$/.test(ts)) {
		throw new SigningError("INVALID_FIELD", "time_stamp must be a positive integer in milliseconds", {
			field: "time_stamp",
		});
	}
	return ts;
}

/**
 * Builds the DSP-B guide's `request_param` string.
 * @param parts - the exact JSON texts and time stamp
 * @returns `device=…&media=…&network=…&pos=…&time_stamp=…`
 * @throws SigningError `INVALID_FIELD` naming the part that is missing, not JSON, or not an object
 */
export function buildDspbRequestParam(parts: DspbSignParts): string {
	const ts = checkParts(parts);
	return `device=${parts.device}&media=${parts.media}&network=${parts.network}&pos=${parts.pos}&time_stamp=${ts}`;
}

/**
 * Computes the DSP-B `sign` query parameter.
 * @param secret - the signing secret issued by 优量汇
 * @param parts - the exact JSON texts and time stamp that go into the query
 * @returns 64 lower-case hex characters
 * @throws SigningError `INVALID_KEY` for an empty secret, `INVALID_FIELD` for a bad part (as a
 * rejected promise, like every other failure here)
 * @example
 * const sign = await signDspbRequest(secret, { device, media, network, pos, time_stamp: Date.now() });
 */
export async function signDspbRequest(secret: string, parts: DspbSignParts): Promise<string> {
	return hmacSha256Hex(secret, buildDspbRequestParam(parts));
}

/**
 * Checks a received DSP-B `sign` in constant time (useful for a mock ad server or a proxy).
 * @param secret - the signing secret
 * @param parts - the exact JSON texts and time stamp received
 * @param sign - the `sign` received
 * @returns true when it matches; false for a wrong or malformed sign (not 64 hex digits)
 * @throws SigningError `INVALID_KEY` or `INVALID_FIELD`, as for {@link signDspbRequest}
 */
export async function verifyDspbSign(secret: string, parts: DspbSignParts, sign: string): Promise<boolean> {
	return verifyHmacSha256Hex(secret, buildDspbRequestParam(parts), sign);
}
