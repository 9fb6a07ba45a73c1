/**
 * Builds a signed DSP-B ad request for the Android example of docs/dspb/protocol.md (请求示例) and
 * prints it, then shows what a click_link looks like once its macros are filled.
 *
 *   npx tsx packages/dspb/examples/demo.ts          # from the repo root
 *   DSPB_SECRET=… npm run demo -w @txad/dspb        # with your own secret
 *
 * Nothing is sent over the network.
 * @module
 */
import { buildAdRequest, fillClickLink, validateAdRequest } from "@txad/dspb";

const secret = process.env.DSPB_SECRET ?? "LUqGS3BaEbe1O";

const request = await buildAdRequest(
	{ secret },
	{
		pos: { id: 8050018672826551, ad_count: 2, deep_link_version: 1 },
		media: { app_id: "1104241296", app_bundle_id: "com.test.android" },
		device: {
			os: "android",
			os_version: "6.0.1",
			model: "MI 4LTE",
			manufacturer: "Xiaomi",
			device_type: 1,
			screen_width: 360,
			screen_height: 640,
			orientation: 0,
			imei: "123456789009876",
			android_id: "9774d56d682e549c",
		},
		network: {
			connect_type: 1,
			carrier: 3,
			ip: "14.17.22.35",
			ua: "Mozilla/5.0 (Linux; U; Android 4.4.4; zh-cn; MI 4LTE Build/KTU84P) AppleWebKit/537.36",
		},
		geo: { lat: 39925625, lng: 116333285 },
		supportAppStore: true,
	},
);

console.log("GET", request.url);
for (const [name, value] of Object.entries(request.headers)) console.log(`${name}: ${value}`);
console.log(
	"\nSigned parameter texts (sign = HMAC-SHA256(secret, device=…&media=…&network=…&pos=…&time_stamp=…)):",
);
console.log(JSON.stringify(request.params, null, 2));

const clickLink =
	"http://c.gdt.qq.com/gdt_mclick.fcg?viewid=demo&s=%7B%22width%22%3A%22__WIDTH__%22%2C%22height%22%3A%22__HEIGHT__%22%2C%22down_x%22%3A%22__DOWN_X__%22%2C%22down_y%22%3A%22__DOWN_Y__%22%2C%22up_x%22%3A%22__UP_X__%22%2C%22up_y%22%3A%22__UP_Y__%22%7D";
console.log(
	"\nClick report:",
	fillClickLink(clickLink, { sld: 0, width: 360, height: 200, down: { x: 120, y: 80 } }),
);

// A request that breaks the guide's rules is refused before signing, naming each field.
const issues = validateAdRequest({
	pos: { id: 1, ad_count: 12 },
	media: { app_id: "1", app_bundle_id: "com.test" },
	device: { os: "android", os_version: "13", model: "X", manufacturer: "Y", device_type: 1 },
	network: { connect_type: 1, carrier: 0, ip: "10.0.0.1", ua: "okhttp" },
});
console.log("\nValidation of a bad request:");
for (const issue of issues) console.log(`  ${issue.code} ${issue.field}: ${issue.message}`);
