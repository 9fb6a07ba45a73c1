/**
 * `@txad/conversion-relay`: receives Tencent's click feedback (docs/conversion/form-api.md §4),
 * takes conversions from internal systems, attributes them to clicks and delivers them to Tencent
 * through a queue, with D1 as the ledger: by the Marketing API's callback or direct mode
 * (docs/conversion/marketing-api-v3.md), batched and rate-limited, or by the older form API.
 * @module
 */
import { env } from "cloudflare:workers";
import { log } from "@txad/worker-kit";
import { consumeConversions, consumeDeadLetters } from "./delivery/consumer.ts";
import { router } from "./router.ts";
import { trySettings } from "./settings.ts";
import { sweep } from "./sweeper.ts";

/** Queues whose name ends with this are dead-letter queues. */
const DLQ_SUFFIX = "-dlq";

// At isolate start-up: parse the settings once, so a broken variable is logged now rather than
// on the first request. It is reported per request too (503 naming it, GET /healthz).
const loaded = trySettings(env);
if (!loaded.ok)
	log("error", "settings_invalid", { field: loaded.error.field, message: loaded.error.message });

export default {
	fetch: router.fetch,
	async queue(batch, env, _ctx) {
		if (batch.queue.endsWith(DLQ_SUFFIX)) await consumeDeadLetters(batch, env);
		else await consumeConversions(batch, env);
	},
	async scheduled(_controller, env, ctx) {
		ctx.waitUntil(sweep(env));
	},
} satisfies ExportedHandler<Env, unknown>;
