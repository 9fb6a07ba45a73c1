/**
 * Notice tokens: the gateway never hands a raw win_notice_url / loss_notice_url to a caller. It
 * hands out a token that carries them, signed with NOTICE_SIGNING_KEY (HMAC-SHA256), bound to the
 * caller's key and an expiry; `/v1/notice/*` only ever fetches a URL from a token it signed, so a
 * client cannot make the gateway call an arbitrary URL.
 * @module
 */
import { hmacSha256Hex, verifyHmacSha256Hex } from "@txad/signing";
import { invalidField } from "../errors.ts";

/** What a token carries. */
export interface NoticeClaims {
	/** APP_KEYS key id it was issued to. */
	readonly keyId: string;
	readonly posId: string;
	readonly adId: string | undefined;
	readonly winUrl: string | undefined;
	readonly lossUrl: string | undefined;
	/** Expiry, Unix seconds. */
	readonly expiresAt: number;
}

// Domain separation: this key signs nothing else, but a versioned prefix keeps it that way.
const CONTEXT = "txad-dspb-notice.v1.";

function toBase64Url(text: string): string {
	let binary = "";
	for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(b64url: string): string {
	const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
	const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
	return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
		Uint8Array.from(binary, (c) => c.charCodeAt(0)),
	);
}

/**
 * Signs a token.
 * @param key - NOTICE_SIGNING_KEY
 * @param claims - what the token stands for
 * @returns `<base64url claims>.<hex HMAC>`
 */
export async function issueNoticeToken(key: string, claims: NoticeClaims): Promise<string> {
	const payload = toBase64Url(
		JSON.stringify({
			k: claims.keyId,
			p: claims.posId,
			a: claims.adId,
			w: claims.winUrl,
			l: claims.lossUrl,
			x: claims.expiresAt,
		}),
	);
	return `${payload}.${await hmacSha256Hex(key, CONTEXT + payload)}`;
}

/**
 * Checks a token's signature, expiry and owner, and returns its claims.
 * @param key - NOTICE_SIGNING_KEY
 * @param token - what the caller sent
 * @param keyId - the caller's key id; a token issued to another key is refused
 * @param nowSeconds - the current Unix time
 * @returns the claims
 * @throws GatewayError 400 `INVALID_FIELD` (field `notice_token`) for a malformed, forged, expired
 *   or foreign token
 */
export async function redeemNoticeToken(
	key: string,
	token: unknown,
	keyId: string,
	nowSeconds: number,
): Promise<NoticeClaims> {
	const m = typeof token === "string" ? /^([A-Za-z0-9_-]+)\.([0-9a-f]{64})$/.exec(token) : null;
	if (m === null) throw invalidField("notice_token", "notice_token must be the token handed out with the ad");
	const payload = m[1] as string;
	if (!(await verifyHmacSha256Hex(key, CONTEXT + payload, m[2] as string)))
		throw invalidField("notice_token", "notice_token was not signed by this gateway");
	let c: Record<string, unknown>;
	try {
		c = JSON.parse(fromBase64Url(payload)) as Record<string, unknown>;
	} catch {
		throw invalidField("notice_token", "notice_token is malformed");
	}
	if (c.k !== keyId) throw invalidField("notice_token", "notice_token was issued to another app key");
	if (typeof c.x !== "number" || c.x < nowSeconds)
		throw invalidField("notice_token", "notice_token has expired");
	const str = (v: unknown) => (typeof v === "string" ? v : undefined);
	return {
		keyId,
		posId: String(c.p),
		adId: str(c.a),
		winUrl: str(c.w),
		lossUrl: str(c.l),
		expiresAt: c.x,
	};
}
