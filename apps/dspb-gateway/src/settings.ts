/**
 * Wrangler vars and secrets, parsed and checked once per isolate (and again only when a value
 * changes), so no request parses JSON, keys or numbers from env. A bad value is reported with the
 * variable's name: per request as a 500, and by `GET /healthz` as a 503.
 * @module
 */
import { type AuctionPricePadding, parseRsaPublicKey } from "@txad/dspb";
import {
	convertSettingsError,
	type EnvVars,
	memoizeSettings,
	readInt,
	readJsonObject,
	readOneOf,
	readText,
	readUrl,
	registerSecret,
	SettingsError,
} from "@txad/worker-kit";
import { GatewayError } from "./errors.ts";

/** Who may call the gateway: an app build, or the publisher's own backend. */
export type CallerRole =
	/** The app calls directly: the user's IP is the connection's (CF-Connecting-IP). */
	| "app"
	/** The publisher's backend calls for the app: it must send the user's IP in network.ip. */
	| "backend";

/** One entry of APP_KEYS. */
export interface AppKey {
	readonly keyId: string;
	readonly secret: string;
	/** The 优量汇 media app_id this key may request ads for. */
	readonly appId: string;
	readonly role: CallerRole;
}

/** One placement of MEDIA, with its medium's registration. */
export interface PlacementConfig {
	readonly posId: string;
	readonly appId: string;
	readonly bundleId: string;
	readonly os: "android" | "ios";
	/** Rewarded-video slots require device.orientation (docs/dspb/protocol.md device table). */
	readonly rewardedVideo: boolean;
}

/** Everything the gateway reads from env. */
export interface Settings {
	readonly endpoint: string;
	readonly timeoutMs: number;
	readonly appKeys: ReadonlyMap<string, AppKey>;
	/** media app_id → the sign secret 优量汇 issued for it. */
	readonly signSecrets: ReadonlyMap<string, string>;
	readonly placements: ReadonlyMap<string, PlacementConfig>;
	/** Undefined when no price key is configured: notices that carry a price are refused. */
	readonly pricePublicKey: string | undefined;
	readonly pricePadding: AuctionPricePadding;
	readonly noticeSigningKey: string;
	readonly noticeTtlSeconds: number;
}

const KEYS = [
	"DSPB_ENDPOINT",
	"UPSTREAM_TIMEOUT_MS",
	"MEDIA",
	"DSPB_PRICE_PADDING",
	"NOTICE_TTL_SECONDS",
	"APP_KEYS",
	"DSPB_SIGN_SECRETS",
	"DSPB_PRICE_PUBLIC_KEY",
	"NOTICE_SIGNING_KEY",
] as const;

type Key = (typeof KEYS)[number];
/** Raw env values by name. */
export type RawSettings = EnvVars<Key>;

/** How __AUCTION_PRICE__ may be RSA-padded (docs/dspb/protocol.md). */
const PRICE_PADDINGS = [
	"pkcs1",
	"oaep-sha256",
	"oaep-sha1",
] as const satisfies readonly AuctionPricePadding[];

/** The shortest NOTICE_SIGNING_KEY accepted (an HMAC-SHA256 key of ≥ 256 bits of text). */
export const MIN_NOTICE_KEY_LENGTH = 32;
/** The shortest app key secret accepted. */
export const MIN_APP_KEY_SECRET_LENGTH = 16;

/**
 * The parsed settings for an env; parsed again only when one of the values changed.
 * @param env - the Worker env
 * @returns the settings
 * @throws GatewayError 500 `NOT_CONFIGURED` naming the first malformed variable
 */
export const getSettings: (env: Env) => Settings = memoizeSettings(KEYS, parseSettings);

/**
 * Parses settings from raw env strings.
 * @param raw - env values
 * @returns settings
 * @throws GatewayError 500 `NOT_CONFIGURED`
 */
export function parseSettings(raw: RawSettings): Settings {
	return convertSettingsError(
		() => readSettings(raw),
		(e) => new GatewayError(500, "NOT_CONFIGURED", e.message, { field: e.field, cause: e }),
	);
}

function readSettings(raw: RawSettings): Settings {
	const url = readUrl(raw, "DSPB_ENDPOINT", "https://mi.gdt.qq.com/api/v3");

	const signSecrets = new Map<string, string>();
	for (const [appId, secret] of Object.entries(readJsonObject(raw, "DSPB_SIGN_SECRETS", { secret: true }))) {
		if (!/^[0-9]+$/.test(appId)) throw notConfigured("DSPB_SIGN_SECRETS", `key "${appId}" is not an app_id`);
		if (typeof secret !== "string" || secret === "")
			throw notConfigured("DSPB_SIGN_SECRETS", `the secret of ${appId} must be a non-empty string`);
		signSecrets.set(appId, secret);
	}

	const placements = new Map<string, PlacementConfig>();
	const media = readJsonObject(raw, "MEDIA");
	for (const [appId, value] of Object.entries(media)) {
		const where = `MEDIA.${appId}`;
		if (!/^[0-9]+$/.test(appId)) throw notConfigured("MEDIA", `key "${appId}" is not an app_id`);
		const m = object(value, where);
		const bundleId = m.bundle_id;
		if (typeof bundleId !== "string" || bundleId === "")
			throw notConfigured(where, "bundle_id must be the package name / bundle id registered with 优量汇");
		if (m.os !== "android" && m.os !== "ios") throw notConfigured(where, 'os must be "android" or "ios"');
		if (!signSecrets.has(appId))
			throw notConfigured("DSPB_SIGN_SECRETS", `has no sign secret for app ${appId} listed in MEDIA`);
		for (const [posId, p] of Object.entries(object(m.placements, `${where}.placements`))) {
			if (!/^[1-9][0-9]{0,18}$/.test(posId))
				throw notConfigured(`${where}.placements`, `key "${posId}" is not a placement id`);
			if (placements.has(posId)) throw notConfigured("MEDIA", `placement ${posId} is listed twice`);
			const opts = object(p, `${where}.placements.${posId}`);
			if (opts.rewarded_video !== undefined && typeof opts.rewarded_video !== "boolean")
				throw notConfigured(`${where}.placements.${posId}`, "rewarded_video must be a boolean");
			placements.set(posId, {
				posId,
				appId,
				bundleId,
				os: m.os,
				rewardedVideo: opts.rewarded_video === true,
			});
		}
	}
	if (placements.size === 0)
		throw notConfigured("MEDIA", "lists no placement: add your 优量汇 media and their placements");

	const appKeys = new Map<string, AppKey>();
	for (const [keyId, value] of Object.entries(readJsonObject(raw, "APP_KEYS", { secret: true }))) {
		const where = `APP_KEYS.${keyId}`;
		if (!/^[A-Za-z0-9_-]{1,64}$/.test(keyId))
			throw notConfigured("APP_KEYS", `key id "${keyId}" must be 1–64 of A–Z a–z 0–9 _ -`);
		const k = object(value, where);
		if (typeof k.secret !== "string" || k.secret.length < MIN_APP_KEY_SECRET_LENGTH)
			throw notConfigured(where, `secret must be at least ${MIN_APP_KEY_SECRET_LENGTH} characters`);
		if (typeof k.app_id !== "string" || !signSecrets.has(k.app_id))
			throw notConfigured(where, "app_id must be an app with a sign secret in DSPB_SIGN_SECRETS");
		if (k.role !== "app" && k.role !== "backend")
			throw notConfigured(where, 'role must be "app" or "backend"');
		appKeys.set(keyId, { keyId, secret: k.secret, appId: k.app_id, role: k.role });
	}
	if (appKeys.size === 0) throw notConfigured("APP_KEYS", "lists no key: no caller could authenticate");

	const pricePublicKey = readText(raw, "DSPB_PRICE_PUBLIC_KEY") || undefined;
	if (pricePublicKey !== undefined) {
		try {
			parseRsaPublicKey(pricePublicKey);
		} catch (e) {
			throw notConfigured("DSPB_PRICE_PUBLIC_KEY", `is not a usable RSA public key: ${(e as Error).message}`);
		}
	}
	const padding = readOneOf(raw, "DSPB_PRICE_PADDING", PRICE_PADDINGS, "pkcs1");
	const noticeSigningKey = readText(raw, "NOTICE_SIGNING_KEY");
	if (noticeSigningKey.length < MIN_NOTICE_KEY_LENGTH)
		throw notConfigured("NOTICE_SIGNING_KEY", `must be at least ${MIN_NOTICE_KEY_LENGTH} characters`);

	const settings: Settings = {
		endpoint: `${url.origin}${url.pathname}`,
		timeoutMs: readInt(raw, "UPSTREAM_TIMEOUT_MS", { fallback: 1000, min: 50, max: 10_000 }),
		appKeys,
		signSecrets,
		placements,
		pricePublicKey,
		pricePadding: padding,
		noticeSigningKey,
		noticeTtlSeconds: readInt(raw, "NOTICE_TTL_SECONDS", { fallback: 3600, min: 60, max: 7 * 86_400 }),
	};
	// Defence in depth: no log line can carry them, even inside an error message.
	for (const secret of signSecrets.values()) registerSecret(secret);
	for (const key of appKeys.values()) registerSecret(key.secret);
	registerSecret(noticeSigningKey);
	return settings;
}

function object(value: unknown, where: string): Record<string, unknown> {
	if (value === null || typeof value !== "object" || Array.isArray(value))
		throw notConfigured(where, "must be a JSON object");
	return value as Record<string, unknown>;
}

function notConfigured(field: string, problem: string): SettingsError {
	return new SettingsError(field, problem);
}
