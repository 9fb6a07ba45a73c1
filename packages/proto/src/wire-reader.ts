/**
 * A bounded protobuf wire reader: varints, fixed-width numbers and length-delimited fields read
 * from `bytes[pos, end)`. Reading a sub-message narrows `end` to the sub-message's own end, so a
 * field inside it that runs past that end is an error instead of a read into the bytes after it
 * (docs/rta/wire-protocol.md "Wire types"). Shared by the strict decoder of whole messages
 * (strict-binary.ts) and the responder's view of a request (rta-request-view.ts).
 * @module
 */

/** Protobuf wire types (the low 3 bits of a tag). */
export const Wire = {
	VARINT: 0,
	BIT64: 1,
	LEN: 2,
	START_GROUP: 3,
	END_GROUP: 4,
	BIT32: 5,
} as const;

/** Deepest nesting accepted, as in protobuf C++ and protobuf-es. */
export const NESTING_LIMIT = 100;

const utf8 = new TextDecoder();
/** Longest string read byte by byte when it is ASCII. */
const SHORT_STRING = 64;

/** A cursor over `bytes[pos, end)`. */
export class WireReader {
	readonly bytes: Uint8Array;
	pos: number;
	/** Exclusive end of the message being read (narrowed while a sub-message is read). */
	end: number;
	/** Field number of the last tag read. */
	fieldNo = 0;
	/** Wire type of the last tag read. */
	wireType = 0;
	#view: DataView | undefined;
	/** Where the value of the last length-delimited field starts. */
	valueStart = 0;

	/**
	 * @param bytes - the whole buffer
	 * @param pos - where reading starts
	 * @param end - exclusive end
	 */
	constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
		this.bytes = bytes;
		this.pos = pos;
		this.end = end;
	}

	/** Whether bytes remain before `end`. */
	more(): boolean {
		return this.pos < this.end;
	}

	/**
	 * Reads a tag into {@link fieldNo} and {@link wireType}.
	 * @throws Error for field number 0 or wire types 6 and 7
	 */
	tag(): void {
		const t = this.uint32();
		this.fieldNo = t >>> 3;
		this.wireType = t & 7;
		if (this.fieldNo === 0) throw new Error(`invalid field number 0 at byte ${this.pos}`);
		if (this.wireType > 5) throw new Error(`invalid wire type ${this.wireType} at byte ${this.pos}`);
	}

	/** One byte, bounds-checked. */
	#byte(): number {
		if (this.pos >= this.end) throw new Error(`premature end of message at byte ${this.pos}`);
		return this.bytes[this.pos++] as number;
	}

	/**
	 * A varint's low 32 bits, unsigned (uint32, enums as unsigned, lengths, tags). Longer varints
	 * are read to their end and truncated, as protobuf C++ does.
	 * @returns the value
	 */
	uint32(): number {
		let b = this.#byte();
		let v = b & 0x7f;
		if (b < 0x80) return v;
		b = this.#byte();
		v |= (b & 0x7f) << 7;
		if (b < 0x80) return v;
		b = this.#byte();
		v |= (b & 0x7f) << 14;
		if (b < 0x80) return v;
		b = this.#byte();
		v |= (b & 0x7f) << 21;
		if (b < 0x80) return v;
		b = this.#byte();
		v |= (b & 0x0f) << 28;
		for (let i = 5; b >= 0x80; i++) {
			if (i === 10) throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
			b = this.#byte();
		}
		return v >>> 0;
	}

	/** A varint as int32 (two's complement of its low 32 bits; enums too). */
	int32(): number {
		return this.uint32() | 0;
	}

	/** A zig-zag varint as sint32. */
	sint32(): number {
		const n = this.uint32();
		return (n >>> 1) ^ -(n & 1);
	}

	/** A varint as uint64. */
	uint64(): bigint {
		let lo = 0;
		let hi = 0;
		let b = 0;
		for (let shift = 0; shift < 28; shift += 7) {
			b = this.#byte();
			lo |= (b & 0x7f) << shift;
			if (b < 0x80) return BigInt(lo >>> 0);
		}
		b = this.#byte();
		lo |= (b & 0x0f) << 28;
		hi = (b & 0x7f) >> 4;
		if (b < 0x80) return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
		for (let shift = 3; shift < 32; shift += 7) {
			b = this.#byte();
			hi |= (b & 0x7f) << shift;
			if (b < 0x80) return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
		}
		throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
	}

	/** A varint as int64. */
	int64(): bigint {
		return BigInt.asIntN(64, this.uint64());
	}

	/** A zig-zag varint as sint64. */
	sint64(): bigint {
		const n = this.uint64();
		return (n >> 1n) ^ -(n & 1n);
	}

	/** A varint as bool: any non-zero value is true. */
	bool(): boolean {
		let nonZero = false;
		for (let i = 0; i < 10; i++) {
			const b = this.#byte();
			if ((b & 0x7f) !== 0) nonZero = true;
			if (b < 0x80) return nonZero;
		}
		throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
	}

	#fixed(width: number): DataView {
		if (this.pos + width > this.end) throw new Error(`premature end of message at byte ${this.pos}`);
		this.#view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
		this.pos += width;
		return this.#view;
	}

	/** 4 bytes little-endian, unsigned. */
	fixed32(): number {
		return this.#fixed(4).getUint32(this.pos - 4, true);
	}

	/** 4 bytes little-endian, signed. */
	sfixed32(): number {
		return this.#fixed(4).getInt32(this.pos - 4, true);
	}

	/** 4 bytes little-endian IEEE 754. */
	float(): number {
		return this.#fixed(4).getFloat32(this.pos - 4, true);
	}

	/** 8 bytes little-endian, unsigned. */
	fixed64(): bigint {
		return this.#fixed(8).getBigUint64(this.pos - 8, true);
	}

	/** 8 bytes little-endian, signed. */
	sfixed64(): bigint {
		return this.#fixed(8).getBigInt64(this.pos - 8, true);
	}

	/** 8 bytes little-endian IEEE 754. */
	double(): number {
		return this.#fixed(8).getFloat64(this.pos - 8, true);
	}

	/**
	 * Reads a length prefix and steps over the field's bytes.
	 * @returns the exclusive end of the field; its bytes start at `end - length`
	 * @throws Error when the field runs past the end of the enclosing message
	 */
	lengthDelimited(): number {
		const length = this.uint32();
		this.valueStart = this.pos;
		const end = this.pos + length;
		if (end > this.end)
			throw new Error(
				`field ${this.fieldNo} runs past the end of its message: ${length} bytes announced at byte ${this.pos}, ${this.end - this.pos} left`,
			);
		this.pos = end;
		return end;
	}

	/**
	 * Enters a sub-message: reads its length and narrows {@link end} to its end.
	 * @returns the enclosing message's end, to hand to {@link leave}
	 * @throws Error when the sub-message runs past the end of the enclosing message
	 */
	enter(): number {
		const end = this.lengthDelimited();
		const outer = this.end;
		this.pos = this.valueStart;
		this.end = end;
		return outer;
	}

	/**
	 * Leaves a sub-message entered with {@link enter}: continues after it.
	 * @param outer - what {@link enter} returned
	 */
	leave(outer: number): void {
		this.pos = this.end;
		this.end = outer;
	}

	/**
	 * A length-delimited field's bytes (a view, not a copy).
	 * @returns the bytes
	 */
	bytesField(): Uint8Array {
		const end = this.lengthDelimited();
		return this.bytes.subarray(this.valueStart, end);
	}

	/**
	 * A length-delimited field as UTF-8 text; invalid bytes become U+FFFD.
	 * @returns the text
	 */
	string(): string {
		const end = this.lengthDelimited();
		const start = this.valueStart;
		if (end === start) return "";
		// Short ASCII (ids, md5 digests: nearly every string of a request) without a TextDecoder
		// call, which costs more than the whole loop on workerd; anything else is decoded.
		if (end - start <= SHORT_STRING) {
			const bytes = this.bytes;
			let text = "";
			for (let i = start; i < end; i++) {
				const b = bytes[i] as number;
				if (b >= 0x80) return utf8.decode(bytes.subarray(start, end));
				text += String.fromCharCode(b);
			}
			return text;
		}
		return utf8.decode(this.bytes.subarray(start, end));
	}

	/**
	 * Skips the value of the last tag read, by its wire type.
	 * @param depth - nesting depth so far (groups nest)
	 * @returns the skipped bytes (the value only, without the tag)
	 * @throws Error for a truncated value, a stray end-group tag or nesting past the limit
	 */
	skip(depth = 0): Uint8Array {
		const start = this.pos;
		switch (this.wireType) {
			case Wire.VARINT:
				for (let i = 0; this.#byte() >= 0x80; i++) {
					if (i === 9) throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
				}
				break;
			case Wire.BIT64:
				this.#fixed(8);
				break;
			case Wire.BIT32:
				this.#fixed(4);
				break;
			case Wire.LEN:
				this.lengthDelimited();
				break;
			case Wire.START_GROUP: {
				if (depth >= NESTING_LIMIT) throw new Error(`maximum nesting depth of ${NESTING_LIMIT} reached`);
				const group = this.fieldNo;
				for (;;) {
					this.tag();
					if ((this.wireType as number) === Wire.END_GROUP) {
						if (this.fieldNo !== group)
							throw new Error(`end-group tag ${this.fieldNo} closes group ${group}`);
						break;
					}
					this.skip(depth + 1);
				}
				break;
			}
			default:
				throw new Error(`unexpected end-group tag ${this.fieldNo} at byte ${this.pos}`);
		}
		return this.bytes.subarray(start, this.pos);
	}
}
