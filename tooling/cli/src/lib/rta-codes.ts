/**
 * Names of the `RtaResponse.code` values apps/rta-responder sends (its src/codes.ts), so the
 * readiness check can say *why* a device was refused. Other responders' codes show as numbers.
 * A test keeps this table equal to the responder's.
 * @module
 */

/** Code value → name, as apps/rta-responder defines them. */
export const RESPONDER_CODE_NAMES: Readonly<Record<number, string>> = {
	0: "TAKE",
	1: "UNDECODABLE",
	2: "NO_DEVICE",
	3: "NO_USABLE_ID",
	4: "NO_STRATEGY",
	5: "DEADLINE",
	6: "NOT_CONFIGURED",
	7: "INTERNAL",
	8: "PING",
};

/**
 * Formats a code with its responder name.
 * @param code - RtaResponse.code
 * @returns e.g. "4 NO_STRATEGY", or "42" for a code the responder does not define
 */
export function describeCode(code: number): string {
	const name = RESPONDER_CODE_NAMES[code];
	return name === undefined ? String(code) : `${code} ${name}`;
}
