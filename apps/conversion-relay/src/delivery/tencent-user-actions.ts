/**
 * `tencent-user-actions`: the Marketing API's direct mode (docs/conversion/marketing-api-v3.md
 * "Direct mode"). `POST {TENCENT_API_BASE_URL}/v3.0/user_actions/add?access_token=…&timestamp=…&nonce=…`
 * with `{account_id, user_action_set_id, actions}`; each action carries `user_id` and, when the
 * conversion was attributed, `trace.click_id`. Conversions of one account and action set share
 * calls of up to 50 actions and 50 KB.
 * @module
 */
import type { ConversionRow } from "../ledger.ts";
import { accountSettings, type Settings, userActionSetId } from "../settings.ts";
import {
	encodeAction,
	interpretMarketingAnswer,
	MARKETING_MAX_ACTIONS,
	MARKETING_MAX_BODY_BYTES,
} from "./marketing-api.ts";
import type { CallAuth, Route, RouteProblem, UpstreamFormat } from "./types.ts";

/** The direct-mode path below the API base URL. */
export const USER_ACTIONS_PATH = "/v3.0/user_actions/add";

/** The Marketing API's direct mode. */
export const tencentUserActions: UpstreamFormat = {
	name: "tencent-user-actions",
	rateLimited: true,
	needsToken: true,
	maxPerCall: MARKETING_MAX_ACTIONS,
	maxBodyBytes: MARKETING_MAX_BODY_BYTES,
	route(row: ConversionRow, settings: Settings): Route | RouteProblem {
		if (!settings.tokens.has(row.advertiser_id)) {
			return {
				kind: "config",
				code: "CONFIG_TOKEN_MISSING",
				detail: `TENCENT_TOKENS has no entry for account ${row.advertiser_id}`,
			};
		}
		const setId = userActionSetId(settings, row.advertiser_id, row.appid);
		if (setId === undefined) {
			return {
				kind: "config",
				code: "CONFIG_ACTION_SET_MISSING",
				detail: `TENCENT_ACCOUNTS has no user_action_set_id for account ${row.advertiser_id}, app ${row.appid}`,
			};
		}
		if (row.action_type === null) {
			return { kind: "failed", code: "NO_ACTION_TYPE", detail: "the conversion has no action_type" };
		}
		return {
			kind: "route",
			key: `ua:${row.advertiser_id}:${setId}`,
			accountId: row.advertiser_id,
			url: `${settings.apiBaseUrl}${USER_ACTIONS_PATH}`,
			userActionSetId: setId,
		};
	},
	encode(row: ConversionRow, settings: Settings): Promise<string> {
		return encodeAction(row, "direct", accountSettings(settings, row.advertiser_id).userIdHash);
	},
	body(route: Route, items: readonly string[]): string {
		// The ids were validated as digit strings; written as JSON numbers without a lossy parse.
		return `{"account_id":${route.accountId},"user_action_set_id":${route.userActionSetId},"actions":[${items.join(",")}]}`;
	},
	request(route: Route, body: string, auth: CallAuth | null): Request {
		const url = new URL(route.url);
		if (auth !== null) {
			url.searchParams.set("access_token", auth.accessToken);
			url.searchParams.set("timestamp", String(auth.timestamp));
			url.searchParams.set("nonce", auth.nonce);
		}
		return new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body });
	},
	interpret: interpretMarketingAnswer,
};
