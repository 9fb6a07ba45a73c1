/**
 * Decrypts `__AUCTION_PRICE__` as 优量汇 would with its private key: URL-decoding has already
 * happened in the query parser, so this takes the base64 text, RSA-decrypts it and reads the
 * price in 分 (docs/dspb/protocol.md 竞胜上报 / 竞败上报). PKCS#1 v1.5 is undone in BigInt (WebCrypto
 * cannot decrypt it); RSA-OAEP (SHA-256, then SHA-1) goes through WebCrypto.
 * @module
 */
import { DEV_PRICE_PRIVATE_KEY_JWK } from "./dev-keys.ts";

function base64UrlToBytes(b64url: string): Uint8Array {
	const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
	return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function bytesToBigInt(bytes: Uint8Array): bigint {
	let n = 0n;
	for (const b of bytes) n = (n << 8n) | BigInt(b);
	return n;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
	let result = 1n;
	let b = base % modulus;
	for (let x = exponent; x > 0n; x >>= 1n) {
		if (x & 1n) result = (result * b) % modulus;
		b = (b * b) % modulus;
	}
	return result;
}

const jwk = DEV_PRICE_PRIVATE_KEY_JWK;
const n = bytesToBigInt(base64UrlToBytes(jwk.n));
const d = bytesToBigInt(base64UrlToBytes(jwk.d));
const k = base64UrlToBytes(jwk.n).length;

/** RFC 8017 §7.2.2: EM = 0x00 ‖ 0x02 ‖ PS (≥ 8 non-zero bytes) ‖ 0x00 ‖ M. */
function pkcs1v15Decrypt(cipher: Uint8Array): Uint8Array | undefined {
	if (cipher.length !== k) return undefined;
	let m = modPow(bytesToBigInt(cipher), d, n);
	const em = new Uint8Array(k);
	for (let i = k - 1; i >= 0; i--) {
		em[i] = Number(m & 0xffn);
		m >>= 8n;
	}
	if (em[0] !== 0x00 || em[1] !== 0x02) return undefined;
	const sep = em.indexOf(0x00, 2);
	if (sep < 10) return undefined;
	return em.subarray(sep + 1);
}

async function oaepDecrypt(cipher: Uint8Array, hash: "SHA-256" | "SHA-1"): Promise<Uint8Array | undefined> {
	try {
		const key = await crypto.subtle.importKey("jwk", { ...jwk }, { name: "RSA-OAEP", hash }, false, [
			"decrypt",
		]);
		return new Uint8Array(
			await crypto.subtle.decrypt({ name: "RSA-OAEP" }, key, cipher as Uint8Array<ArrayBuffer>),
		);
	} catch {
		return undefined;
	}
}

/** The paddings tried, in order. */
export type PricePadding = "pkcs1" | "oaep-sha256" | "oaep-sha1";

/** A decrypted price, or why it could not be read. */
export type DecryptedPrice =
	| { readonly ok: true; readonly priceFen: number; readonly padding: PricePadding }
	| { readonly ok: false; readonly error: string };

/**
 * Decrypts one `__AUCTION_PRICE__` value with the dev private key.
 * @param base64 - the macro's value after URL decoding
 * @returns the price in 分 and the padding that opened it, or an error
 */
export async function decryptPrice(base64: string): Promise<DecryptedPrice> {
	let cipher: Uint8Array;
	try {
		cipher = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
	} catch {
		return { ok: false, error: "not base64 (was it URL-encoded twice, or not at all?)" };
	}
	const attempts: Array<[PricePadding, () => Promise<Uint8Array | undefined>]> = [
		["pkcs1", async () => pkcs1v15Decrypt(cipher)],
		["oaep-sha256", () => oaepDecrypt(cipher, "SHA-256")],
		["oaep-sha1", () => oaepDecrypt(cipher, "SHA-1")],
	];
	for (const [padding, open] of attempts) {
		const plain = await open();
		if (plain === undefined) continue;
		const text = new TextDecoder().decode(plain);
		if (!/^[0-9]{1,10}$/.test(text))
			return { ok: false, error: `decrypted to ${JSON.stringify(text)}, not digits` };
		return { ok: true, priceFen: Number(text), padding };
	}
	return { ok: false, error: "does not decrypt with the dev private key" };
}
