/**
 * The `code` values the responder answers (docs/rta/wire-protocol.md RtaResponse #2: 0 = take this
 * traffic per the listed strategies, anything else = refuse all). Each refusal has its own code so
 * Tencent's debug tool, our logs and load tests can tell *why* a device was refused.
 *
 * Invariant: code 0 is only ever sent together with at least one out_target_id. Returning 0
 * with no (or unregistered) strategy ids means "take everything" on the platform side
 * (docs/rta/http-behaviour.md "Requests and answers"), so a decision that selects nothing is a
 * refusal, never 0.
 * @module
 */

/** Every `RtaResponse.code` this responder sends. */
export const RtaCode = {
	/** Take the traffic for the listed strategies (out_target_id / target_infos). */
	TAKE: 0,
	/** The body is not an RtaRequest (garbage, truncated, wrong wire types). */
	UNDECODABLE: 1,
	/** The request carries no `device`. */
	NO_DEVICE: 2,
	/** No id of the device can be looked up: all empty, doubtful, placeholders, or (openid mode) no openid for our appid. */
	NO_USABLE_ID: 3,
	/** The device was looked up and no strategy selected it (not in the audience, excluded, disabled by experiment). */
	NO_STRATEGY: 4,
	/** Storage missed the deadline (or failed) and FALLBACK is "refuse" (or names a strategy the loaded config lacks). */
	DEADLINE: 5,
	/** No valid strategy config is stored yet. */
	NOT_CONFIGURED: 6,
	/** An unexpected error while deciding; logged with the request id. */
	INTERNAL: 7,
	/** Answer to `is_ping`: the latency probe takes nothing. */
	PING: 8,
} as const;

/** A code name. */
export type RtaCodeName = keyof typeof RtaCode;

/** A refusal code name (everything but TAKE). */
export type RefusalName = Exclude<RtaCodeName, "TAKE">;

const NAMES: readonly RtaCodeName[] = Object.keys(RtaCode) as RtaCodeName[];

/**
 * The name of a code, for logs and the explain output.
 * @param code - a code value
 * @returns its name, or `"UNKNOWN"`
 * @example codeName(4) // "NO_STRATEGY"
 */
export function codeName(code: number): RtaCodeName | "UNKNOWN" {
	return NAMES.find((n) => RtaCode[n] === code) ?? "UNKNOWN";
}
