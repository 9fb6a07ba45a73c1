/**
 * The sandbox's `code` values. docs/rta/management-api.md 返回通用内容 fixes only the sign convention (0
 * success, > 0 failure, < 0 partial success); the numbers are ours, grouped by kind, and listed in
 * the README.
 * @module
 */

/** Every code the sandbox answers with. */
export const SandboxCode = {
	/** Success. */
	OK: 0,
	/** bind/set, bind/delete: some records applied, the rest listed in data.*.errors. */
	PARTIAL: -1,
	/** The body is not a UTF-8 JSON object. */
	INVALID_JSON: 1001,
	/** A field has the wrong type, is out of range, or a required node is missing; msg names it. */
	INVALID_PARAM: 1002,
	/** No such function/operate. */
	UNKNOWN_FUNCTION: 1003,
	/** exp, bitmap, filter: listed by the RTA management API as in progress, not simulated here. */
	NOT_SUPPORTED: 1004,
	/** The body exceeds 1 MiB. */
	BODY_TOO_LARGE: 1005,
	/** auth, auth.dspid or auth.token missing or empty. */
	AUTH_MISSING: 2001,
	/** Unknown dspid or wrong token. */
	AUTH_FAILED: 2002,
	/** target/delete names a strategy that does not exist (nothing deleted). */
	TARGET_NOT_FOUND: 3001,
	/** target/delete names a strategy that still has bindings (nothing deleted). */
	TARGET_IN_USE: 3002,
	/** bind/set, bind/delete: every record failed; data.*.errors lists why. */
	ALL_RECORDS_FAILED: 3003,
	/** Too many records in one request, or too many strategies for the dspid. */
	LIMIT_EXCEEDED: 3004,
	/** Unexpected failure; the detail goes to the log. */
	INTERNAL: 5000,
	/** SANDBOX_ACCOUNTS, SANDBOX_INFO or SANDBOX_MAX_TARGETS is missing or malformed; msg names it. */
	NOT_CONFIGURED: 5001,
} as const;

/** One of {@link SandboxCode}'s values. */
export type SandboxCodeValue = (typeof SandboxCode)[keyof typeof SandboxCode];
