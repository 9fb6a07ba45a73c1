/**
 * The RTA raw log line: one JSON object per logged request with the request and response bodies
 * in base64, keyed by the request id. Tencent keeps no copy of what it sent or received, so its
 * troubleshooting starts from the advertiser's own log of both (docs/rta/http-behaviour.md
 * "Raw request logs"). A responder writes the line ({@link rtaRawLogFields}); `txad rta decode`
 * reads it back ({@link readRtaRawLog}). One format, defined here for both.
 * @module
 */
import { ProtoError } from "./errors.ts";

/** The `event` member of a raw log line. */
export const RTA_RAW_LOG_EVENT = "rta_raw";

/** What one line holds besides `level` and `event`. */
export interface RtaRawLogFields {
	/** RtaRequest.id as text ("" when the body was undecodable or carried none). */
	id: string;
	/** The HTTP request body as received, base64. */
	request_b64: string;
	/** The HTTP response body as sent, base64. */
	response_b64: string;
	/** RtaResponse.code. */
	code: number;
	/** The responder's name for the code, e.g. `TAKE`, `DEADLINE`. */
	reason: string;
	/** The out_target_ids answered. */
	strategies: string[];
	is_test: boolean;
	/** An ADLIST (second-stage) request. */
	second_stage: boolean;
	/** Milliseconds from arrival to the answer (Workers' clock: advances on I/O only). */
	ms: number;
	/** Whether the answer waited for storage (a shard or config load). */
	waited_for_storage: boolean;
}

/** A raw log line read back. */
export interface RtaRawLog {
	fields: RtaRawLogFields;
	request: Uint8Array;
	response: Uint8Array;
}

/**
 * The members of a raw log line for a request and its answer.
 * @param request - the request body as received
 * @param response - the response body as sent
 * @param detail - the other members
 * @returns the members to log under {@link RTA_RAW_LOG_EVENT}
 * @example log("info", RTA_RAW_LOG_EVENT, rtaRawLogFields(body, answer, { id, code: 0, … }))
 */
export function rtaRawLogFields(
	request: Uint8Array,
	response: Uint8Array,
	detail: Omit<RtaRawLogFields, "request_b64" | "response_b64">,
): RtaRawLogFields {
	return { ...detail, request_b64: encodeBase64(request), response_b64: encodeBase64(response) };
}

/**
 * Reads a raw log line: the JSON object a responder logged, or a Workers Logs / Logpush / `wrangler
 * tail` record that carries it as a message (a JSON string, or an array of messages, under `message`
 * or `logs[].message`).
 * @param text - one line
 * @returns the fields and both bodies as bytes
 * @throws ProtoError `RAW_LOG_INVALID` when no raw log line is found or a body is not base64
 * @example readRtaRawLog(line).request // the RtaRequest bytes
 */
export function readRtaRawLog(text: string): RtaRawLog {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (e) {
		throw invalid(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
	}
	const fields = findLine(parsed, 0);
	if (fields === undefined) throw invalid(`no object with "event": "${RTA_RAW_LOG_EVENT}" in it`);
	return {
		fields,
		request: decodeBase64(fields.request_b64, "request_b64"),
		response: decodeBase64(fields.response_b64, "response_b64"),
	};
}

// Workers Logs and Logpush wrap what console.log printed: look into strings that hold JSON and
// into nested objects and arrays, a few levels deep.
function findLine(value: unknown, depth: number): RtaRawLogFields | undefined {
	if (depth > 6) return undefined;
	if (typeof value === "string") {
		const trimmed = value.trim();
		if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
		try {
			return findLine(JSON.parse(trimmed), depth + 1);
		} catch {
			return undefined;
		}
	}
	if (Array.isArray(value)) {
		for (const v of value) {
			const found = findLine(v, depth + 1);
			if (found !== undefined) return found;
		}
		return undefined;
	}
	if (typeof value !== "object" || value === null) return undefined;
	const o = value as Record<string, unknown>;
	if (
		o.event === RTA_RAW_LOG_EVENT &&
		typeof o.request_b64 === "string" &&
		typeof o.response_b64 === "string"
	)
		return o as unknown as RtaRawLogFields;
	for (const v of Object.values(o)) {
		const found = findLine(v, depth + 1);
		if (found !== undefined) return found;
	}
	return undefined;
}

/**
 * Base64 (RFC 4648 §4, with padding) of bytes, without Node's Buffer.
 * @param bytes - the bytes
 * @returns the text
 */
export function encodeBase64(bytes: Uint8Array): string {
	let binary = "";
	for (let i = 0; i < bytes.length; i += 0x8000)
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary);
}

/**
 * Bytes of a base64 text (standard or URL alphabet, padding optional, whitespace ignored).
 * @param text - the text
 * @param what - names the text in the error
 * @returns the bytes
 * @throws ProtoError `RAW_LOG_INVALID` when it is not base64
 */
export function decodeBase64(text: string, what = "text"): Uint8Array<ArrayBuffer> {
	const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.replace(/=+$/, "").length % 4 === 1)
		throw invalid(`${what} is not base64`);
	const binary = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, "="));
	const out = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
	return out;
}

function invalid(message: string): ProtoError {
	return new ProtoError("RAW_LOG_INVALID", RTA_RAW_LOG_EVENT, message);
}
