/**
 * A strict binary decoder of whole messages, with the field rules of protobuf C++, Java and Go
 * (docs/rta/wire-protocol.md "Unknown fields" and "Wire types") where `fromBinary` of
 * @bufbuild/protobuf 2.17 differs:
 *
 * - a known field number sent with another wire type than its declaration's is **skipped as an
 *   unknown field** (kept in `$unknown`, so it re-encodes unchanged), never read as that field —
 *   `fromBinary` reads it anyway and misreads the bytes that follow;
 * - a field running past the end of its enclosing sub-message is an error — `fromBinary` only
 *   checks the end of the whole buffer, so a sub-message could swallow its neighbours.
 *
 * Everything else follows `fromBinary`: repeated numbers may come packed or not, a singular
 * message sent twice is merged, an unknown value of a closed (proto2) enum is kept as an unknown
 * field, strings are UTF-8 with U+FFFD for invalid bytes (`readRtaRequest` gives the request id's
 * exact bytes). Map fields are not supported: the RTA schema has none.
 * @module
 */
import {
	create,
	type DescEnum,
	type DescField,
	type DescMessage,
	type MessageShape,
	ScalarType,
} from "@bufbuild/protobuf";
import { NESTING_LIMIT, Wire, WireReader } from "./wire-reader.ts";

interface FieldPlan {
	field: DescField;
	/** The wire type the declaration implies. */
	wireType: number;
	/** Repeated numbers: the packed (length-delimited) form is accepted too. */
	packable: boolean;
	/** Singular closed enum: the values it declares (others are unknown fields). */
	closedValues: ReadonlySet<number> | undefined;
}

interface UnknownField {
	no: number;
	wireType: number;
	data: Uint8Array;
}

const plans = new WeakMap<DescMessage, ReadonlyMap<number, FieldPlan>>();

/**
 * Decodes a message strictly (see the module comment).
 * @param schema - the message's descriptor, e.g. `RtaRequestSchema`
 * @param bytes - the wire bytes
 * @returns the message
 * @throws Error for truncated bytes, a field past its sub-message, an invalid wire type or tag,
 *   or nesting deeper than 100
 * @example decodeStrict(RtaRequestSchema, body).device?.imeiMd5sum
 */
export function decodeStrict<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
	const message = create(schema);
	readInto(schema, message as unknown as Record<string, unknown>, new WireReader(bytes), 0);
	return message;
}

function readInto(schema: DescMessage, message: Record<string, unknown>, r: WireReader, depth: number): void {
	if (depth >= NESTING_LIMIT) throw new Error(`maximum nesting depth of ${NESTING_LIMIT} reached`);
	const fields = planOf(schema);
	const unknown: UnknownField[] = [];
	while (r.more()) {
		r.tag();
		const plan = fields.get(r.fieldNo);
		const wireType = r.wireType;
		if (plan === undefined || !(plan.wireType === wireType || (plan.packable && wireType === Wire.LEN))) {
			// protobuf C++/Java/Go: a field with another wire type than declared is an unknown field.
			const no = r.fieldNo;
			unknown.push({ no, wireType, data: r.skip(depth) });
			continue;
		}
		const skipped = readField(plan, message, r, depth);
		if (skipped !== undefined) unknown.push(skipped);
	}
	if (unknown.length > 0) {
		const before = message.$unknown as UnknownField[] | undefined;
		message.$unknown = before === undefined ? unknown : [...before, ...unknown];
	}
}

// Returns the field as an unknown one when a closed enum does not declare the value read.
function readField(
	plan: FieldPlan,
	message: Record<string, unknown>,
	r: WireReader,
	depth: number,
): UnknownField | undefined {
	const field = plan.field;
	const name = field.localName;
	switch (field.fieldKind) {
		case "scalar":
			message[name] = readScalar(r, field.scalar);
			return undefined;
		case "enum": {
			const start = r.pos;
			const value = r.int32();
			if (plan.closedValues === undefined || plan.closedValues.has(value)) {
				message[name] = value;
				return undefined;
			}
			return { no: field.number, wireType: Wire.VARINT, data: r.bytes.subarray(start, r.pos) };
		}
		case "message": {
			const child = (message[name] as Record<string, unknown> | undefined) ?? create(field.message);
			readChild(field.message, child as Record<string, unknown>, r, depth);
			message[name] = child;
			return undefined;
		}
		case "list": {
			const items = message[name] as unknown[];
			if (field.listKind === "message") {
				const child = create(field.message) as unknown as Record<string, unknown>;
				readChild(field.message, child, r, depth);
				items.push(child);
				return undefined;
			}
			const scalar = field.listKind === "enum" ? ScalarType.INT32 : field.scalar;
			if (r.wireType === Wire.LEN && plan.packable) {
				const outer = r.enter();
				while (r.more()) items.push(readScalar(r, scalar));
				r.leave(outer);
			} else items.push(readScalar(r, scalar));
			return undefined;
		}
		case "map":
			throw new Error(`map field ${field.name} is not supported`);
	}
}

function readChild(schema: DescMessage, child: Record<string, unknown>, r: WireReader, depth: number): void {
	if (r.wireType === Wire.START_GROUP)
		throw new Error(`group encoding of field ${r.fieldNo} is not supported`);
	// The sub-message is read within its own bounds: a field that runs past them is an error.
	const outer = r.enter();
	readInto(schema, child, r, depth + 1);
	r.leave(outer);
}

function readScalar(r: WireReader, type: ScalarType): unknown {
	switch (type) {
		case ScalarType.STRING:
			return r.string();
		case ScalarType.BYTES:
			return r.bytesField().slice();
		case ScalarType.BOOL:
			return r.bool();
		case ScalarType.DOUBLE:
			return r.double();
		case ScalarType.FLOAT:
			return r.float();
		case ScalarType.INT32:
			return r.int32();
		case ScalarType.UINT32:
			return r.uint32();
		case ScalarType.SINT32:
			return r.sint32();
		case ScalarType.FIXED32:
			return r.fixed32();
		case ScalarType.SFIXED32:
			return r.sfixed32();
		case ScalarType.INT64:
			return r.int64();
		case ScalarType.UINT64:
			return r.uint64();
		case ScalarType.SINT64:
			return r.sint64();
		case ScalarType.FIXED64:
			return r.fixed64();
		case ScalarType.SFIXED64:
			return r.sfixed64();
	}
}

function planOf(schema: DescMessage): ReadonlyMap<number, FieldPlan> {
	let plan = plans.get(schema);
	if (plan === undefined) {
		const map = new Map<number, FieldPlan>();
		for (const field of schema.fields) map.set(field.number, planField(field));
		plans.set(schema, map);
		plan = map;
	}
	return plan;
}

function planField(field: DescField): FieldPlan {
	const plan = (wireType: number, packable = false, closedValues?: ReadonlySet<number>): FieldPlan => ({
		field,
		wireType,
		packable,
		closedValues,
	});
	switch (field.fieldKind) {
		case "scalar":
			return plan(scalarWireType(field.scalar));
		case "enum":
			return plan(Wire.VARINT, false, closedValuesOf(field.enum));
		case "message":
			return plan(field.delimitedEncoding ? Wire.START_GROUP : Wire.LEN);
		case "list": {
			if (field.listKind === "message") return plan(field.delimitedEncoding ? Wire.START_GROUP : Wire.LEN);
			const wireType = field.listKind === "enum" ? Wire.VARINT : scalarWireType(field.scalar);
			return plan(wireType, wireType !== Wire.LEN);
		}
		case "map":
			return plan(Wire.LEN);
	}
}

function closedValuesOf(e: DescEnum): ReadonlySet<number> | undefined {
	return e.open ? undefined : new Set(e.values.map((v) => v.number));
}

function scalarWireType(type: ScalarType): number {
	switch (type) {
		case ScalarType.STRING:
		case ScalarType.BYTES:
			return Wire.LEN;
		case ScalarType.DOUBLE:
		case ScalarType.FIXED64:
		case ScalarType.SFIXED64:
			return Wire.BIT64;
		case ScalarType.FLOAT:
		case ScalarType.FIXED32:
		case ScalarType.SFIXED32:
			return Wire.BIT32;
		default:
			return Wire.VARINT;
	}
}
