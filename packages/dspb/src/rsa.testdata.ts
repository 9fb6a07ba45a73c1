/**
 * Test-only RSA helpers: a generated key pair and a textbook decryption with BigInt from the
 * private JWK, so PKCS#1 v1.5 ciphertexts can be checked byte by byte (WebCrypto cannot
 * decrypt PKCS#1 v1.5).
 * @module
 */
import { bytesToBase64 } from "./rsa.ts";

function base64UrlToBigInt(b64url: string): bigint {
	const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
	let n = 0n;
	for (const c of atob(b64)) n = (n << 8n) | BigInt(c.charCodeAt(0));
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

/** A fresh 2048-bit pair, exportable, with the public key in every form a publisher may get. */
export async function generateTestKeys(hash: "SHA-1" | "SHA-256" = "SHA-256") {
	const pair = (await crypto.subtle.generateKey(
		{ name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash },
		true,
		["encrypt", "decrypt"],
	)) as CryptoKeyPair;
	const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
	const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
	const n = base64UrlToBigInt(jwk.n ?? "");
	const e = base64UrlToBigInt(jwk.e ?? "");
	const d = base64UrlToBigInt(jwk.d ?? "");
	const pkcs1 = derSequence([derInteger(n), derInteger(e)]);
	return {
		privateKey: pair.privateKey,
		n,
		e,
		d,
		spki,
		spkiPem: pem("PUBLIC KEY", spki),
		spkiBase64: bytesToBase64(spki),
		pkcs1,
		pkcs1Pem: pem("RSA PUBLIC KEY", pkcs1),
	};
}

function pem(label: string, der: Uint8Array): string {
	const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
	return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function derLength(length: number): number[] {
	if (length < 0x80) return [length];
	const bytes: number[] = [];
	for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l % 256);
	return [0x80 | bytes.length, ...bytes];
}

/** DER INTEGER of a non-negative bigint. */
export function derInteger(value: bigint): number[] {
	const bytes: number[] = [];
	for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
	if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes.unshift(0);
	return [0x02, ...derLength(bytes.length), ...bytes];
}

/** DER SEQUENCE of encoded parts. */
export function derSequence(parts: number[][]): Uint8Array {
	const body = parts.flat();
	return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

/** Decodes standard base64 to bytes. */
export function base64ToBytes(b64: string): Uint8Array {
	return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/**
 * Raw RSA decryption m = c^d mod n, returned as the k-byte encoded message (EM).
 * @param ciphertext - k bytes
 * @param keys - n and d
 * @returns EM, to be checked for the PKCS#1 v1.5 layout by the caller
 */
export function rawDecrypt(ciphertext: Uint8Array, keys: { n: bigint; d: bigint }): Uint8Array {
	let c = 0n;
	for (const b of ciphertext) c = (c << 8n) | BigInt(b);
	let m = modPow(c, keys.d, keys.n);
	const k = Math.ceil(keys.n.toString(2).length / 8);
	const em = new Uint8Array(k);
	for (let i = k - 1; i >= 0; i--) {
		em[i] = Number(m & 0xffn);
		m >>= 8n;
	}
	return em;
}
