/**
 * RSA encryption of the auction price for win/loss notices (docs/dspb/protocol.md 竞胜上报/竞败上报:
 * "要求使用RSA加密算法进行加密,之后进行base64编码,编码后再进行URL编码").
 *
 * WebCrypto has RSA-OAEP but not RSAES-PKCS1-v1_5 encryption, which is what an RSA public key
 * handed to a publisher is normally used with, so PKCS#1 v1.5 is implemented here in pure TS:
 * DER key parsing, RFC 8017 §7.2.1 padding with non-zero random bytes from
 * `crypto.getRandomValues`, and BigInt modular exponentiation. Only public-key operations run
 * here; nothing secret is handled, so BigInt's variable timing does not matter.
 * @module
 */
import { DspbError } from "./errors.ts";

/** An RSA public key. */
export interface RsaPublicKey {
	/** Modulus. */
	readonly n: bigint;
	/** Public exponent. */
	readonly e: bigint;
	/** Modulus length in bytes (k in RFC 8017). */
	readonly size: number;
	/** The key as DER SubjectPublicKeyInfo (what WebCrypto imports as "spki"). */
	readonly spki: Uint8Array<ArrayBuffer>;
}

/** How the price is padded before RSA: PKCS#1 v1.5 (default) or OAEP with SHA-1 or SHA-256. */
export type AuctionPricePadding = "pkcs1" | "oaep-sha1" | "oaep-sha256";

// rsaEncryption OID 1.2.840.113549.1.1.1, DER-encoded (RFC 8017 appendix A.1).
const RSA_ENCRYPTION_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const MIN_MODULUS_BITS = 512;

function keyError(message: string, cause?: unknown): DspbError {
	return new DspbError("INVALID_KEY", message, {
		field: "publicKey",
		...(cause === undefined ? {} : { cause }),
	});
}

interface Tlv {
	tag: number;
	start: number;
	end: number;
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
	const tag = der[offset];
	let lengthByte = der[offset + 1];
	if (tag === undefined || lengthByte === undefined) throw keyError("DER ends inside a tag");
	let start = offset + 2;
	let length = lengthByte;
	if (lengthByte & 0x80) {
		const count = lengthByte & 0x7f;
		if (count === 0 || count > 4) throw keyError("unsupported DER length");
		length = 0;
		for (let i = 0; i < count; i++) {
			lengthByte = der[start + i];
			if (lengthByte === undefined) throw keyError("DER ends inside a length");
			length = length * 256 + lengthByte;
		}
		start += count;
	}
	const end = start + length;
	if (end > limit) throw keyError("DER length runs past its container");
	return { tag, start, end };
}

function bytesToBigInt(bytes: Uint8Array): bigint {
	let n = 0n;
	for (const b of bytes) n = (n << 8n) | BigInt(b);
	return n;
}

function bigIntToBytes(n: bigint, size: number): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(size);
	for (let i = size - 1; i >= 0; i--) {
		out[i] = Number(n & 0xffn);
		n >>= 8n;
	}
	return out;
}

function readInteger(
	der: Uint8Array,
	offset: number,
	limit: number,
	name: string,
): { value: bigint; next: number } {
	const tlv = readTlv(der, offset, limit);
	if (tlv.tag !== 0x02) throw keyError(`expected INTEGER ${name}`);
	const bytes = der.subarray(tlv.start, tlv.end);
	if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) throw keyError(`${name} must be a positive INTEGER`);
	return { value: bytesToBigInt(bytes), next: tlv.end };
}

/** Parses PKCS#1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
function parsePkcs1(der: Uint8Array, offset: number, limit: number): { n: bigint; e: bigint; end: number } {
	const seq = readTlv(der, offset, limit);
	if (seq.tag !== 0x30) throw keyError("expected RSAPublicKey SEQUENCE");
	const n = readInteger(der, seq.start, seq.end, "modulus");
	const e = readInteger(der, n.next, seq.end, "publicExponent");
	if (e.next !== seq.end) throw keyError("trailing data in RSAPublicKey");
	return { n: n.value, e: e.value, end: seq.end };
}

function encodeLength(length: number): number[] {
	if (length < 0x80) return [length];
	const bytes: number[] = [];
	for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l % 256);
	return [0x80 | bytes.length, ...bytes];
}

function wrapSpki(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
	const algorithm = [0x30, 0x0d, 0x06, 0x09, ...RSA_ENCRYPTION_OID, 0x05, 0x00];
	const bitString = [0x03, ...encodeLength(pkcs1.length + 1), 0x00, ...pkcs1];
	const body = [...algorithm, ...bitString];
	return new Uint8Array([0x30, ...encodeLength(body.length), ...body]);
}

function decodeBase64(text: string): Uint8Array {
	const clean = text.replace(/\s+/g, "");
	if (clean.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean))
		throw keyError("key is not PEM or base64 DER");
	try {
		return Uint8Array.from(atob(clean), (c) => c.charCodeAt(0));
	} catch (cause) {
		throw keyError("key is not valid base64", cause);
	}
}

/**
 * Parses an RSA public key as given by 优量汇: PEM "PUBLIC KEY" (SPKI) or "RSA PUBLIC KEY"
 * (PKCS#1), bare base64 of either DER, or DER bytes.
 * @param key - the key text or bytes
 * @returns modulus, exponent, size and the SPKI form
 * @throws DspbError `INVALID_KEY` for anything else, or a modulus under 512 bits
 * @example const key = parseRsaPublicKey(pemFromTencent);
 */
export function parseRsaPublicKey(key: string | Uint8Array): RsaPublicKey {
	let der: Uint8Array;
	if (typeof key === "string") {
		const pem = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(key);
		if (pem && pem[1] !== "PUBLIC KEY" && pem[1] !== "RSA PUBLIC KEY") {
			throw keyError(`expected a PUBLIC KEY or RSA PUBLIC KEY PEM, got ${pem[1]}`);
		}
		der = decodeBase64(pem ? (pem[2] ?? "") : key);
	} else {
		der = key;
	}
	const outer = readTlv(der, 0, der.length);
	if (outer.tag !== 0x30 || outer.end !== der.length) throw keyError("key is not a single DER SEQUENCE");
	const first = readTlv(der, outer.start, outer.end);
	let n: bigint;
	let e: bigint;
	let spki: Uint8Array<ArrayBuffer>;
	if (first.tag === 0x30) {
		// SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING } (RFC 5280 §4.1).
		const oid = readTlv(der, first.start, first.end);
		const oidBytes = der.subarray(oid.start, oid.end);
		if (
			oid.tag !== 0x06 ||
			oidBytes.length !== RSA_ENCRYPTION_OID.length ||
			oidBytes.some((b, i) => b !== RSA_ENCRYPTION_OID[i])
		) {
			throw keyError("SubjectPublicKeyInfo is not an rsaEncryption key");
		}
		const bits = readTlv(der, first.end, outer.end);
		if (bits.tag !== 0x03 || der[bits.start] !== 0x00 || bits.end !== outer.end)
			throw keyError("bad subjectPublicKey BIT STRING");
		const inner = parsePkcs1(der, bits.start + 1, bits.end);
		if (inner.end !== bits.end) throw keyError("trailing data in subjectPublicKey");
		({ n, e } = inner);
		spki = new Uint8Array(der);
	} else if (first.tag === 0x02) {
		({ n, e } = parsePkcs1(der, 0, der.length));
		spki = wrapSpki(der);
	} else {
		throw keyError("key is neither SubjectPublicKeyInfo nor RSAPublicKey");
	}
	const bits = n.toString(2).length;
	if (bits < MIN_MODULUS_BITS)
		throw keyError(`RSA modulus of ${bits} bits is too small (minimum ${MIN_MODULUS_BITS})`);
	if (e < 3n || e % 2n === 0n || e >= n)
		throw keyError("RSA public exponent must be odd, ≥ 3 and below the modulus");
	return { n, e, size: Math.ceil(bits / 8), spki };
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

/**
 * RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1): EM = 0x00 ‖ 0x02 ‖ PS ‖ 0x00 ‖ M with PS at
 * least 8 non-zero random bytes, then c = m^e mod n as k bytes.
 * @param key - the public key
 * @param message - at most k − 11 bytes
 * @returns the k-byte ciphertext
 * @throws DspbError `INVALID_KEY` when the message is too long for the key
 */
export function rsaPkcs1v15Encrypt(key: RsaPublicKey, message: Uint8Array): Uint8Array<ArrayBuffer> {
	const k = key.size;
	if (message.length > k - 11)
		throw keyError(`message of ${message.length} bytes is too long for a ${k}-byte key`);
	const em = new Uint8Array(k);
	em[1] = 0x02;
	const psEnd = k - message.length - 1;
	for (let i = 2; i < psEnd; ) {
		const random = crypto.getRandomValues(new Uint8Array(psEnd - i));
		// Zero bytes would end the padding early; skip them and draw again.
		for (const b of random) if (b !== 0 && i < psEnd) em[i++] = b;
	}
	em[psEnd] = 0x00;
	em.set(message, psEnd + 1);
	return bigIntToBytes(modPow(bytesToBigInt(em), key.e, key.n), k);
}

/**
 * Standard base64 (with padding) of bytes, using only `btoa`.
 * @param bytes - input
 * @returns base64 text
 */
export function bytesToBase64(bytes: Uint8Array): string {
	let binary = "";
	for (let i = 0; i < bytes.length; i += 0x8000)
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary);
}

/** Encrypts auction prices with one publisher key. */
export interface AuctionPriceEncryptor {
	/** The padding in use. */
	readonly padding: AuctionPricePadding;
	/** The parsed key. */
	readonly key: RsaPublicKey;
	/**
	 * Encrypts a price in 分 (its decimal digits, UTF-8) and returns standard base64; URL-encode
	 * it before putting it into a URL ({@link fillWinNoticeUrl} does).
	 */
	encryptPrice(priceFen: number): Promise<string>;
}

/**
 * Prepares price encryption with the RSA public key 优量汇 issued to the publisher.
 * @param publicKey - PEM (SPKI or PKCS#1), base64 DER or DER bytes
 * @param options - `padding`: "pkcs1" (default), "oaep-sha1" or "oaep-sha256" (WebCrypto)
 * @returns an encryptor to reuse for every notice
 * @throws DspbError `INVALID_KEY` when the key cannot be parsed or imported
 * @example
 * const enc = await createAuctionPriceEncryptor(pem);
 * const url = await fillWinNoticeUrl(ad.win_notice_url, { priceFen: 1234, encryptor: enc });
 */
export async function createAuctionPriceEncryptor(
	publicKey: string | Uint8Array,
	options: { padding?: AuctionPricePadding } = {},
): Promise<AuctionPriceEncryptor> {
	const key = parseRsaPublicKey(publicKey);
	const padding = options.padding ?? "pkcs1";
	const encoder = new TextEncoder();
	if (padding === "pkcs1") {
		return {
			padding,
			key,
			encryptPrice: async (priceFen) =>
				bytesToBase64(rsaPkcs1v15Encrypt(key, encoder.encode(priceDigits(priceFen)))),
		};
	}
	if (padding !== "oaep-sha1" && padding !== "oaep-sha256") {
		throw new DspbError("INVALID_FIELD", `unknown padding ${String(padding)}`, { field: "padding" });
	}
	let cryptoKey: CryptoKey;
	try {
		cryptoKey = await crypto.subtle.importKey(
			"spki",
			key.spki,
			{ name: "RSA-OAEP", hash: padding === "oaep-sha1" ? "SHA-1" : "SHA-256" },
			false,
			["encrypt"],
		);
	} catch (cause) {
		throw keyError("WebCrypto refused the key for RSA-OAEP", cause);
	}
	return {
		padding,
		key,
		encryptPrice: async (priceFen) =>
			bytesToBase64(
				new Uint8Array(
					await crypto.subtle.encrypt({ name: "RSA-OAEP" }, cryptoKey, encoder.encode(priceDigits(priceFen))),
				),
			),
	};
}

/** DSP-B guide: __AUCTION_PRICE__ is an int32 in 分. */
function priceDigits(priceFen: number): string {
	if (!(Number.isInteger(priceFen) && priceFen >= 0 && priceFen < 2 ** 31)) {
		throw new DspbError("INVALID_FIELD", "the auction price must be a non-negative int32 in 分", {
			field: "__AUCTION_PRICE__",
		});
	}
	return String(priceFen);
}
