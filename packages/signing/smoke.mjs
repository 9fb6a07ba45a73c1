// Run by `npm run check:packages` against the packed tarball, in plain Node and in workerd:
// the DSP-B guide's published request signature (docs/dspb/protocol.md 请求校验字段).
import { signDspbRequest } from "@txad/signing";

export default async function smoke() {
	const sign = await signDspbRequest("LUqGS3BaEbe1O", {
		device: '{"device_type":1,"model":"rmx3366"}',
		media: '{"app_bundle_id":"com.aaa.xxx","app_id":"1234456"}',
		network: '{"connect_type":4}',
		pos: '{"ad_count":1}',
		time_stamp: 1662452225866,
	});
	if (sign !== "e319753299f12b4a06befc535350052da93fef1858c37d6525b469dc5ee7d555") {
		throw new Error(`signDspbRequest gave ${sign}, not the guide's e3197532…d555`);
	}
	return `signDspbRequest → ${sign}`;
}
