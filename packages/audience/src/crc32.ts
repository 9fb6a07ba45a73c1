/**
 * CRC-32 (IEEE 802.3, the zlib / PNG polynomial), table-driven: the checksum of shard headers
 * and records. It detects truncation and corruption in storage or transit; it is not a defence
 * against someone who can write the namespace.
 * @module
 */

const TABLE = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();

/**
 * CRC-32 of a byte range, optionally continuing an earlier one.
 * @param bytes - the data
 * @param start - first byte (default 0)
 * @param end - one past the last byte (default the end)
 * @param previous - CRC of the preceding data, to checksum in pieces
 * @returns the unsigned 32-bit CRC
 * @example crc32(new TextEncoder().encode("123456789")) // 0xcbf43926
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
	let c = ~previous;
	for (let i = start; i < end; i++) c = (TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
	return ~c >>> 0;
}
