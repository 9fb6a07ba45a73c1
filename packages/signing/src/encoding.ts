/**
 * Byte/text/hex conversions shared by the signing primitives.
 * @module
 */
import { SigningError } from "./errors.ts";

const encoder = new TextEncoder();
const HEX = "0123456789abcdef";

/**
 * UTF-8 bytes of a string; bytes pass through unchanged.
 * @param input - text or bytes
 * @returns the bytes
 */
export function toBytes(input: string | Uint8Array): Uint8Array<ArrayBuffer> {
	// workers-types widens encode() to ArrayBufferLike; a fresh encode is always ArrayBuffer-backed.
	if (typeof input === "string") return encoder.encode(input) as Uint8Array<ArrayBuffer>;
	// WebCrypto takes only ArrayBuffer-backed views; copy the rare SharedArrayBuffer-backed one.
	return input.buffer instanceof ArrayBuffer ? (input as Uint8Array<ArrayBuffer>) : new Uint8Array(input);
}

/**
 * Lower-case hex of bytes.
 * @param bytes - input bytes
 * @returns hex, two characters per byte
 * @example bytesToHex(new Uint8Array([0, 255])) // "00ff"
 */
export function bytesToHex(bytes: Uint8Array): string {
	let out = "";
	for (const b of bytes) out += HEX[b >> 4] + (HEX[b & 15] as string);
	return out;
}

/**
 * Bytes of a hex string (either case).
 * @param hex - even-length hex text
 * @returns the decoded bytes
 * @throws SigningError `INVALID_HEX` on odd length or a non-hex character
 */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
	if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
		throw new SigningError("INVALID_HEX", `not an even-length hex string (length ${hex.length})`);
	}
	const out = new Uint8Array(hex.length / 2);
	for (const i of out.keys()) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return out;
}
