/**
 * The seam between the delivery loop and an upstream's wire format. The loop (consumer.ts) owns
 * leasing, attempts, backoff and the state machine; a format only turns a stored conversion into
 * a request and an answer into an outcome. Adding Tencent's newer `__CALLBACK__` delivery
 * (Marketing API user_actions with access-token / timestamp / nonce headers) means one more
 * {@link UpstreamFormat} and one more entry in formats.ts; nothing else changes.
 * @module
 */
import type { ClickRow, ConversionRow } from "../ledger.ts";

/** What a format needs besides the conversion. */
export interface UpstreamContext {
	/** Base URL for endpoints with a fixed host (docs/conversion/form-api.md §5.2: `TENCENT_CONV_BASE_URL`). */
	baseUrl: string;
	/**
	 * Reads a per-advertiser secret. `sign_key` comes from `SIGN_KEYS`; a callback format would
	 * ask for its access token the same way.
	 * @returns the secret, `undefined` when the advertiser has none, `null` when the secret store is malformed
	 */
	secret(name: "sign_key", advertiserId: string): string | undefined | null;
	/** The attributed click, for formats that post to the click's own callback URL. */
	click: ClickRow | null;
}

/** A request to send, or a reason there is nothing to send. */
export type Prepared =
	| { kind: "request"; request: Request }
	/** The conversion cannot be sent as it is (e.g. no sign_key); final, no request goes out. */
	| { kind: "failed"; code: string; detail: string };

/** What the upstream's answer means. */
export type DeliveryOutcome =
	| { kind: "delivered"; httpStatus: number; ret: number | null; msg: string | null }
	| {
			kind: "retry" | "failed";
			code: string;
			detail: string;
			httpStatus: number | null;
			ret: number | null;
			msg: string | null;
	  };

/** One upstream wire format. */
export interface UpstreamFormat {
	/** Stored on each conversion (`conversions.upstream`), so a format change never affects queued work. */
	readonly name: string;
	/** Whether {@link UpstreamContext.click} must be loaded. */
	readonly needsClick: boolean;
	/**
	 * Builds the request for one conversion.
	 * @param conversion - the stored conversion
	 * @param context - secrets and settings
	 */
	prepare(conversion: ConversionRow, context: UpstreamContext): Prepared;
	/**
	 * Reads the upstream's answer.
	 * @param response - the HTTP response
	 */
	interpret(response: Response): Promise<DeliveryOutcome>;
}
