/**
 * RTA wire bytes written out by hand from the field tables in docs/rta/wire-protocol.md
 * (tag = field_number << 3 | wire_type), so the codec is checked against the protocol rather
 * than against itself.
 * @module
 */

const ascii = (s: string) => Array.from(new TextEncoder().encode(s));
const IMEI_MD5 = "b496ec1169770ea274a2b4f42ca4fb71";

/** Device: os=OS_ANDROID, imei_md5sum, doubtful_ids_list=[OAID_MD5_DOUBTFUL], cached_deviceid_type=IMEI_MD5. */
// biome-ignore format: one wire field per line keeps the bytes auditable
const device = [
	0x08, 0x02, // 1 os varint 2
	0x1a, 0x20, ...ascii(IMEI_MD5), // 3 imei_md5sum len 32
	0x48, 0x04, // 9 doubtful_ids_list varint 4 (proto2 repeated enum: unpacked)
	0x50, 0x01, // 10 cached_deviceid_type varint 1
];

/** A first-stage request with every kind of field the responder reads, plus one unknown field. */
// biome-ignore format: one wire field per line keeps the bytes auditable
export const requestBytes = Uint8Array.from([
	0x0a, 0x05, ...ascii("req-1"), // 1 id
	0x18, 0x01, // 3 is_test true
	0x2a, device.length, ...device, // 5 device
	0x4a, 0x02, 0x08, 0x07, // 9 exps { exp_id: 7 }
	0x4a, 0x03, 0x08, 0xac, 0x02, // 9 exps { exp_id: 300 }
	0x7a, 0x03, 0x01, 0x96, 0x01, // 15 crt_template_id packed [1, 150]
	0x98, 0x06, 0x2a, // 99 varint 42: a field this schema does not know
]);

export const expectedRequest = {
	id: "req-1",
	isTest: true,
	imeiMd5: IMEI_MD5,
	expIds: [7, 300],
	crtTemplateIds: [1, 150],
};

/** A response: request_id, code 0, one target with a float factor, packed uint64 aid_whitelist. */
// biome-ignore format: one wire field per line keeps the bytes auditable
export const responseBytes = Uint8Array.from([
	0x0a, 0x05, ...ascii("req-1"), // 1 request_id
	0x10, 0x00, // 2 code 0 (explicitly present)
	0x20, 0x03, // 4 processing_time_ms 3
	0x38, 0x90, 0x1c, // 7 response_cache_time 3600
	0x52, 0x02, ...ascii("s1"), // 10 out_target_id "s1"
	0x62, 0x0b, // 12 target_infos, 11 bytes:
	0x0a, 0x02, ...ascii("s1"), //   1 out_target_id "s1"
	0x18, 0x64, //   3 cpc_price 100
	0x35, 0x00, 0x00, 0xc0, 0x3f, //   6 user_weight_factor 1.5f (fixed32 little-endian)
	0x6a, 0x06, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, // 13 aid_whitelist packed [1, 2^32]
]);
