/**
 * What the audience says about an id: its segments, each with an optional end time. A snapshot
 * stores memberships once, in the manifest's set dictionary, and each record points at one; a
 * request unites the memberships of all its ids.
 * @module
 */
import { AudienceError } from "./errors.ts";
import { isSegmentName, MAX_SEGMENTS_PER_RECORD, MAX_UNTIL_SECONDS } from "./id-types.ts";

/** One segment membership: the name and its end (epoch seconds; 0 = open-ended). */
export type SegmentEntry = readonly [name: string, until: number];

/** The segments of one id (or of a whole request once united): parallel arrays. */
export interface Membership {
	/** Segment names, each once. */
	readonly names: readonly string[];
	/** End of each membership, epoch seconds; 0 = open-ended. */
	readonly until: readonly number[];
}

/** No segments. */
export const EMPTY_MEMBERSHIP: Membership = Object.freeze({ names: [], until: [] });

/**
 * Builds a membership from entries; a name given twice keeps the later end (0 wins: open-ended).
 * @param entries - name and end pairs
 * @returns the membership, names in first-seen order
 * @throws AudienceError `INVALID_SEGMENTS` for a bad name, a bad end time or too many segments
 */
export function membershipOf(entries: readonly SegmentEntry[]): Membership {
	const names: string[] = [];
	const until: number[] = [];
	for (const [name, end] of entries) {
		checkEntry(name, end);
		const i = names.indexOf(name);
		if (i < 0) {
			names.push(name);
			until.push(end);
		} else until[i] = laterEnd(until[i] as number, end);
	}
	if (names.length > MAX_SEGMENTS_PER_RECORD)
		throw new AudienceError("INVALID_SEGMENTS", `at most ${MAX_SEGMENTS_PER_RECORD} segments per id`);
	return { names, until };
}

/**
 * The entries of a membership.
 * @param m - membership
 * @returns name and end pairs
 */
export function entriesOf(m: Membership): SegmentEntry[] {
	return m.names.map((n, i) => [n, m.until[i] ?? 0] as const);
}

/**
 * The later of two ends, where 0 means "never ends".
 * @param a - end or 0
 * @param b - end or 0
 * @returns the later end
 */
export function laterEnd(a: number, b: number): number {
	return a === 0 || b === 0 ? 0 : Math.max(a, b);
}

/**
 * Unites the memberships of a request's ids and keeps the segments active at `nowSeconds`. A
 * segment on several ids ends at the latest of its ends (it is active while any id has it).
 * @param memberships - one per id that has a record (undefined / null entries are skipped)
 * @param nowSeconds - epoch seconds
 * @returns the active segments with their ends
 * @example unionActive([imeiMembership, oaidMembership], Date.now() / 1000).names
 */
export function unionActive(
	memberships: readonly (Membership | null | undefined)[],
	nowSeconds: number,
): Membership {
	let single: Membership | undefined;
	let count = 0;
	for (const m of memberships) {
		if (m === null || m === undefined || m.names.length === 0) continue;
		count++;
		single = m;
	}
	if (count === 0 || single === undefined) return EMPTY_MEMBERSHIP;
	if (count === 1 && allActive(single, nowSeconds)) return single;
	const names: string[] = [];
	const until: number[] = [];
	for (const m of memberships) {
		if (m === null || m === undefined) continue;
		for (let i = 0; i < m.names.length; i++) {
			const end = m.until[i] ?? 0;
			if (end !== 0 && end <= nowSeconds) continue;
			const name = m.names[i] as string;
			const at = names.indexOf(name);
			if (at < 0) {
				names.push(name);
				until.push(end);
			} else until[at] = laterEnd(until[at] as number, end);
		}
	}
	return { names, until };
}

function allActive(m: Membership, nowSeconds: number): boolean {
	for (const end of m.until) if (end !== 0 && end <= nowSeconds) return false;
	return true;
}

/**
 * Checks one entry.
 * @param name - segment name
 * @param end - epoch seconds or 0
 * @throws AudienceError `INVALID_SEGMENTS`
 */
export function checkEntry(name: unknown, end: unknown): void {
	if (!isSegmentName(name))
		throw new AudienceError(
			"INVALID_SEGMENTS",
			`"${String(name)}" is not a segment name (1–64 of A-Z a-z 0-9 _ . : -)`,
		);
	if (typeof end !== "number" || !Number.isInteger(end) || end < 0 || end > MAX_UNTIL_SECONDS)
		throw new AudienceError(
			"INVALID_SEGMENTS",
			`end of "${name}" must be 0 or whole epoch seconds up to ${MAX_UNTIL_SECONDS} (9999-12-31)`,
		);
}

/**
 * Interns segment names and segment sets for a snapshot: every record of the snapshot stores the
 * index of its set, the manifest stores the sets once.
 */
export class SegmentDictionary {
	/** Segment names by index. */
	readonly segments: string[] = [];
	/** Sets by index: pairs of segment index and end (0 = open-ended), sorted by segment index. */
	readonly sets: (readonly (readonly [number, number])[])[] = [];
	readonly #segmentIndex = new Map<string, number>();
	readonly #setIndex = new Map<string, number>();
	readonly #unions = new Map<string, number>();

	/**
	 * A dictionary holding a manifest's segments and sets at their indexes, to add to it (folding
	 * deltas into a built snapshot keeps every existing record's set index valid).
	 * @param segments - manifest `segments`
	 * @param sets - manifest `sets`
	 * @returns the dictionary
	 */
	static from(
		segments: readonly string[],
		sets: readonly (readonly (readonly [number, number])[])[],
	): SegmentDictionary {
		const d = new SegmentDictionary();
		for (const name of segments) d.segment(name);
		for (const pairs of sets) {
			const copy = pairs.map(([s, e]) => [s, e] as [number, number]);
			const key = setKey([...copy].sort((x, y) => x[0] - y[0]));
			if (!d.#setIndex.has(key)) d.#setIndex.set(key, d.sets.length);
			d.sets.push(copy);
		}
		return d;
	}

	/**
	 * Index of a segment name, adding it when new.
	 * @param name - segment name
	 * @returns its index
	 * @throws AudienceError `INVALID_SEGMENTS` for a bad name
	 */
	segment(name: string): number {
		let i = this.#segmentIndex.get(name);
		if (i === undefined) {
			checkEntry(name, 0);
			i = this.segments.length;
			this.segments.push(name);
			this.#segmentIndex.set(name, i);
		}
		return i;
	}

	/**
	 * Index of a segment set, adding it when new.
	 * @param entries - names with ends
	 * @returns the set index
	 * @throws AudienceError `INVALID_SEGMENTS`
	 * @example dict.intern([["new_user", 0], ["promo", 1798675200]])
	 */
	intern(entries: readonly SegmentEntry[]): number {
		const m = membershipOf(entries);
		const pairs = m.names.map((n, i) => [this.segment(n), m.until[i] ?? 0] as [number, number]);
		return this.#internPairs(pairs);
	}

	/**
	 * The set holding every segment of two sets (an id listed twice gets both).
	 * @param a - set index
	 * @param b - set index
	 * @returns the united set's index
	 */
	union(a: number, b: number): number {
		if (a === b) return a;
		const key = a < b ? `${a},${b}` : `${b},${a}`;
		const hit = this.#unions.get(key);
		if (hit !== undefined) return hit;
		const merged = new Map<number, number>();
		for (const [s, end] of [...(this.sets[a] ?? []), ...(this.sets[b] ?? [])]) {
			const prev = merged.get(s);
			merged.set(s, prev === undefined ? end : laterEnd(prev, end));
		}
		if (merged.size > MAX_SEGMENTS_PER_RECORD)
			throw new AudienceError(
				"INVALID_SEGMENTS",
				`an id would have more than ${MAX_SEGMENTS_PER_RECORD} segments`,
			);
		const index = this.#internPairs([...merged.entries()]);
		this.#unions.set(key, index);
		return index;
	}

	/**
	 * The membership a set stands for.
	 * @param set - set index
	 * @returns names and ends
	 */
	membership(set: number): Membership {
		const pairs = this.sets[set] ?? [];
		return { names: pairs.map(([s]) => this.segments[s] as string), until: pairs.map(([, e]) => e) };
	}

	#internPairs(pairs: [number, number][]): number {
		pairs.sort((x, y) => x[0] - y[0]);
		const key = setKey(pairs);
		let i = this.#setIndex.get(key);
		if (i === undefined) {
			i = this.sets.length;
			this.sets.push(pairs);
			this.#setIndex.set(key, i);
		}
		return i;
	}
}

function setKey(sortedPairs: readonly (readonly [number, number])[]): string {
	return sortedPairs.map(([s, e]) => (e === 0 ? `${s}` : `${s}@${e}`)).join(",");
}
