/**
 * Sends RtaRequests over keep-alive HTTP/1.1 and classifies each answer the way Tencent does
 * (docs/rta/http-behaviour.md "Status codes"): 200 with a decodable RtaResponse carrying `code` is
 * an answer; any other status, an undecodable body or a missing `code` is an error; no answer
 * within the budget is a timeout.
 * @module
 */
import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { isFieldSet } from "@bufbuild/protobuf";
import { decodeRtaResponse, type RtaResponse, RtaResponseSchema } from "@txad/proto";

/** How one request ended. */
export type RtaOutcome =
	| { kind: "ok"; ms: number; response: RtaResponse }
	| { kind: "timeout"; ms: number }
	| { kind: "error"; ms: number; reason: string; status?: number };

/** Connection settings. */
export interface RtaClientOptions {
	url: URL;
	/** Extra headers, e.g. the registered header signature (RTA_SIGN_HEADERS). */
	headers?: readonly [string, string][];
	/** Per-request budget; slower answers are aborted and count as timeouts. */
	timeoutMs: number;
	/** Most concurrent connections (Tencent keeps thousands; default 256). */
	connections?: number;
}

/** A keep-alive RTA client. */
export interface RtaClient {
	/**
	 * Sends one request.
	 * @param body - encoded RtaRequest
	 * @param requestId - its id, to check the echo in the answer
	 */
	send(body: Uint8Array, requestId: string): Promise<RtaOutcome>;
	/** Closes idle connections. */
	close(): void;
}

/**
 * Creates a client.
 * @param options - target, headers, budget
 * @returns the client
 * @example const client = createRtaClient({ url: new URL("http://127.0.0.1:8787/rta"), timeoutMs: 60 });
 */
export function createRtaClient(options: RtaClientOptions): RtaClient {
	const secure = options.url.protocol === "https:";
	const agentOptions = {
		keepAlive: true,
		maxSockets: options.connections ?? 256,
		maxFreeSockets: options.connections ?? 256,
	};
	const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
	const request = secure ? https.request : http.request;
	const baseHeaders: Record<string, string> = { "content-type": "application/x-protobuf" };
	for (const [k, v] of options.headers ?? []) baseHeaders[k] = v;

	return {
		send(body, requestId) {
			return new Promise<RtaOutcome>((resolve) => {
				const start = performance.now();
				const elapsed = () => performance.now() - start;
				let settled = false;
				const finish = (outcome: RtaOutcome) => {
					if (settled) return;
					settled = true;
					clearTimeout(timer);
					resolve(outcome);
				};
				const req = request(options.url, {
					method: "POST",
					agent,
					headers: { ...baseHeaders, "content-length": String(body.byteLength) },
				});
				// A plain timer rather than AbortSignal.timeout: same effect, and it lets us tell our
				// own abort from a network error without inspecting error names.
				const timer = setTimeout(() => {
					finish({ kind: "timeout", ms: elapsed() });
					req.destroy();
				}, options.timeoutMs);
				req.on("error", (err: NodeJS.ErrnoException) => {
					finish({ kind: "error", ms: elapsed(), reason: err.code ?? err.message });
				});
				req.on("response", (res) => {
					const chunks: Buffer[] = [];
					res.on("data", (chunk: Buffer) => chunks.push(chunk));
					res.on("error", (err: NodeJS.ErrnoException) =>
						finish({ kind: "error", ms: elapsed(), reason: err.code ?? err.message }),
					);
					res.on("end", () => {
						const ms = elapsed();
						const status = res.statusCode ?? 0;
						if (status !== 200) {
							finish({ kind: "error", ms, status, reason: `http_${status}` });
							return;
						}
						let response: RtaResponse;
						try {
							response = decodeRtaResponse(Buffer.concat(chunks));
						} catch {
							finish({ kind: "error", ms, status, reason: "undecodable" });
							return;
						}
						if (!isFieldSet(response, RtaResponseSchema.field.code)) {
							finish({ kind: "error", ms, status, reason: "code_missing" });
						} else if (response.requestId !== "" && response.requestId !== requestId) {
							finish({ kind: "error", ms, status, reason: "request_id_mismatch" });
						} else if (ms > options.timeoutMs) {
							finish({ kind: "timeout", ms });
						} else {
							finish({ kind: "ok", ms, response });
						}
					});
				});
				req.end(body);
			});
		},
		close() {
			agent.destroy();
		},
	};
}
