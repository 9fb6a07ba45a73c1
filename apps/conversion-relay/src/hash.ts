/**
 * SHA-256 as lower-case hex, on WebCrypto (the relay's only use: the Marketing API's
 * `md5_sha256_*` ids, docs/conversion/marketing-api-v3.md "user_id kinds").
 * @module
 */
import { bytesToHex } from "@txad/signing";

/**
 * SHA-256 of a UTF-8 string.
 * @param text - the input
 * @returns 64 lower-case hex characters
 * @example await sha256Hex("83e9158a4fb54c0e1ef0b238639a23ae") // "a58f9fff…6c50"
 */
export async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return bytesToHex(new Uint8Array(digest));
}
