/**
 * Attribution, below the handlers: a conversion is matched to the latest eligible click of its
 * device (same app, account and app type, within the window); a conversion that matches none is
 * held for a late click (`LATE_CLICK_WINDOW_SECONDS`) unless `REPORT_UNATTRIBUTED` is on; a click
 * that arrives after its conversion releases it. The upstream format is chosen once the click is
 * known and stored with the conversion.
 *
 * docs/conversion/form-api.md §5.1: a conversion is reported after it matched a click; §5.5 marks
 * click_id required (only its example leaves it empty).
 * @module
 */
import { type Choice, chooseUpstream } from "./delivery/formats.ts";
import { RelayError } from "./errors.ts";
import {
	attributeWaiting,
	type ClickAppType,
	type ClickRow,
	type ConversionRow,
	findAttributableClick,
	findWaitingForClick,
	insertClick,
	insertConversion,
	type NewClick,
	type Upserted,
} from "./ledger.ts";
import type { Settings } from "./settings.ts";
import type { ConversionInput } from "./validate.ts";

/**
 * The click-side spelling of a conversion's app type (docs/conversion/form-api.md §4.4 lower
 * case, §5.5 upper case).
 * @param appType - the conversion's app_type
 * @returns the click's app_type
 */
export function clickAppTypeOf(appType: ConversionInput["app_type"]): ClickAppType {
	return appType.toLowerCase() as ClickAppType;
}

function unreportable(choice: Extract<Choice, { ok: false }>): RelayError {
	return new RelayError(422, "NO_UPSTREAM", choice.message, { field: choice.field });
}

/**
 * Attributes and stores one validated conversion, idempotently by event_id.
 * @param db - the ledger
 * @param settings - the parsed settings
 * @param input - the validated conversion
 * @param now - milliseconds
 * @returns the stored row and whether this call created it
 * @throws RelayError 422 `NO_UPSTREAM` when no configured format could ever report it
 */
export async function acceptConversion(
	db: D1Database,
	settings: Settings,
	input: ConversionInput,
	now: number,
): Promise<Upserted<ConversionRow>> {
	const click =
		input.muid === null
			? null
			: await findAttributableClick(db, {
					muid: input.muid,
					appid: input.appid,
					advertiserId: input.advertiser_id,
					clickAppType: clickAppTypeOf(input.app_type),
					convTime: input.conv_time,
					windowSeconds: settings.attributionWindowSeconds,
				});
	let status: ConversionRow["status"] = "pending";
	let holdUntil: number | null = null;
	let choice = chooseUpstream(settings, input, click);
	if (click === null && !settings.reportUnattributed) {
		// Held for a late click; it must be reportable once one arrives (perhaps with a callback).
		choice = chooseUpstream(settings, input, { callback: "any" });
		const noCallback = chooseUpstream(settings, input, null);
		if (noCallback.ok) choice = noCallback;
		if (input.muid === null || settings.lateClickWindowSeconds === 0) status = "unattributed";
		else {
			status = "waiting_click";
			holdUntil = now + settings.lateClickWindowSeconds * 1000;
		}
	}
	if (!choice.ok) throw unreportable(choice);
	return insertConversion(
		db,
		{
			id: crypto.randomUUID(),
			event_id: input.event_id,
			fingerprint: input.fingerprint,
			appid: input.appid,
			advertiser_id: input.advertiser_id,
			app_type: input.app_type,
			conv_type: input.conv_type,
			action_type: input.action_type,
			custom_action: input.custom_action,
			conv_time: input.conv_time,
			client_ip: input.client_ip,
			value: input.value,
			muid: input.muid,
			device_kind: input.device_kind,
			user_id: JSON.stringify(input.user_id),
			click_id: click?.click_id ?? null,
			click_time: click?.click_time ?? null,
			callback_url: click?.callback ?? null,
			upstream: choice.upstream,
			status,
			hold_until: holdUntil,
		},
		now,
	);
}

/** What storing a click did. */
export interface ClickRecorded {
	click: Upserted<ClickRow>;
	/** Conversions that waited for this click and are now pending (to enqueue). */
	released: string[];
}

/**
 * Stores a click and releases the conversions that were waiting for it.
 * @param db - the ledger
 * @param settings - the parsed settings
 * @param click - the validated click
 * @param now - milliseconds
 * @returns the stored click and the released conversion ids
 */
export async function recordClick(
	db: D1Database,
	settings: Settings,
	click: NewClick,
	now: number,
): Promise<ClickRecorded> {
	const stored = await insertClick(db, click);
	if (!stored.created || stored.row.non_device === 1) return { click: stored, released: [] };
	const waiting = await findWaitingForClick(db, stored.row, settings.attributionWindowSeconds);
	const choices = new Map<string, string>();
	for (const conversion of waiting) {
		const choice = chooseUpstream(settings, conversion, stored.row);
		// A conversion this click cannot make reportable keeps waiting for another.
		if (choice.ok) choices.set(conversion.id, choice.upstream);
	}
	const released = await attributeWaiting(db, stored.row, choices, now);
	return { click: stored, released };
}
