/**
 * `tencent-callback`: the Marketing API's callback mode (docs/conversion/marketing-api-v3.md
 * "Callback mode"). The attributed click's `__CALLBACK__`, URL-decoded once and kept verbatim
 * (`conv_id=` or `link_id=` as received), is the report URL; the relay POSTs `{"actions":[…]}`
 * to it with the token, timestamp and nonce as headers (names from `CALLBACK_AUTH_HEADERS`,
 * default `access-token`, `timestamp`, `nonce`). The token goes only to origins listed in
 * `CALLBACK_ORIGINS`.
 * @module
 */
import type { ConversionRow } from "../ledger.ts";
import { accountSettings, type Settings } from "../settings.ts";
import {
	encodeAction,
	interpretMarketingAnswer,
	MARKETING_MAX_ACTIONS,
	MARKETING_MAX_BODY_BYTES,
} from "./marketing-api.ts";
import type { CallAuth, Route, RouteProblem, UpstreamFormat } from "./types.ts";

/**
 * Whether a callback URL may receive the account's token.
 * @param url - the decoded callback
 * @param origins - `CALLBACK_ORIGINS`
 * @returns true when its origin is listed
 */
export function isAllowedCallback(url: string, origins: readonly string[]): boolean {
	try {
		return origins.includes(new URL(url).origin);
	} catch {
		return false;
	}
}

/** The Marketing API's callback mode. */
export const tencentCallback: UpstreamFormat = {
	name: "tencent-callback",
	rateLimited: true,
	needsToken: true,
	maxPerCall: MARKETING_MAX_ACTIONS,
	maxBodyBytes: MARKETING_MAX_BODY_BYTES,
	route(row: ConversionRow, settings: Settings): Route | RouteProblem {
		if (row.callback_url === null) {
			return { kind: "failed", code: "NO_CALLBACK", detail: "the attributed click carries no callback" };
		}
		if (row.action_type === null) {
			return { kind: "failed", code: "NO_ACTION_TYPE", detail: "the conversion has no action_type" };
		}
		if (!settings.tokens.has(row.advertiser_id)) {
			return {
				kind: "config",
				code: "CONFIG_TOKEN_MISSING",
				detail: `TENCENT_TOKENS has no entry for account ${row.advertiser_id}`,
			};
		}
		if (!isAllowedCallback(row.callback_url, settings.callbackOrigins)) {
			return {
				kind: "config",
				code: "CONFIG_CALLBACK_ORIGIN",
				detail: "the click's callback points outside CALLBACK_ORIGINS; the token is not sent there",
			};
		}
		return {
			kind: "route",
			// Each click has its own callback URL: only conversions of the same click share a call.
			key: `cb:${row.advertiser_id}:${row.callback_url}`,
			accountId: row.advertiser_id,
			url: row.callback_url,
			userActionSetId: null,
		};
	},
	encode(row: ConversionRow, settings: Settings): Promise<string> {
		return encodeAction(row, "callback", accountSettings(settings, row.advertiser_id).userIdHash);
	},
	body(_route: Route, items: readonly string[]): string {
		return `{"actions":[${items.join(",")}]}`;
	},
	request(route: Route, body: string, auth: CallAuth | null, settings: Settings): Request {
		const headers = new Headers({ "content-type": "application/json" });
		if (auth !== null) {
			const names = settings.callbackAuthHeaders;
			headers.set(names.accessToken, auth.accessToken);
			headers.set(names.timestamp, String(auth.timestamp));
			headers.set(names.nonce, auth.nonce);
		}
		return new Request(route.url, { method: "POST", headers, body });
	},
	interpret: interpretMarketingAnswer,
};
