/**
 * Hand-written RtaRequest wire bytes for the three decoder behaviours a fuzzer found wrong in
 * `fromBinary` of @bufbuild/protobuf 2.17 (tag = field_number << 3 | wire_type, field numbers from
 * docs/rta/wire-protocol.md), each with what a protobuf C++/Java/Go parser makes of it.
 * @module
 */

const ascii = (s: string) => Array.from(new TextEncoder().encode(s));
export const IMEI_MD5 = "b496ec1169770ea274a2b4f42ca4fb71";

/** device { imei_md5sum }, 34 bytes. */
// biome-ignore format: one wire field per line keeps the bytes auditable
const device = [
	0x1a, 0x20, ...ascii(IMEI_MD5), // 3 imei_md5sum len 32
];

/** `unified_request_id` (#12, a string) sent as a varint: an unknown field, the rest is read. */
// biome-ignore format: one wire field per line keeps the bytes auditable
export const unifiedRequestIdAsVarint = Uint8Array.from([
	0x0a, 0x02, ...ascii("r1"), // 1 id "r1"
	0x60, 0x96, 0x01, // 12 as varint 150 (declared: string, wire type 2)
	0x2a, device.length, ...device, // 5 device
]);

/** `exps` (#9, a message) sent as a varint: skipped, so it cannot swallow the device after it. */
// biome-ignore format: one wire field per line keeps the bytes auditable
export const expsAsVarint = Uint8Array.from([
	0x0a, 0x02, ...ascii("r2"), // 1 id "r2"
	0x48, 0x24, // 9 as varint 36 (declared: message, wire type 2); read as a length it covers the device
	0x2a, device.length, ...device, // 5 device
]);

/**
 * `siteset_id` (#6, a uint64) sent as fixed32, then `is_ping` = 1 and a device: a ping. Read as a
 * varint, the fixed32's first byte ends siteset_id and the other three start an unknown field 7
 * of 3 bytes that swallows `is_ping`, leaving a request with a device.
 */
// biome-ignore format: one wire field per line keeps the bytes auditable
export const sitesetFixed32ThenPing = Uint8Array.from([
	0x0a, 0x02, ...ascii("r3"), // 1 id "r3"
	0x35, 0x00, 0x3a, 0x03, 0x00, // 6 as fixed32 (declared: varint, wire type 0): 4 bytes
	0x10, 0x01, // 2 is_ping true
	0x2a, device.length, ...device, // 5 device
]);

/** A device of length 3 whose `imei_md5sum` claims 32 bytes: the field runs past the device. */
// biome-ignore format: one wire field per line keeps the bytes auditable
export const fieldPastItsSubMessage = Uint8Array.from([
	0x0a, 0x02, ...ascii("r4"), // 1 id "r4"
	0x2a, 0x03, // 5 device, length 3: …
	0x08, 0x02, // … 1 os 2
	0x1a, // … and the tag of 3 imei_md5sum; its length and value lie after the device's end:
	0x20, ...ascii(IMEI_MD5), // len 32
]);

/** `id` whose bytes are not UTF-8 (c3 28). */
export const idNotUtf8 = Uint8Array.from([0x0a, 0x02, 0xc3, 0x28]);

/** `id` starting with a byte-order mark (ef bb bf) before "A". */
export const idWithBom = Uint8Array.from([0x0a, 0x04, 0xef, 0xbb, 0xbf, 0x41]);

/** A second-stage request: request_info ADLIST, two ads with creatives and a product, uint64 ids past 2^53. */
// biome-ignore format: one wire field per line keeps the bytes auditable
export const adlistRequest = Uint8Array.from([
	0x0a, 0x02, ...ascii("r5"), // 1 id "r5"
	0x42, 0x02, 0x08, 0x02, // 8 request_info { request_type ADLIST_REQUEST 2 }
	0x5a, 0x1c, // 11 ad_infos, 28 bytes:
	0x08, 0xe9, 0x07, //   1 adgroup_id 1001
	0x12, 0x05, 0x08, 0x89, 0x27, 0x10, 0x07, //   2 creative_infos { creative_id 5001, crt_template_id 7 }
	0x1a, 0x09, 0x08, 0x4d, 0x12, 0x05, ...ascii("sku-1"), //   3 product_infos { product_lib 77, out_product_id "sku-1" }
	0x20, 0xbd, 0x9e, 0x01, //   4 advertiser_id 20285
	0x2a, 0x01, ...ascii("s"), //   5 out_target_id "s"
	0x5a, 0x0b, // 11 ad_infos, 11 bytes:
	0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, //   1 adgroup_id 2^63 + 1 (10-byte varint)
]);
