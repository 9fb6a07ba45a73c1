/**
 * The deltas this isolate knows: every admin write newer than the snapshots in use, indexed by id
 * so `/rta` finds an id's changes with one Map lookup and no KV read. Blobs come from the
 * periodic refresh (KV list → get) and, for writes this isolate made, at once.
 * @module
 */
import { audienceKey, type DeltaBlob, type DeltaOp, deltaKeyTime, type IdType } from "@txad/audience";

interface Entry {
	/** Delta key: orders the entries (time, then random suffix). */
	key: string;
	time: number;
	ops: DeltaOp[];
}

const NO_OPS: readonly DeltaOp[] = [];

/** Deltas by id, in key order. */
export class DeltaIndex {
	readonly #blobs = new Map<string, { time: number; ops: number; createdAt: string }>();
	readonly #byId = new Map<string, Entry[]>();
	#ops = 0;

	/** Blobs held. */
	get blobs(): number {
		return this.#blobs.size;
	}

	/** Operations held. */
	get ops(): number {
		return this.#ops;
	}

	/** Write time of the newest blob held (0 = none). */
	get newest(): number {
		let t = 0;
		for (const b of this.#blobs.values()) if (b.time > t) t = b.time;
		return t;
	}

	/**
	 * Whether a blob is held.
	 * @param key - delta key
	 * @returns true when added
	 */
	has(key: string): boolean {
		return this.#blobs.has(key);
	}

	/**
	 * Adds a blob (again is a no-op).
	 * @param key - its delta key
	 * @param blob - the parsed blob
	 * @returns false when the key is not a delta key
	 */
	add(key: string, blob: DeltaBlob): boolean {
		const time = deltaKeyTime(key);
		if (time === undefined) return false;
		if (this.#blobs.has(key)) return true;
		this.#blobs.set(key, { time, ops: blob.ops.length, createdAt: blob.created_at });
		this.#ops += blob.ops.length;
		const byId = new Map<string, DeltaOp[]>();
		for (const op of blob.ops) {
			const id = audienceKey(op.type, op.value);
			const list = byId.get(id);
			if (list === undefined) byId.set(id, [op]);
			else list.push(op);
		}
		for (const [id, ops] of byId) {
			const entry: Entry = { key, time, ops };
			const list = this.#byId.get(id);
			if (list === undefined) {
				this.#byId.set(id, [entry]);
				continue;
			}
			// Keep key order: a blob listed late (KV propagation) may be older than one already held.
			let i = list.length;
			while (i > 0 && (list[i - 1] as Entry).key > key) i--;
			list.splice(i, 0, entry);
		}
		return true;
	}

	/**
	 * Drops every blob written at or before a time (folded into every snapshot still in use).
	 * @param cutoffMs - epoch ms
	 * @returns blobs dropped
	 */
	dropUpTo(cutoffMs: number): number {
		let dropped = 0;
		for (const [key, b] of this.#blobs)
			if (b.time <= cutoffMs) {
				this.#blobs.delete(key);
				this.#ops -= b.ops;
				dropped++;
			}
		if (dropped === 0) return 0;
		for (const [id, list] of this.#byId) {
			const kept = list.filter((e) => e.time > cutoffMs);
			if (kept.length === 0) this.#byId.delete(id);
			else if (kept.length !== list.length) this.#byId.set(id, kept);
		}
		return dropped;
	}

	/**
	 * An id's operations written after a time, oldest first.
	 * @param type - id type
	 * @param value - md5 or openid
	 * @param afterMs - the snapshot's `deltas_folded_until`
	 * @returns the operations (empty when none)
	 */
	opsFor(type: IdType, value: string, afterMs: number): readonly DeltaOp[] {
		if (this.#byId.size === 0) return NO_OPS;
		const list = this.#byId.get(audienceKey(type, value));
		if (list === undefined) return NO_OPS;
		const out: DeltaOp[] = [];
		for (const e of list) if (e.time > afterMs) out.push(...e.ops);
		return out;
	}

	/**
	 * An id's deltas with their keys, for the admin API and explain.
	 * @param type - id type
	 * @param value - md5 or openid
	 * @returns entries oldest first
	 */
	entriesFor(
		type: IdType,
		value: string,
	): { key: string; time: number; createdAt: string; ops: DeltaOp[] }[] {
		return (this.#byId.get(audienceKey(type, value)) ?? []).map((e) => ({
			key: e.key,
			time: e.time,
			createdAt: this.#blobs.get(e.key)?.createdAt ?? "",
			ops: e.ops,
		}));
	}
}
