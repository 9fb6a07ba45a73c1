// Run by `npm run check:packages` against the packed tarball, in plain Node and in workerd:
// registered header signatures become the responder's RTA_SIGN_HEADERS secret.
import { buildSignHeadersSecret } from "@txad/rta-admin";

export default function smoke() {
	const { secret } = buildSignHeadersSecret([{ key: "X-Rta-Token", value: "tok" }]);
	if (secret !== '{"x-rta-token":"tok"}') throw new Error(`buildSignHeadersSecret gave ${secret}`);
	return `buildSignHeadersSecret → ${secret}`;
}
