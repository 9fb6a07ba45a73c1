/**
 * A compact set of md5 hashes for deduplicating millions of ids: open addressing over a
 * Uint32Array, 16 bytes per slot, kept between 37.5 % and 75 % full — about 21–43 bytes per
 * hash, against ~80–100 bytes for a `Set<string>` of 32-character strings. md5 is uniform, so
 * its first word is the slot index as is.
 * @module
 */

/** A set of 128-bit hashes given as 32 lower-case hex characters. */
export class Md5Set {
	#slots: Uint32Array;
	#mask: number;
	#size = 0;
	#hasZero = false;

	/** @param capacity - expected entries (the set grows past it) */
	constructor(capacity = 1 << 16) {
		let slots = 1 << 10;
		while (slots * 0.75 < capacity) slots *= 2;
		this.#slots = new Uint32Array(slots * 4);
		this.#mask = slots - 1;
	}

	/** Entries in the set. */
	get size(): number {
		return this.#size;
	}

	/** Bytes held by the table. */
	get bytes(): number {
		return this.#slots.byteLength;
	}

	/**
	 * Adds a hash.
	 * @param hex - 32 lower-case hex characters
	 * @returns true when it was not in the set yet
	 */
	add(hex: string): boolean {
		const a = Number.parseInt(hex.slice(0, 8), 16) >>> 0;
		const b = Number.parseInt(hex.slice(8, 16), 16) >>> 0;
		const c = Number.parseInt(hex.slice(16, 24), 16) >>> 0;
		const d = Number.parseInt(hex.slice(24, 32), 16) >>> 0;
		if ((a | b | c | d) === 0) {
			// All-zero marks an empty slot, so the (never seen in practice) zero hash is kept aside.
			if (this.#hasZero) return false;
			this.#hasZero = true;
			this.#size++;
			return true;
		}
		if (this.#insert(a, b, c, d)) {
			this.#size++;
			if (this.#size > (this.#mask + 1) * 0.75) this.#grow();
			return true;
		}
		return false;
	}

	#insert(a: number, b: number, c: number, d: number): boolean {
		const slots = this.#slots;
		let i = a & this.#mask;
		while (true) {
			const o = i * 4;
			const sa = slots[o] as number;
			const sb = slots[o + 1] as number;
			const sc = slots[o + 2] as number;
			const sd = slots[o + 3] as number;
			if ((sa | sb | sc | sd) === 0) {
				slots[o] = a;
				slots[o + 1] = b;
				slots[o + 2] = c;
				slots[o + 3] = d;
				return true;
			}
			if (sa === a && sb === b && sc === c && sd === d) return false;
			i = (i + 1) & this.#mask;
		}
	}

	#grow(): void {
		const old = this.#slots;
		this.#slots = new Uint32Array(old.length * 2);
		this.#mask = this.#slots.length / 4 - 1;
		for (let o = 0; o < old.length; o += 4) {
			const a = old[o] as number;
			const b = old[o + 1] as number;
			const c = old[o + 2] as number;
			const d = old[o + 3] as number;
			if ((a | b | c | d) !== 0) this.#insert(a, b, c, d);
		}
	}
}
