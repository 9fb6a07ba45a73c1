/**
 * Builds a signed DSP-B ad request (docs/dspb/protocol.md "广告请求接口"): each object is serialized
 * once, that exact text is signed, and the same text is URL-encoded into the GET query.
 * @module
 */
import { signDspbRequest } from "@txad/signing";
import { DspbError } from "./errors.ts";
import {
	DEVICE_FIELDS,
	type FieldSpec,
	GEO_FIELDS,
	MEDIA_FIELDS,
	NETWORK_FIELDS,
	POS_FIELDS,
} from "./fields.ts";
import { mapIosDeviceModel } from "./ios-models.ts";
import type { DspbDevice, DspbGeo, DspbMedia, DspbNetwork, DspbPos } from "./types.ts";
import { type DspbValidationOptions, validateAdRequest } from "./validate.ts";

/** The ad request address used in the guide's request examples, over HTTPS (DSP-B guide: 已全面支持https). */
export const DSPB_ENDPOINT = "https://mi.gdt.qq.com/api/v3";

/** The `api_version` the guide's examples send (DSP-B guide: 目前仅支持3.0及以上版本). */
export const DSPB_API_VERSION = "3.0";

/** Publisher-level settings, fixed for a deployment. */
export interface DspbClientConfig {
	/** The `sign` secret issued by 优量汇. */
	secret: string;
	/** Ad request URL; defaults to {@link DSPB_ENDPOINT}. */
	endpoint?: string;
	/** `api_version`; defaults to {@link DSPB_API_VERSION}. Must be 3.0 or later. */
	apiVersion?: string;
	/**
	 * How `pos.support_pkg` is written. The guide types it "string" but shows the format
	 * `["com.a","com.b"]`; "array" (default) writes a JSON array, "string" writes that array's
	 * JSON text as a JSON string.
	 */
	supportPkgFormat?: "array" | "string";
}

/** One ad request, as the publisher's server knows it. */
export interface DspbAdRequestInput extends DspbValidationOptions {
	/** The ad slot. */
	pos: DspbPos;
	/** The publisher's app. */
	media: DspbMedia;
	/** The user's device. */
	device: DspbDevice;
	/** The user's network. */
	network: DspbNetwork;
	/** The user's location, when known for sure. */
	geo?: DspbGeo;
	/** Sends `support_app_store=1` to allow vendor-store download ads (`market_url`). */
	supportAppStore?: boolean;
	/** `tmax`, the HTTPS timeout hint (whitelisted publishers only); must be > 0. */
	tmax?: number;
	/** `time_stamp` in ms since the epoch; defaults to `Date.now()`. */
	timeStamp?: number;
	/** The user's public IP for `X-Forwarded-For`; defaults to `network.ip`. */
	xForwardedFor?: string;
	/** The user's `Referer`, sent as a header when given. */
	referer?: string;
}

/** The query parameters exactly as sent, before URL encoding, in the guide's table order. */
export interface DspbRequestParams {
	api_version: string;
	support_app_store?: "1";
	pos: string;
	media: string;
	device: string;
	network: string;
	geo?: string;
	time_stamp: string;
	sign: string;
	tmax?: string;
}

/** A built request, ready for `fetch(url, { method, headers })`. */
export interface DspbAdRequest {
	/** Full URL with the URL-encoded query. */
	readonly url: string;
	/** Always GET (DSP-B guide: 使用GET方法). */
	readonly method: "GET";
	/** X-Forwarded-For, User-Agent and, when given, Referer. */
	readonly headers: Readonly<Record<string, string>>;
	/** The exact parameter texts that were signed and encoded. */
	readonly params: Readonly<DspbRequestParams>;
	/** `pos.id` as decimal digits: the key of this slot in the response's `data`. */
	readonly posId: string;
}

type Encoder = (value: unknown) => string;

function serialize(
	value: object,
	table: Readonly<Record<string, FieldSpec>>,
	encoders: Readonly<Record<string, Encoder>> = {},
): string {
	const record = value as Record<string, unknown>;
	const parts: string[] = [];
	// Table order, not the caller's key order: the guide's examples are written in it, and a
	// fixed order makes the signed text reproducible.
	for (const key of Object.keys(table)) {
		const v = record[key];
		if (v === undefined) continue;
		const encode = encoders[key];
		parts.push(`${JSON.stringify(key)}:${encode ? encode(v) : JSON.stringify(v)}`);
	}
	return `{${parts.join(",")}}`;
}

/** pos.id is an int64: written as bare digits, never through a lossy double. */
const int64Digits: Encoder = (v) => String(v);

function posEncoders(config: DspbClientConfig): Record<string, Encoder> {
	return {
		id: int64Digits,
		last_ad_ids: (v) => JSON.stringify(Array.isArray(v) ? v.join(",") : v),
		support_pkg: (v) =>
			config.supportPkgFormat === "string" ? JSON.stringify(JSON.stringify(v)) : JSON.stringify(v),
	};
}

function checkConfig(config: DspbClientConfig): { endpoint: URL; apiVersion: string } {
	if (typeof config?.secret !== "string" || config.secret.length === 0) {
		throw new DspbError("MISSING_FIELD", "the sign secret issued by 优量汇 is required", { field: "secret" });
	}
	const apiVersion = config.apiVersion ?? DSPB_API_VERSION;
	const m = /^([0-9]+)\.[0-9]+(\.[0-9]+)?$/.exec(apiVersion);
	if (!m || Number(m[1]) < 3) {
		throw new DspbError(
			"INVALID_FIELD",
			"api_version must be 3.0 or later (DSP-B guide: 目前仅支持3.0及以上版本)",
			{
				field: "api_version",
			},
		);
	}
	let endpoint: URL;
	try {
		endpoint = new URL(config.endpoint ?? DSPB_ENDPOINT);
	} catch (cause) {
		throw new DspbError("INVALID_FIELD", "endpoint is not a URL", { field: "endpoint", cause });
	}
	if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") {
		throw new DspbError("INVALID_FIELD", "endpoint must be http(s)", { field: "endpoint" });
	}
	return { endpoint, apiVersion };
}

/**
 * Validates, serializes, signs and encodes an ad request.
 * @param config - secret and endpoint
 * @param input - the slot, app, device, network and optional geo
 * @returns the URL, headers and the exact signed parameter texts
 * @throws DspbError with the first issue's code and field (all issues in `issues`) when the
 *   request breaks a rule of the DSP-B guide; nothing is signed or sent then
 * @example
 * const req = await buildAdRequest({ secret }, { pos, media, device, network });
 * const res = await fetch(req.url, { method: req.method, headers: req.headers });
 */
export async function buildAdRequest(
	config: DspbClientConfig,
	input: DspbAdRequestInput,
): Promise<DspbAdRequest> {
	const { endpoint, apiVersion } = checkConfig(config);
	const issues = validateAdRequest(input);
	const first = issues[0];
	if (first !== undefined) {
		const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue(s))` : "";
		throw new DspbError(first.code, `${first.message}${more}`, { field: first.field, issues });
	}
	const pos = serialize(input.pos, POS_FIELDS, posEncoders(config));
	const media = serialize(input.media, MEDIA_FIELDS);
	// DSP-B guide 附录 ios设备型号取值列表: early iOS devices are sent by display name, not raw value.
	const device = serialize(
		input.device.os === "ios"
			? { ...input.device, model: mapIosDeviceModel(input.device.model) }
			: input.device,
		DEVICE_FIELDS,
	);
	const network = serialize(input.network, NETWORK_FIELDS);
	const geo = input.geo === undefined ? undefined : serialize(input.geo, GEO_FIELDS);
	const timeStamp = String(input.timeStamp ?? Date.now());
	const sign = await signDspbRequest(config.secret, { device, media, network, pos, time_stamp: timeStamp });

	const params: DspbRequestParams = {
		api_version: apiVersion,
		...(input.supportAppStore === true ? { support_app_store: "1" as const } : {}),
		pos,
		media,
		device,
		network,
		...(geo === undefined ? {} : { geo }),
		time_stamp: timeStamp,
		sign,
		...(input.tmax === undefined ? {} : { tmax: String(input.tmax) }),
	};
	// encodeURIComponent escapes every reserved character, as the guide's first example does
	// ({ → %7B, " → %22, : → %3A, , → %2C); the server decodes back to the signed text.
	const query = Object.entries(params)
		.map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`)
		.join("&");
	const base = `${endpoint.origin}${endpoint.pathname}`;
	const headers: Record<string, string> = {
		"X-Forwarded-For": input.xForwardedFor ?? input.network.ip,
		"User-Agent": input.network.ua,
	};
	if (input.referer !== undefined) headers.Referer = input.referer;
	return { url: `${base}?${query}`, method: "GET", headers, params, posId: String(input.pos.id) };
}
