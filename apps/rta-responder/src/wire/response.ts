/**
 * Writes an outcome as `RtaResponse` bytes (docs/rta/wire-protocol.md RtaResponse), without
 * building a message object: `request_id` is the request id's exact bytes, each strategy's
 * `TargetInfo` and the take's products come encoded from the compiled config, and the rest are a
 * few varints. Fields go out in field-number order, so the bytes are exactly what protobuf-es
 * `toBinary` writes for the same message (tested byte for byte).
 * @module
 */
import type { Outcome } from "../decide/outcome.ts";
import type { PricedAd } from "../decide/second-stage.ts";

// Tags: field number << 3 | wire type (0 varint, 2 length-delimited, 5 32-bit).
const T_REQUEST_ID = 0x0a; // 1 string
const T_CODE = 0x10; // 2 uint32
const T_PROCESSING_TIME = 0x20; // 4 int32
const T_CACHE_TIME = 0x38; // 7 uint32
const T_DSP_TAG = 0x40; // 8 uint64
const T_PRODUCTS = 0x4a; // 9 DynamicProductInfo
const T_OUT_TARGET_ID = 0x52; // 10 string
const T_TARGET_INFO = 0x62; // 12 TargetInfo
const T_AID_WHITELIST = 0x6a; // 13 packed uint64
const T_AD_RESULT = 0x72; // 14 AdResult
const T_DSP_TAG_STR = 0x8a; // 17 string: tag 138 = 0x8a 0x01
// AdResult (and its CreativeResult / ProductResult) fields.
const A_ADGROUP_ID = 0x08; // 1 uint64
const A_CREATIVE = 0x12; // 2 CreativeResult
const A_CPC = 0x18; // 3 uint32
const A_IGNORE = 0x20; // 4 bool
const A_PRODUCT = 0x2a; // 5 ProductResult
const A_CPA = 0x30; // 6 uint32
const A_RAISE = 0x65; // 12 float
const C_ID = 0x08; // 1 uint64
const C_CPC = 0x10; // 2 uint32
const C_RAISE = 0x1d; // 3 float
const C_CPA = 0x20; // 4 uint32
const P_LIB = 0x08; // 1 uint64
const P_ID = 0x12; // 2 string
const P_CPC = 0x18; // 3 uint32

const utf8 = new TextEncoder();

/**
 * Encodes an answer.
 * @param idBytes - RtaRequest.id as sent (empty: `request_id` is left out)
 * @param outcome - what to answer
 * @param processingMs - time since the request arrived; undefined = not sent (ping answers)
 * @returns the RtaResponse bytes
 * @example encodeAnswer(request.idBytes, outcome, Date.now() - start)
 */
export function encodeAnswer(
	idBytes: Uint8Array,
	outcome: Outcome,
	processingMs: number | undefined,
): Uint8Array<ArrayBuffer> {
	const extras = outcome.extras;
	const tagStr = extras?.dspTagStr === undefined ? undefined : utf8.encode(extras.dspTagStr);
	const ads = outcome.adResults;
	const adSizes = ads === undefined ? undefined : ads.map(adResultSize);
	let whitelistSize = 0;
	for (const id of outcome.aidWhitelist) whitelistSize += varint64Size(id);

	let size = 0;
	if (idBytes.length > 0) size += 1 + lengthPrefixed(idBytes.length);
	size += 1 + varintSize(outcome.code);
	if (processingMs !== undefined) size += 1 + varintSize(clampInt(processingMs));
	if (outcome.cacheTime !== undefined) size += 1 + varintSize(outcome.cacheTime);
	if (extras?.dspTag !== undefined) size += 1 + varint64Size(extras.dspTag);
	for (const p of extras?.productBytes ?? []) size += 1 + lengthPrefixed(p.length);
	for (const s of outcome.selected) {
		size += 1 + lengthPrefixed(s.idBytes.length);
		const info = s.variant.targetInfoBytes;
		if (info !== undefined) size += 1 + lengthPrefixed(info.length);
	}
	if (whitelistSize > 0) size += 1 + lengthPrefixed(whitelistSize);
	if (adSizes !== undefined) for (const n of adSizes) size += 1 + lengthPrefixed(n);
	if (tagStr !== undefined) size += 2 + lengthPrefixed(tagStr.length);

	const w = new Writer(size);
	if (idBytes.length > 0) w.bytes(T_REQUEST_ID, idBytes);
	w.varint(T_CODE, outcome.code);
	if (processingMs !== undefined) w.varint(T_PROCESSING_TIME, clampInt(processingMs));
	if (outcome.cacheTime !== undefined) w.varint(T_CACHE_TIME, outcome.cacheTime);
	if (extras?.dspTag !== undefined) w.varint64(T_DSP_TAG, extras.dspTag);
	for (const p of extras?.productBytes ?? []) w.bytes(T_PRODUCTS, p);
	// proto serialisers write a repeated field's elements together: every out_target_id, then every TargetInfo.
	for (const s of outcome.selected) w.bytes(T_OUT_TARGET_ID, s.idBytes);
	for (const s of outcome.selected) {
		const info = s.variant.targetInfoBytes;
		if (info !== undefined) w.bytes(T_TARGET_INFO, info);
	}
	if (whitelistSize > 0) {
		w.raw(T_AID_WHITELIST);
		w.uint(whitelistSize);
		for (const id of outcome.aidWhitelist) w.uint64(id);
	}
	if (ads !== undefined && adSizes !== undefined)
		for (let i = 0; i < ads.length; i++) writeAdResult(w, ads[i] as PricedAd, adSizes[i] as number);
	if (tagStr !== undefined) {
		w.raw(T_DSP_TAG_STR);
		w.raw(0x01);
		w.uint(tagStr.length);
		w.copy(tagStr);
	}
	return w.done();
}

function adResultSize(ad: PricedAd): number {
	let n = 1 + varint64Size(ad.adgroupId);
	for (const c of ad.creatives) n += 1 + lengthPrefixed(creativeSize(c));
	if (ad.cpc !== undefined) n += 1 + varintSize(ad.cpc);
	if (ad.ignore) n += 2;
	for (const p of ad.products) n += 1 + lengthPrefixed(productSize(p));
	if (ad.cpa !== undefined) n += 1 + varintSize(ad.cpa);
	if (ad.raiseFactor !== undefined) n += 5;
	return n;
}

function creativeSize(c: PricedAd["creatives"][number]): number {
	let n = 1 + varint64Size(c.creativeId);
	if (c.cpc !== undefined) n += 1 + varintSize(c.cpc);
	if (c.outRaiseFactor !== undefined) n += 5;
	if (c.cpa !== undefined) n += 1 + varintSize(c.cpa);
	return n;
}

function productSize(p: PricedAd["products"][number]): number {
	return (
		1 + varint64Size(p.productLib) + 1 + lengthPrefixed(p.outProductIdBytes.length) + 1 + varintSize(p.cpc)
	);
}

function writeAdResult(w: Writer, ad: PricedAd, size: number): void {
	w.raw(T_AD_RESULT);
	w.uint(size);
	w.varint64(A_ADGROUP_ID, ad.adgroupId);
	for (const c of ad.creatives) {
		w.raw(A_CREATIVE);
		w.uint(creativeSize(c));
		w.varint64(C_ID, c.creativeId);
		if (c.cpc !== undefined) w.varint(C_CPC, c.cpc);
		if (c.outRaiseFactor !== undefined) w.float(C_RAISE, c.outRaiseFactor);
		if (c.cpa !== undefined) w.varint(C_CPA, c.cpa);
	}
	if (ad.cpc !== undefined) w.varint(A_CPC, ad.cpc);
	if (ad.ignore) w.varint(A_IGNORE, 1);
	for (const p of ad.products) {
		w.raw(A_PRODUCT);
		w.uint(productSize(p));
		w.varint64(P_LIB, p.productLib);
		w.bytes(P_ID, p.outProductIdBytes);
		w.varint(P_CPC, p.cpc);
	}
	if (ad.cpa !== undefined) w.varint(A_CPA, ad.cpa);
	if (ad.raiseFactor !== undefined) w.float(A_RAISE, ad.raiseFactor);
}

// processing_time_ms is an int32; Workers' clock never runs backwards, but never write a negative.
function clampInt(ms: number): number {
	return Math.min(0x7fff_ffff, Math.max(0, Math.floor(ms)));
}

function lengthPrefixed(length: number): number {
	return varintSize(length) + length;
}

function varintSize(n: number): number {
	if (n < 0x80) return 1;
	if (n < 0x4000) return 2;
	if (n < 0x20_0000) return 3;
	if (n < 0x1000_0000) return 4;
	return 5;
}

function varint64Size(n: bigint): number {
	if (n < 0x1_0000_0000n) return varintSize(Number(n));
	let size = 5;
	for (let v = n >> 35n; v > 0n; v >>= 7n) size++;
	return size;
}

/** A fixed-size output buffer. */
class Writer {
	readonly #buf: Uint8Array<ArrayBuffer>;
	#pos = 0;
	#view: DataView | undefined;

	constructor(size: number) {
		this.#buf = new Uint8Array(size);
	}

	raw(byte: number): void {
		this.#buf[this.#pos++] = byte;
	}

	uint(n: number): void {
		let v = n >>> 0;
		while (v >= 0x80) {
			this.#buf[this.#pos++] = (v & 0x7f) | 0x80;
			v >>>= 7;
		}
		this.#buf[this.#pos++] = v;
	}

	uint64(n: bigint): void {
		if (n < 0x1_0000_0000n) {
			this.uint(Number(n));
			return;
		}
		let v = n;
		while (v >= 0x80n) {
			this.#buf[this.#pos++] = Number(v & 0x7fn) | 0x80;
			v >>= 7n;
		}
		this.#buf[this.#pos++] = Number(v);
	}

	varint(tag: number, n: number): void {
		this.raw(tag);
		this.uint(n);
	}

	varint64(tag: number, n: bigint): void {
		this.raw(tag);
		this.uint64(n);
	}

	bytes(tag: number, b: Uint8Array): void {
		this.raw(tag);
		this.uint(b.length);
		this.copy(b);
	}

	copy(b: Uint8Array): void {
		this.#buf.set(b, this.#pos);
		this.#pos += b.length;
	}

	float(tag: number, f: number): void {
		this.raw(tag);
		this.#view ??= new DataView(this.#buf.buffer);
		this.#view.setFloat32(this.#pos, f, true);
		this.#pos += 4;
	}

	done(): Uint8Array<ArrayBuffer> {
		if (this.#pos !== this.#buf.length)
			throw new Error(`RtaResponse size ${this.#buf.length} computed, ${this.#pos} written`);
		return this.#buf;
	}
}
