/**
 * The ONLY module that touches `env.CONVERSIONS`. A message carries nothing but a conversion id:
 * the ledger holds the state, so a stale or repeated message can never carry stale data.
 * @module
 */

/** The body of a message on the conversions queue (and its dead-letter queue). */
export interface ConversionMessage {
	id: string;
}

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
 * @param env - the Worker's bindings
 * @param ids - conversion ids
 * @param delaySeconds - optional delay before the first delivery
 */
export async function enqueueConversions(env: Env, ids: readonly string[], delaySeconds = 0): Promise<void> {
	const options = delaySeconds > 0 ? { delaySeconds } : {};
	// sendBatch takes at most 100 messages.
	for (let i = 0; i < ids.length; i += 100) {
		const chunk = ids.slice(i, i + 100);
		await env.CONVERSIONS.sendBatch(
			chunk.map((id) => ({ body: { id } satisfies ConversionMessage, ...options })),
		);
	}
}
