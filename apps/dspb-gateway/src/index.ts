/**
 * `@txad/dspb-gateway`: the publisher's server-side 优量汇 DSP-B Worker (docs/dspb/protocol.md). Apps
 * (or the publisher's backend) ask it for ads; it signs and sends the DSP-B request with the
 * secret they never see, applies the install-relation filter and the click decision, and sends
 * win / loss notices with the RSA-encrypted price.
 * @module
 */
import { env } from "cloudflare:workers";
import { describeError, log } from "@txad/worker-kit";
import { isGatewayError } from "./errors.ts";
import { router } from "./router.ts";
import { getSettings } from "./settings.ts";

// At isolate start-up: a broken setting shows in the log at once, then per request (500) and in
// /healthz (503, naming the variable).
try {
	getSettings(env);
} catch (e) {
	log(
		"error",
		"settings_invalid",
		isGatewayError(e) ? { field: e.field, message: e.message } : { error: describeError(e) },
	);
}

export default {
	fetch: router.fetch,
} satisfies ExportedHandler<Env>;
