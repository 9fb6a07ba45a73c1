/**
 * The fingerprint of an id: (id type, 16-byte md5) mixed into 128 well-spread bits, of which a
 * snapshot uses the top `shard bits` of the first word to pick the shard and the next 56 bits
 * (second word, top 24 bits of the third) as the record key inside the shard.
 *
 * Why mix at all when md5 output is already uniform: inputs are not always real md5 (test data,
 * sequential "hashes", a buggy exporter), and an unmixed structured input would pile into one
 * shard. The mix is a fixed permutation (HalfSipHash rounds, each step invertible), so distinct
 * inputs never collide before truncation; the id type is folded in first, so the same md5 under
 * two id types gives two fingerprints.
 *
 * False match odds: a lookup of an id that is not in the audience matches a stored one with
 * probability ≈ records / 2^(56 + shard bits) — 1e8 records over 2^16 shards: 1.7e-13.
 * @module
 */
import { md5 } from "@txad/signing";
import { AudienceError } from "./errors.ts";
import { ID_TYPES, type IdType } from "./id-types.ts";

/** A fingerprint as a snapshot uses it. */
export interface Fingerprint {
	/** First 32 bits: the shard is its top `shard bits`. */
	shardWord: number;
	/** Record key, high 32 bits. */
	keyHi: number;
	/** Record key, low 24 bits. */
	keyLo: number;
}

// Per id type, four salt words (arbitrary odd constants) folded in before mixing.
const SALT = new Uint32Array([
	0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced1c2b, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f, 0x165667b1, 0xd3a2646c,
	0xfd7046c5, 0xb55a4f09, 0x2e1b2138, 0x68e31da4, 0xb0a9f0d5, 0x43f86c17, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	0x510e527f, 0xcc9e2d51, 0x1b873593, 0xe6546b64, 0x0eb4f7a1, 0x4cf5ad43, 0x2545f491, 0x6a09e667, 0xbb67ae85,
	0x3c6ef372, 0xa54ff53a, 0x2c1b3c6d, 0x297a2d39, 0x7ed55d16,
]);

const TYPE_CODE: Readonly<Record<IdType, number>> = Object.fromEntries(
	ID_TYPES.map((t, i) => [t, i]),
) as Record<IdType, number>;

const NIBBLE = (() => {
	const t = new Int8Array(128).fill(-1);
	for (let i = 0; i < 10; i++) t[48 + i] = i;
	for (let i = 0; i < 6; i++) {
		t[97 + i] = 10 + i;
		t[65 + i] = 10 + i;
	}
	return t;
})();

const ROUNDS = 6;

/**
 * Mixes four input words of an id type into `out[offset..offset+3)`: shard word, key hi, key lo.
 * @param typeCode - index of the id type in {@link ID_TYPES}
 * @param w0 - input word 0 (md5 bytes 0–3, big-endian)
 * @param w1 - input word 1
 * @param w2 - input word 2
 * @param w3 - input word 3
 * @param out - receives the fingerprint
 * @param offset - where in `out`
 */
export function mixWords(
	typeCode: number,
	w0: number,
	w1: number,
	w2: number,
	w3: number,
	out: Uint32Array,
	offset = 0,
): void {
	const s = typeCode * 4;
	let v0 = w0 ^ (SALT[s] as number);
	let v1 = w1 ^ (SALT[s + 1] as number);
	let v2 = w2 ^ (SALT[s + 2] as number);
	let v3 = w3 ^ (SALT[s + 3] as number);
	for (let r = 0; r < ROUNDS; r++) {
		// HalfSipHash SipRound on 32-bit words: add, rotate, xor — every step invertible.
		v0 = (v0 + v1) | 0;
		v1 = (v1 << 5) | (v1 >>> 27);
		v1 ^= v0;
		v0 = (v0 << 16) | (v0 >>> 16);
		v2 = (v2 + v3) | 0;
		v3 = (v3 << 8) | (v3 >>> 24);
		v3 ^= v2;
		v0 = (v0 + v3) | 0;
		v3 = (v3 << 7) | (v3 >>> 25);
		v3 ^= v0;
		v2 = (v2 + v1) | 0;
		v1 = (v1 << 13) | (v1 >>> 19);
		v1 ^= v2;
		v2 = (v2 << 16) | (v2 >>> 16);
	}
	out[offset] = v0 >>> 0;
	out[offset + 1] = v1 >>> 0;
	out[offset + 2] = v2 >>> 8;
}

/**
 * Fingerprints an id without allocating: the hot path of `/rta` and of the builder.
 * @param type - id type
 * @param value - 32 hex characters (either case) for md5 types; the openid for `openid`
 * @param out - receives shard word, key hi, key lo at `offset`
 * @param offset - where in `out`
 * @returns false when a hash is not 32 hex characters (nothing written)
 */
export function fingerprintInto(type: IdType, value: string, out: Uint32Array, offset = 0): boolean {
	const code = TYPE_CODE[type];
	if (code === undefined) return false;
	if (type === "openid") {
		const d = md5(value);
		mixWords(code, word(d, 0), word(d, 4), word(d, 8), word(d, 12), out, offset);
		return true;
	}
	if (value.length !== 32) return false;
	// An invalid character reads as -1 (all bits set), so OR-ing every nibble into `bad` flags it.
	let bad = 0;
	let w0 = 0;
	let w1 = 0;
	let w2 = 0;
	let w3 = 0;
	for (let i = 0; i < 8; i++) {
		const a = nibble(value.charCodeAt(i));
		const b = nibble(value.charCodeAt(i + 8));
		const c = nibble(value.charCodeAt(i + 16));
		const d = nibble(value.charCodeAt(i + 24));
		bad |= a | b | c | d;
		w0 = (w0 << 4) | a;
		w1 = (w1 << 4) | b;
		w2 = (w2 << 4) | c;
		w3 = (w3 << 4) | d;
	}
	if (bad < 0) return false;
	mixWords(code, w0, w1, w2, w3, out, offset);
	return true;
}

/**
 * Fingerprints an id.
 * @param type - id type
 * @param value - md5 hex, or the openid
 * @returns the fingerprint
 * @throws AudienceError `INVALID_ID` for an unknown type or a hash that is not 32 hex characters
 * @example fingerprint("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71").shardWord
 */
export function fingerprint(type: IdType, value: string): Fingerprint {
	const out = new Uint32Array(3);
	if (!fingerprintInto(type, value, out))
		throw new AudienceError(
			"INVALID_ID",
			TYPE_CODE[type] === undefined ? `unknown id type "${type}"` : `${type} must be 32 hex characters`,
			{ field: "id" },
		);
	return { shardWord: out[0] as number, keyHi: out[1] as number, keyLo: out[2] as number };
}

/**
 * The shard a fingerprint falls in.
 * @param shardWord - {@link Fingerprint.shardWord}
 * @param shardBits - log2 of the shard count (0–24)
 * @returns shard index
 */
export function shardOf(shardWord: number, shardBits: number): number {
	// `x >>> 32` is `x >>> 0` in JavaScript, so one shard needs its own branch.
	return shardBits === 0 ? 0 : shardWord >>> (32 - shardBits);
}

function nibble(c: number): number {
	return c < 128 ? (NIBBLE[c] as number) : -1;
}

function word(b: Uint8Array, i: number): number {
	return (
		(((b[i] as number) << 24) |
			((b[i + 1] as number) << 16) |
			((b[i + 2] as number) << 8) |
			(b[i + 3] as number)) >>>
		0
	);
}
