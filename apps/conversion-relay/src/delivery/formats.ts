/**
 * The registry of upstream formats, and the rule that picks one per conversion. A conversion
 * stores its format's name when it is attributed (at ingest, or when a late click arrives), so the
 * consumer always delivers it the way it was accepted and a configuration change never reroutes
 * queued work.
 * @module
 */
import { type Settings, userActionSetId } from "../settings.ts";
import { gdtFormV1 } from "./gdt-form.ts";
import { tencentCallback } from "./tencent-callback.ts";
import { tencentUserActions } from "./tencent-user-actions.ts";
import type { UpstreamFormat, UpstreamName } from "./types.ts";

/** Every format the consumer can deliver, by name. */
export const UPSTREAM_FORMATS: Readonly<Record<UpstreamName, UpstreamFormat>> = {
	[gdtFormV1.name]: gdtFormV1,
	[tencentCallback.name]: tencentCallback,
	[tencentUserActions.name]: tencentUserActions,
} as Record<UpstreamName, UpstreamFormat>;

/**
 * The format a stored conversion names.
 * @param name - `conversions.upstream`
 * @returns the format, or `undefined` for a name this version does not know
 */
export function upstreamFormat(name: string): UpstreamFormat | undefined {
	return Object.hasOwn(UPSTREAM_FORMATS, name) ? UPSTREAM_FORMATS[name as UpstreamName] : undefined;
}

/** What the choice looks at. */
export interface ChoiceInput {
	advertiser_id: string;
	appid: string;
	conv_type: string | null;
	action_type: string | null;
	muid: string | null;
}

/** The chosen format, or why none fits (`field` names what is missing). */
export type Choice = { ok: true; upstream: UpstreamName } | { ok: false; field: string; message: string };

/**
 * Picks the format for a conversion:
 * 1. the account has a Marketing API token (`TENCENT_TOKENS`) and the conversion an action_type:
 *    `tencent-callback` when the attributed click carries a callback, else
 *    `tencent-user-actions` when a user_action_set_id is configured for the app;
 * 2. otherwise `gdt-form-v1` when the advertiser has a sign_key and the conversion a muid and a
 *    conv_type.
 * @param settings - the parsed settings
 * @param conversion - the conversion's account, app, types and muid
 * @param click - the attributed click's callback (`null` = no click, `undefined` callback = none)
 * @returns the choice
 */
export function chooseUpstream(
	settings: Settings,
	conversion: ChoiceInput,
	click: { callback: string | null } | null,
): Choice {
	const account = conversion.advertiser_id;
	const hasToken = settings.tokens.has(account);
	if (hasToken && conversion.action_type !== null) {
		if (click?.callback) return { ok: true, upstream: "tencent-callback" };
		if (userActionSetId(settings, account, conversion.appid) !== undefined) {
			return { ok: true, upstream: "tencent-user-actions" };
		}
	}
	if (settings.signKeys.has(account) && conversion.muid !== null && conversion.conv_type !== null) {
		return { ok: true, upstream: "gdt-form-v1" };
	}
	if (!hasToken && !settings.signKeys.has(account)) {
		return {
			ok: false,
			field: "advertiser_id",
			message: `advertiser ${account} has neither a Marketing API token (TENCENT_TOKENS) nor a sign_key (SIGN_KEYS)`,
		};
	}
	if (hasToken && conversion.action_type === null) {
		return {
			ok: false,
			field: "action_type",
			message: "conv_type has no Marketing API action_type; give action_type",
		};
	}
	if (hasToken) {
		return {
			ok: false,
			field: "appid",
			message: `TENCENT_ACCOUNTS has no user_action_set_id for advertiser ${account} and app ${conversion.appid}, and the click carries no callback`,
		};
	}
	return {
		ok: false,
		field: conversion.conv_type === null ? "conv_type" : "device",
		message:
			conversion.conv_type === null
				? "the form API needs a conv_type (this advertiser has only a sign_key)"
				: "the form API needs a muid: give imei, idfa, oaid or muid (this advertiser has only a sign_key)",
	};
}
