/**
 * HMAC-SHA256 over WebCrypto, with imported keys cached per secret.
 * @module
 */
import { bytesToHex, hexToBytes, toBytes } from "./encoding.ts";
import { SigningError } from "./errors.ts";

const MAX_CACHED_KEYS = 64;
// Importing a key costs more than one HMAC over a short message, and a Worker signs with the
// same few secrets all day, so imported keys are kept per secret (bounded, oldest dropped).
const keyCache = new Map<string, Promise<CryptoKey>>();

// Exactly the 32 bytes of a SHA-256 MAC, in either case; anything else cannot be a valid MAC.
const MAC_HEX = /^[0-9a-fA-F]{64}$/;

function importHmacKey(secret: string | Uint8Array): Promise<CryptoKey> {
	const bytes = toBytes(secret);
	if (bytes.length === 0) throw new SigningError("INVALID_KEY", "HMAC secret is empty");
	// Keyed by the bytes HMAC uses, so a text secret and its UTF-8 bytes share one entry.
	const id = bytesToHex(bytes);
	let key = keyCache.get(id);
	if (key === undefined) {
		key = crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
		// A failed import must not stay cached.
		key.catch(() => keyCache.delete(id));
		if (keyCache.size >= MAX_CACHED_KEYS) {
			// A Map iterates in insertion order, and it is full here: its first key is the oldest.
			keyCache.delete(keyCache.keys().next().value as string);
		}
		keyCache.set(id, key);
	}
	return key;
}

/**
 * HMAC-SHA256.
 * @param secret - the key, as UTF-8 text or bytes
 * @param message - the message, as UTF-8 text or bytes
 * @returns the 32-byte MAC
 * @throws SigningError `INVALID_KEY` if the secret is empty
 */
export async function hmacSha256(
	secret: string | Uint8Array,
	message: string | Uint8Array,
): Promise<Uint8Array> {
	const key = await importHmacKey(secret);
	return new Uint8Array(await crypto.subtle.sign("HMAC", key, toBytes(message)));
}

/**
 * HMAC-SHA256 as 64 lower-case hex characters.
 * @param secret - the key
 * @param message - the message
 * @returns lower-case hex MAC
 * @example await hmacSha256Hex("key", "The quick brown fox jumps over the lazy dog")
 */
export async function hmacSha256Hex(
	secret: string | Uint8Array,
	message: string | Uint8Array,
): Promise<string> {
	return bytesToHex(await hmacSha256(secret, message));
}

/**
 * Verifies a hex HMAC-SHA256 with `crypto.subtle.verify`, which compares in constant time.
 * A MAC from the wire may be anything, so a malformed one (not a string, not exactly 64 hex
 * digits) is simply not valid: the result is `false`, never an exception.
 * @param secret - the key
 * @param message - the signed message
 * @param macHex - the MAC to check, hex in either case
 * @returns true when the MAC is valid; false for a wrong or malformed MAC
 * @throws SigningError `INVALID_KEY` if the secret is empty (checked first, so a misconfigured
 * secret is never mistaken for a bad MAC)
 * @example await verifyHmacSha256Hex(secret, body, request.headers.get("x-signature") ?? "")
 */
export async function verifyHmacSha256Hex(
	secret: string | Uint8Array,
	message: string | Uint8Array,
	macHex: string,
): Promise<boolean> {
	const key = await importHmacKey(secret);
	if (typeof macHex !== "string" || !MAC_HEX.test(macHex)) return false;
	return crypto.subtle.verify("HMAC", key, hexToBytes(macHex), toBytes(message));
}
