import { describe, it } from "vitest";
import { isAudienceError } from "./errors.ts";
import {
	EMPTY_MEMBERSHIP,
	entriesOf,
	laterEnd,
	membershipOf,
	SegmentDictionary,
	unionActive,
} from "./membership.ts";

const NOW = 1_800_000_000;

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (e) {
		return isAudienceError(e) ? e.code : "other";
	}
	return undefined;
}

describe("membershipOf", () => {
	it("keeps first-seen order; a repeated name keeps the later end, open-ended winning", ({ expect }) => {
		const m = membershipOf([
			["a", 5],
			["b", 0],
			["a", 9],
			["b", 3],
		]);
		expect(m).toEqual({ names: ["a", "b"], until: [9, 0] });
		expect(entriesOf(m)).toEqual([
			["a", 9],
			["b", 0],
		]);
	});

	it("rejects bad names, bad ends and more than 64 segments", ({ expect }) => {
		expect(codeOf(() => membershipOf([["bad name", 0]]))).toBe("INVALID_SEGMENTS");
		expect(codeOf(() => membershipOf([["a", -1]]))).toBe("INVALID_SEGMENTS");
		expect(codeOf(() => membershipOf([["a", 1.5]]))).toBe("INVALID_SEGMENTS");
		expect(codeOf(() => membershipOf([["a", 253_402_300_800]]))).toBe("INVALID_SEGMENTS");
		expect(membershipOf([["a", 253_402_300_799]]).until).toEqual([253_402_300_799]);
		expect(codeOf(() => membershipOf(Array.from({ length: 65 }, (_, i) => [`s${i}`, 0] as const)))).toBe(
			"INVALID_SEGMENTS",
		);
		expect(membershipOf(Array.from({ length: 64 }, (_, i) => [`s${i}`, 0] as const)).names).toHaveLength(64);
	});

	it("laterEnd treats 0 as never", ({ expect }) => {
		expect([laterEnd(0, 5), laterEnd(5, 0), laterEnd(3, 5), laterEnd(5, 3)]).toEqual([0, 0, 5, 5]);
	});
});

describe("unionActive", () => {
	it("unites the ids' segments, drops ended ones, keeps the latest end per segment", ({ expect }) => {
		const imei = membershipOf([
			["new_user", 0],
			["promo", NOW + 100],
			["old", NOW],
		]);
		const oaid = membershipOf([
			["installed", 0],
			["promo", NOW + 500],
		]);
		expect(unionActive([imei, null, oaid, undefined], NOW)).toEqual({
			names: ["new_user", "promo", "installed"],
			until: [0, NOW + 500, 0],
		});
	});

	it("returns the single membership itself when nothing ended, and empty for none", ({ expect }) => {
		const m = membershipOf([["a", NOW + 1]]);
		expect(unionActive([null, m], NOW)).toBe(m);
		expect(unionActive([membershipOf([["a", NOW]])], NOW)).toEqual({ names: [], until: [] });
		expect(unionActive([], NOW)).toBe(EMPTY_MEMBERSHIP);
		expect(unionActive([null, EMPTY_MEMBERSHIP], NOW)).toBe(EMPTY_MEMBERSHIP);
	});
});

describe("SegmentDictionary", () => {
	it("interns names and sets canonically, whatever the order", ({ expect }) => {
		const d = new SegmentDictionary();
		const a = d.intern([
			["vip", 0],
			["promo", 7],
		]);
		const b = d.intern([
			["promo", 7],
			["vip", 0],
		]);
		expect(a).toBe(b);
		expect(d.intern([["vip", 0]])).not.toBe(a);
		expect(d.intern([["promo", 8]])).not.toBe(d.intern([["promo", 7]]));
		expect(d.segments).toEqual(["vip", "promo"]);
		expect(d.membership(a)).toEqual({ names: ["vip", "promo"], until: [0, 7] });
	});

	it("unites two sets once, caching the result", ({ expect }) => {
		const d = new SegmentDictionary();
		const x = d.intern([
			["a", 5],
			["b", 0],
		]);
		const y = d.intern([
			["a", 9],
			["c", 0],
		]);
		const u = d.union(x, y);
		expect(d.membership(u)).toEqual({ names: ["a", "b", "c"], until: [9, 0, 0] });
		expect(d.union(y, x)).toBe(u);
		expect(d.union(x, x)).toBe(x);
		expect(d.sets).toHaveLength(3);
	});

	it("refuses a union past 64 segments", ({ expect }) => {
		const d = new SegmentDictionary();
		const x = d.intern(Array.from({ length: 40 }, (_, i) => [`a${i}`, 0] as const));
		const y = d.intern(Array.from({ length: 40 }, (_, i) => [`b${i}`, 0] as const));
		expect(codeOf(() => d.union(x, y))).toBe("INVALID_SEGMENTS");
	});
});
