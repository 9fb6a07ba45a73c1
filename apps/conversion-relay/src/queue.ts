/**
 * The conversions queue. A message carries nothing but a conversion id: the ledger holds the
 * state, so a stale or repeated message can never carry stale data.
 * @module
 */

/** The body of a message on the conversions queue (and its dead-letter queue). */
export interface ConversionMessage {
	id: string;
}

/** Queues take at most 100 messages per sendBatch (docs/cloudflare/platform-facts.md "Queues"). */
const SEND_BATCH_MAX = 100;
/** … and delay a message by at most 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

/**
 * Whether a queue message body is a {@link ConversionMessage}.
 * @param body - the message body
 * @returns true when it has a string id
 */
export function isConversionMessage(body: unknown): body is ConversionMessage {
	return typeof body === "object" && body !== null && typeof (body as { id?: unknown }).id === "string";
}

/**
 * Enqueues conversions for delivery.
 * @param queue - the conversions queue binding
 * @param ids - conversion ids
 * @param delaySeconds - optional delay before delivery (capped at 12 hours)
 */
export async function enqueueConversions(
	queue: Queue,
	ids: readonly string[],
	delaySeconds = 0,
): Promise<void> {
	const delay = Math.min(Math.max(0, Math.ceil(delaySeconds)), MAX_DELAY_SECONDS);
	const options = delay > 0 ? { delaySeconds: delay } : {};
	for (let i = 0; i < ids.length; i += SEND_BATCH_MAX) {
		const chunk = ids.slice(i, i + SEND_BATCH_MAX);
		await queue.sendBatch(chunk.map((id) => ({ body: { id } satisfies ConversionMessage, ...options })));
	}
}
