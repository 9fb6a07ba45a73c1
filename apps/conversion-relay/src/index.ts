/**
 * `@txad/conversion-relay`: receives Tencent's click feedback (docs/conversion/form-api.md §4),
 * takes conversions from internal systems, attributes them to clicks and delivers them to Tencent
 * (conversion form API §5) through a queue, with D1 as the ledger.
 * @module
 */
import { consumeConversions, consumeDeadLetters } from "./delivery/consumer.ts";
import { router } from "./router.ts";
import { sweepStalled } from "./sweeper.ts";

/** Queues whose name ends with this are dead-letter queues. */
const DLQ_SUFFIX = "-dlq";

export default {
	fetch: router.fetch,
	async queue(batch, env, _ctx) {
		if (batch.queue.endsWith(DLQ_SUFFIX)) await consumeDeadLetters(batch, env);
		else await consumeConversions(batch, env);
	},
	async scheduled(_controller, env, ctx) {
		ctx.waitUntil(sweepStalled(env));
	},
} satisfies ExportedHandler<Env, unknown>;
