/**
 * Shared test helpers: raw calls through SELF, and a per-account reset.
 * @module
 */
import { env, SELF } from "cloudflare:test";

/** The parsed envelope. */
export interface Envelope {
	code: number;
	msg: string;
	taskid: string;
	sandbox: boolean;
	data: Record<string, unknown>;
}

/** RFC 9562 UUID, any version (crypto.randomUUID gives v4). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * POSTs a body to /rta/{fn}/{op}.
 * @param path - e.g. "target/get"
 * @param body - an object (JSON-encoded) or raw text
 * @returns the HTTP response and the parsed envelope
 */
export async function call(
	path: string,
	body: unknown,
): Promise<{ res: Response; json: Envelope; text: string }> {
	const res = await SELF.fetch(`https://sandbox.test/rta/${path}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
	const text = await res.text();
	return { res, json: JSON.parse(text) as Envelope, text };
}

/** An auth node for an account configured in vitest.config.ts. */
export function auth(dspid: "10001" | "20002" | "30003" | "40004") {
	const tokens = {
		"10001": "token-one",
		"20002": "token-two",
		"30003": "token-three",
		"40004": "token-four",
	};
	return { dspid, token: tokens[dspid] };
}

/**
 * Removes every row of the given accounts.
 * @param dspids - accounts to clear
 */
export async function resetAccounts(...dspids: string[]): Promise<void> {
	const list = JSON.stringify(dspids);
	await env.SANDBOX_DB.batch(
		["binds", "targets", "signs"].map((table) =>
			env.SANDBOX_DB.prepare(`DELETE FROM ${table} WHERE dspid IN (SELECT value FROM json_each(?1))`).bind(
				list,
			),
		),
	);
}
