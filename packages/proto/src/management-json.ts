/**
 * JSON mapping for the RTA management API (docs/rta/management-api.md): snake_case proto field
 * names on output, unknown fields ignored on input, so the API's lower-case JSON reads and writes
 * unchanged.
 * @module
 */
import { type DescMessage, fromJson, type JsonValue, type MessageShape, toJson } from "@bufbuild/protobuf";
import { ProtoError } from "./errors.ts";

/**
 * Writes a management message as the API's JSON: proto field names, and every field present
 * (zero values included) so a reader never has to guess a default.
 * @param schema - the message schema, e.g. `RequestSchema`
 * @param message - the message
 * @returns a JSON value ready for `JSON.stringify`
 * @example toManagementJson(RequestSchema, create(RequestSchema, { auth: { dspid: "1", token: "t" } }))
 */
export function toManagementJson<Desc extends DescMessage>(
	schema: Desc,
	message: MessageShape<Desc>,
): JsonValue {
	return toJson(schema, message, { useProtoFieldName: true, alwaysEmitImplicit: true });
}

/**
 * Reads the API's JSON into a management message, ignoring fields this schema does not know
 * (the API adds fields, and its envelope carries extras such as `status`).
 * @param schema - the message schema, e.g. `ResponseSchema`
 * @param json - parsed JSON, e.g. `await response.json()` (`unknown` is accepted: it is validated here)
 * @returns the message
 * @throws ProtoError `JSON_INVALID` when a known field has the wrong type or `json` is not JSON data
 */
export function fromManagementJson<Desc extends DescMessage>(
	schema: Desc,
	json: unknown,
): MessageShape<Desc> {
	try {
		// fromJson checks every value it reads, so a non-JSON `json` ends in the catch below.
		return fromJson(schema, json as JsonValue, { ignoreUnknownFields: true });
	} catch (cause) {
		const message = cause instanceof Error ? cause.message : String(cause);
		throw new ProtoError("JSON_INVALID", schema.typeName, message, { cause });
	}
}
