// Run by `npm run check:packages` against the packed tarball, in plain Node and in workerd:
// a validated, signed DSP-B ad request (nothing is sent).
import { buildAdRequest, DSPB_ENDPOINT } from "@txad/dspb";

export default async function smoke() {
	const request = await buildAdRequest(
		{ secret: "LUqGS3BaEbe1O" },
		{
			pos: { id: 8050018672826551, ad_count: 1 },
			media: { app_id: "1104241296", app_bundle_id: "com.test.android" },
			device: {
				os: "android",
				os_version: "13.0",
				model: "23049RAD8C",
				manufacturer: "Xiaomi",
				device_type: 1,
				oaid: "f6f7d3a8",
			},
			network: { connect_type: 1, carrier: 3, ip: "14.17.22.35", ua: "Mozilla/5.0" },
			timeStamp: 1700000000123,
		},
	);
	if (!request.url.startsWith(DSPB_ENDPOINT) || !/^[0-9a-f]{64}$/.test(request.params.sign)) {
		throw new Error(`buildAdRequest gave ${request.url}`);
	}
	return `buildAdRequest → sign ${request.params.sign.slice(0, 16)}…`;
}
