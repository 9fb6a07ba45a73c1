// Run by `npm run check:packages` against the packed tarball, in plain Node and in workerd:
// the conversion form API's own muid example (docs/conversion/form-api.md).
import { hashDeviceId } from "@txad/muid";

export default function smoke() {
	const muid = hashDeviceId("imei", "354649050046412");
	if (muid !== "b496ec1169770ea274a2b4f42ca4fb71") throw new Error(`hashDeviceId gave ${muid}`);
	return `hashDeviceId → ${muid}`;
}
