/**
 * The seam between the delivery loop and an upstream's wire format. The loop (consumer.ts) owns
 * leases, attempts, rate limits, tokens, backoff and the state machine; a format only says where a
 * conversion goes, what its part of a call looks like, how a call is built, and what an answer
 * means for each conversion in it.
 * @module
 */
import type { ConversionRow } from "../ledger.ts";
import type { Settings } from "../settings.ts";

/** The formats the relay delivers in (stored per conversion in `conversions.upstream`). */
export type UpstreamName = "gdt-form-v1" | "tencent-callback" | "tencent-user-actions";

/** Where a conversion goes. Conversions with equal `key` may share one call. */
export interface Route {
	kind: "route";
	key: string;
	/** The advertiser account the call is made for (its token and rate limit). */
	accountId: string;
	/** What the call needs besides the items: the URL without auth values, ids for the body. */
	url: string;
	userActionSetId: string | null;
}

/**
 * Why a conversion cannot be sent now. `config` problems (a missing key or token, a setting that
 * changed) hold the conversion back until the configuration is fixed; `failed` ones are final.
 */
export type RouteProblem =
	| { kind: "config"; code: string; detail: string }
	| { kind: "failed"; code: string; detail: string };

/** Auth values of one Marketing API call (docs/conversion/marketing-api-v3.md "Auth values"). */
export interface CallAuth {
	accessToken: string;
	/** Unix seconds. */
	timestamp: number;
	/** Unique per request, ≤ 32 characters; also the call's id in the attempt log. */
	nonce: string;
}

/** An upstream answer whose body was read within the call's deadline. */
export interface Answer {
	status: number;
	headers: Headers;
	text: string;
}

/** What one conversion's part of a call came to. */
export type ItemOutcome =
	| { kind: "delivered" }
	/**
	 * Send again later. `uncounted` retries (rate limits, another action's fault) do not use up
	 * the attempt budget; `delayMs` overrides the backoff (e.g. until the next quota minute).
	 */
	| { kind: "retry"; code: string; detail: string; uncounted?: boolean; delayMs?: number }
	/** The request may have reached Tencent (a timeout); the next send repeats it. */
	| { kind: "unknown"; code: string; detail: string }
	| { kind: "failed"; code: string; detail: string };

/** A quota signal from an answer, for the account's limiter. */
export type QuotaHint = "second" | "minute" | "day" | "frequent";

/** What a whole call came to. */
export interface CallOutcome {
	httpStatus: number | null;
	/** The form API's `ret` or the Marketing API's `code`. */
	ret: number | null;
	msg: string | null;
	/** `X-TSA-Trace-Id`, to quote to Tencent. */
	traceId: string | null;
	/** The token was refused (Marketing API 11000 / 11002): refresh it, then send once more. */
	authRejected: boolean;
	quota: QuotaHint | null;
	/** One outcome per conversion, in call order. */
	items: ItemOutcome[];
}

/** One upstream wire format. */
export interface UpstreamFormat {
	readonly name: UpstreamName;
	/** Whether calls count against the account's Marketing API quota. */
	readonly rateLimited: boolean;
	/** Whether calls carry the account's access token. */
	readonly needsToken: boolean;
	/** Most conversions one call may carry (settings may lower it). */
	readonly maxPerCall: number;
	/** Largest request body in bytes. */
	readonly maxBodyBytes: number;
	/**
	 * Where a conversion goes, or why it cannot be sent now.
	 * @param row - the stored conversion
	 * @param settings - the parsed settings
	 */
	route(row: ConversionRow, settings: Settings): Route | RouteProblem;
	/**
	 * One conversion's part of a call, serialized (a JSON action, or a form body).
	 * @param row - the stored conversion
	 * @param settings - the parsed settings
	 */
	encode(row: ConversionRow, settings: Settings): Promise<string>;
	/**
	 * The request body for items of one route.
	 * @param route - the shared route
	 * @param items - encoded items, in call order
	 */
	body(route: Route, items: readonly string[]): string;
	/**
	 * The request for one call.
	 * @param route - the shared route
	 * @param body - from {@link UpstreamFormat.body}
	 * @param auth - auth values when {@link UpstreamFormat.needsToken}
	 * @param settings - the parsed settings
	 */
	request(route: Route, body: string, auth: CallAuth | null, settings: Settings): Request;
	/**
	 * Reads an answer.
	 * @param answer - status, headers and the whole body
	 * @param count - how many conversions the call carried
	 */
	interpret(answer: Answer, count: number): CallOutcome;
}
