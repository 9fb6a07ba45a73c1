/**
 * The management API's JSON text, exact for int64.
 *
 * docs/rta/management-api.md (完整协议约束) says the service generates classes from the proto and encodes them with
 * the language's "native/protobuf/json" facilities, and types `BindError.bind_type` as a plain
 * int32. So we write what a native encoder writes: enums as integers and int64 (`bind_id`,
 * `account_id`) as JSON numbers. Protobuf JSON would write int64 as strings, which a native
 * decoder rejects. To keep ids above 2^53 exact, int64 numbers are written digit for digit (never
 * through a JS `number`) and, on reading, int64 number literals are quoted before `JSON.parse`
 * sees them. Read the parsed value with `fromManagementJson` from `@txad/proto`, which accepts both
 * forms (numbers or strings, enum numbers or names).
 * @module
 */
import {
	type DescMessage,
	type JsonObject,
	type JsonValue,
	type MessageShape,
	ScalarType,
	toJson,
} from "@bufbuild/protobuf";

/** A JSON number written verbatim (an int64 that may not fit a JS number). */
class RawNumber {
	constructor(readonly digits: string) {}
}

type ExactJson = JsonValue | RawNumber | ExactJson[] | { [key: string]: ExactJson };

const INT64_SCALARS: ReadonlySet<ScalarType> = new Set([
	ScalarType.INT64,
	ScalarType.UINT64,
	ScalarType.SINT64,
	ScalarType.FIXED64,
	ScalarType.SFIXED64,
]);

function isInt64(scalar: ScalarType | undefined): boolean {
	return scalar !== undefined && INT64_SCALARS.has(scalar);
}

/** Replaces int64 strings in `json` (protobuf JSON of `schema`) with raw numbers. */
function exactInt64(schema: DescMessage, json: JsonValue): ExactJson {
	if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
	const out: { [key: string]: ExactJson } = {};
	for (const [key, value] of Object.entries(json)) {
		const field = schema.fields.find((f) => f.name === key || f.jsonName === key);
		if (field === undefined || value === undefined) {
			out[key] = value ?? null;
			continue;
		}
		if (field.fieldKind === "scalar" && isInt64(field.scalar) && typeof value === "string") {
			out[key] = new RawNumber(value);
		} else if (field.fieldKind === "list" && field.listKind === "scalar" && isInt64(field.scalar)) {
			out[key] = Array.isArray(value)
				? value.map((v) => (typeof v === "string" ? new RawNumber(v) : v))
				: value;
		} else if (field.fieldKind === "message") {
			out[key] = exactInt64(field.message, value);
		} else if (field.fieldKind === "list" && field.listKind === "message" && Array.isArray(value)) {
			out[key] = value.map((v) => exactInt64(field.message, v));
		} else {
			out[key] = value;
		}
	}
	return out;
}

function stringifyExact(value: ExactJson): string {
	if (value instanceof RawNumber) return value.digits;
	if (Array.isArray(value)) return `[${value.map(stringifyExact).join(",")}]`;
	if (value !== null && typeof value === "object") {
		const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${stringifyExact(v)}`);
		return `{${members.join(",")}}`;
	}
	return JSON.stringify(value);
}

/**
 * Protobuf JSON of a message with the API's conventions: proto (snake_case) field names, zero
 * values emitted, enums as integers, int64 still as strings (see {@link stringifyApiJson}).
 * @param schema - the message schema
 * @param message - the message
 * @returns a JSON object
 */
export function toApiJsonValue<Desc extends DescMessage>(
	schema: Desc,
	message: MessageShape<Desc>,
): JsonObject {
	return toJson(schema, message, {
		useProtoFieldName: true,
		alwaysEmitImplicit: true,
		enumAsInteger: true,
	}) as JsonObject;
}

/**
 * Serializes a JSON value that follows `schema`, writing its int64 fields as exact JSON numbers.
 * @param schema - the schema `json` follows (fields it does not know are written unchanged)
 * @param json - e.g. from {@link toApiJsonValue}, possibly trimmed
 * @returns the JSON text
 * @example stringifyApiJson(BindSchema, { bind_id: "9007199254740993" }) // '{"bind_id":9007199254740993}'
 */
export function stringifyApiJson(schema: DescMessage, json: JsonValue): string {
	return stringifyExact(exactInt64(schema, json));
}

/**
 * Serializes a message as the API's JSON text.
 * @param schema - the message schema
 * @param message - the message
 * @returns JSON text: snake_case names, enums as integers, exact int64 numbers
 */
export function encodeApiJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
	return stringifyApiJson(schema, toApiJsonValue(schema, message));
}

const int64NameCache = new WeakMap<DescMessage, RegExp | null>();

/** Every JSON name (proto and json_name) of an int64 field anywhere under `schema`. */
function int64Names(
	schema: DescMessage,
	names = new Set<string>(),
	seen = new Set<DescMessage>(),
): Set<string> {
	if (seen.has(schema)) return names;
	seen.add(schema);
	for (const field of schema.fields) {
		if ((field.fieldKind === "scalar" || field.fieldKind === "list") && isInt64(field.scalar)) {
			names.add(field.name);
			names.add(field.jsonName);
		}
		if (field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message")) {
			int64Names(field.message, names, seen);
		}
	}
	return names;
}

function int64KeyPattern(schema: DescMessage): RegExp | null {
	let pattern = int64NameCache.get(schema);
	if (pattern === undefined) {
		const names = [...int64Names(schema)];
		// Inside a JSON string a quote is always escaped, so `"name":` only ever matches a key.
		pattern =
			names.length === 0 ? null : new RegExp(`"(${names.join("|")})"(\\s*:\\s*)(-?\\d+)(?=\\s*[,}\\]])`, "g");
		int64NameCache.set(schema, pattern);
	}
	return pattern;
}

/**
 * Parses the API's JSON text without rounding int64 numbers: every integer literal under an
 * int64 key of `schema` becomes a string first (protobuf JSON accepts both).
 * @param schema - the schema whose int64 field names to protect
 * @param text - JSON text (a leading UTF-8 BOM is tolerated)
 * @returns the parsed value
 * @throws SyntaxError when `text` is not JSON
 */
export function parseApiJson(schema: DescMessage, text: string): JsonValue {
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	const pattern = int64KeyPattern(schema);
	const quoted = pattern === null ? body : body.replace(pattern, '"$1"$2"$3"');
	return JSON.parse(quoted) as JsonValue;
}
