/**
 * MD5, synchronous and pure JS so it behaves the same in Node (whose WebCrypto has no MD5) and
 * workerd. Used only because Tencent's protocols require it (muid, conversion `encstr`); MD5 is
 * not a secure hash and must not be used in a new protocol.
 * @module
 */
import { md5 as nobleMd5 } from "@noble/hashes/legacy.js";
import { bytesToHex, toBytes } from "./encoding.ts";

/**
 * MD5 digest.
 * @param input - text (UTF-8) or bytes
 * @returns the 16-byte digest
 */
export function md5(input: string | Uint8Array): Uint8Array {
	return nobleMd5(toBytes(input));
}

/**
 * MD5 as 32 lower-case hex characters, the form every Tencent document uses.
 * @param input - text (UTF-8) or bytes
 * @returns lower-case hex digest
 * @example md5Hex("354649050046412") // "b496ec1169770ea274a2b4f42ca4fb71"
 */
export function md5Hex(input: string | Uint8Array): string {
	return bytesToHex(md5(input));
}
