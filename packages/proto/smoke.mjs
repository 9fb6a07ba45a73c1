// Run by `npm run check:packages` against the packed tarball, in plain Node and in workerd:
// an RtaRequest survives encode → decode through the published schema.
import { create, decodeRtaRequest, encodeRtaRequest, RtaRequestSchema } from "@txad/proto";

export default function smoke() {
	const bytes = encodeRtaRequest(create(RtaRequestSchema, { id: "req-1", isPing: true, sitesetId: 25n }));
	const decoded = decodeRtaRequest(bytes);
	if (decoded.id !== "req-1" || decoded.isPing !== true || decoded.sitesetId !== 25n) {
		throw new Error(`round trip gave ${JSON.stringify({ id: decoded.id, isPing: decoded.isPing })}`);
	}
	return `decodeRtaRequest(encodeRtaRequest(…)) → id ${decoded.id}, ${bytes.length} bytes`;
}
