/**
 * Typed errors thrown by `@txad/dspb`: invalid requests (before anything is sent), failed HTTP
 * exchanges, non-zero `ret` codes, malformed responses and unusable RSA keys.
 * @module
 */
import { describeRet } from "./ret-codes.ts";

/** Every reason `@txad/dspb` rejects an input or a response. */
export type DspbErrorCode =
	/** A required field is absent; `field` names it (e.g. `device.os_version`). */
	| "MISSING_FIELD"
	/** A field has the wrong type, range, length or format; `field` names it. */
	| "INVALID_FIELD"
	/** A field the DSP-B guide (docs/dspb/protocol.md) does not define, or one that belongs to the other OS. */
	| "UNKNOWN_FIELD"
	/** Two fields that the guide forbids together (support_pkg with query). */
	| "CONFLICTING_FIELDS"
	/** No usable device identifier (DSP-B guide device 注 (1) Android / (2) iOS). */
	| "MISSING_DEVICE_ID"
	/** The ad server answered with `ret` ≠ 0; `ret` and `retMeaning` carry the guide's table row. */
	| "API_ERROR"
	/** The ad server answered with a status other than 200, also after the one allowed retry. */
	| "HTTP_ERROR"
	/** `fetch` itself failed (network error, the caller's abort); the guide allows no retry here. */
	| "NETWORK_ERROR"
	/** An attempt outlived its timeout (1 s by default, DSP-B guide 超时时间); not retried either. */
	| "TIMEOUT"
	/** The response is not the JSON shape the guide describes; `field` names the path. */
	| "INVALID_RESPONSE"
	/** An RSA public key could not be parsed or is too small for the price. */
	| "INVALID_KEY";

/** One problem found by {@link validateAdRequest}. */
export interface DspbIssue {
	/** Machine-readable reason. */
	readonly code: DspbErrorCode;
	/** Dotted path of the field at fault, e.g. `pos.ad_count`. */
	readonly field: string;
	/** Human-readable explanation, quoting the guide's rule. */
	readonly message: string;
}

/** Extra detail some errors carry. */
export interface DspbErrorDetail {
	/** The field at fault. */
	field?: string;
	/** Underlying error. */
	cause?: unknown;
	/** Every issue found, when the error stands for a failed validation. */
	issues?: readonly DspbIssue[];
	/** `ret` from the response, for `API_ERROR`. */
	ret?: number;
	/** `msg` from the response, for `API_ERROR`. */
	msg?: string;
	/** HTTP status of the last attempt, for `HTTP_ERROR`. */
	status?: number;
	/** How many HTTP attempts were made. */
	attempts?: number;
}

/**
 * Raised for a request that must not be sent, or an exchange that did not yield ads.
 * @example
 * try { await fetchAds(request); } catch (e) {
 *   if (isDspbError(e) && e.code === "API_ERROR") console.log(e.ret, e.retMeaning);
 * }
 */
export class DspbError extends Error {
	override name = "DspbError" as const;
	/** Machine-readable reason. */
	readonly code: DspbErrorCode;
	/** The field at fault, when there is one. */
	readonly field: string | undefined;
	/** Every validation issue (the first one is this error's `field` and message). */
	readonly issues: readonly DspbIssue[];
	/** `ret` from the ad server (`API_ERROR` only). */
	readonly ret: number | undefined;
	/** The guide's meaning of `ret` from its 广告请求返回码列表, when listed. */
	readonly retMeaning: string | undefined;
	/** `msg` from the ad server (`API_ERROR` only). */
	readonly msg: string | undefined;
	/** HTTP status of the last attempt (`HTTP_ERROR` only). */
	readonly status: number | undefined;
	/** HTTP attempts made, for every error out of `fetchAds`. */
	readonly attempts: number | undefined;

	constructor(code: DspbErrorCode, message: string, detail: DspbErrorDetail = {}) {
		super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
		this.code = code;
		this.field = detail.field;
		this.issues = detail.issues ?? [];
		this.ret = detail.ret;
		this.retMeaning = detail.ret === undefined ? undefined : describeRet(detail.ret);
		this.msg = detail.msg;
		this.status = detail.status;
		this.attempts = detail.attempts;
	}
}

/**
 * Cross-realm guard: checks the name and code, not only the prototype chain.
 * @param e - anything caught
 * @returns whether `e` is a `DspbError`
 * @example if (isDspbError(e) && e.code === "MISSING_DEVICE_ID") askForOaid();
 */
export function isDspbError(e: unknown): e is DspbError {
	return e instanceof Error && e.name === "DspbError" && typeof (e as { code?: unknown }).code === "string";
}
