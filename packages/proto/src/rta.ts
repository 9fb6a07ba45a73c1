/**
 * Binary codecs for the RTA wire messages, with typed errors instead of library exceptions.
 * @module
 */
import { toBinary } from "@bufbuild/protobuf";
import { ProtoError } from "./errors.ts";
import {
	type RtaRequest,
	RtaRequestSchema,
	type RtaResponse,
	RtaResponseSchema,
} from "./gen/tencent/ad/rta/rta_pb.ts";
import { type RtaRequestView, readRequestView } from "./rta-request-view.ts";
import { decodeStrict } from "./strict-binary.ts";

/**
 * Decodes an `RtaRequest`, strictly: a known field sent with another wire type is skipped as an
 * unknown field and a field running past the end of its sub-message is an error, as in protobuf
 * C++, Java and Go (`fromBinary` of @bufbuild/protobuf does neither). Unknown fields are kept
 * (Tencent adds fields over time), so a decoded request re-encodes byte-for-byte.
 * @param bytes - the HTTP body
 * @returns the request
 * @throws ProtoError `DECODE_FAILED` for truncated or malformed bytes
 * @example const req = decodeRtaRequest(new Uint8Array(await request.arrayBuffer()));
 */
export function decodeRtaRequest(bytes: Uint8Array): RtaRequest {
	try {
		return decodeStrict(RtaRequestSchema, bytes);
	} catch (cause) {
		throw new ProtoError("DECODE_FAILED", RtaRequestSchema.typeName, describe(cause), { cause });
	}
}

/**
 * Reads the fields of an `RtaRequest` a responder decides on (the hot path of an RTA Worker),
 * with the strict rules of {@link decodeRtaRequest}, into plain objects; `idBytes` are the
 * request id's exact bytes, for `request_id` to echo even when they are not UTF-8.
 * @param bytes - the HTTP body
 * @returns the view
 * @throws ProtoError `DECODE_FAILED` for truncated or malformed bytes
 * @example const req = readRtaRequest(body); if (req.isPing) …
 */
export function readRtaRequest(bytes: Uint8Array): RtaRequestView {
	try {
		return readRequestView(bytes);
	} catch (cause) {
		throw new ProtoError("DECODE_FAILED", RtaRequestSchema.typeName, describe(cause), { cause });
	}
}

/**
 * Encodes an `RtaRequest` (used by load generators and tests).
 * @param request - the request
 * @returns wire bytes, backed by an `ArrayBuffer` so they are a valid `Response` / `fetch` body
 */
export function encodeRtaRequest(request: RtaRequest): Uint8Array<ArrayBuffer> {
	return toBinary(RtaRequestSchema, request);
}

/**
 * Decodes an `RtaResponse` (used by load generators, readiness checks and tests), with the
 * strict rules of {@link decodeRtaRequest}.
 * @param bytes - the HTTP body
 * @returns the response
 * @throws ProtoError `DECODE_FAILED` for truncated or malformed bytes
 */
export function decodeRtaResponse(bytes: Uint8Array): RtaResponse {
	try {
		return decodeStrict(RtaResponseSchema, bytes);
	} catch (cause) {
		throw new ProtoError("DECODE_FAILED", RtaResponseSchema.typeName, describe(cause), { cause });
	}
}

/**
 * Encodes an `RtaResponse`. `code` is proto2 `optional` but required by the protocol: set it
 * explicitly (0 included) so it is always on the wire.
 * @param response - the response
 * @returns wire bytes, backed by an `ArrayBuffer` so they are a valid `Response` / `fetch` body
 */
export function encodeRtaResponse(response: RtaResponse): Uint8Array<ArrayBuffer> {
	return toBinary(RtaResponseSchema, response);
}

function describe(cause: unknown): string {
	return cause instanceof Error ? cause.message : String(cause);
}
