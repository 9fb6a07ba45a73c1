/**
 * The runtime ceiling for the end-to-end bench: reads the body like the responder does and
 * answers a fixed RtaResponse (code 0, out_target_id "st_vip", response_cache_time 7200).
 * @module
 */
// RtaResponse { code: 0 (field 2), response_cache_time: 7200 (field 7), out_target_id: "st_vip" (field 10) }
const FIXED = new Uint8Array([0x10, 0x00, 0x38, 0xa0, 0x38, 0x52, 0x06, 0x73, 0x74, 0x5f, 0x76, 0x69, 0x70]);

export default {
	async fetch(request) {
		await request.arrayBuffer();
		return new Response(FIXED, { headers: { "content-type": "application/x-protobuf" } });
	},
};
