/**
 * From memberships to the answer: the segments of every id united (ended ones count for nothing),
 * the codes, the cache time bounded by the end of the segments that selected the strategies, the
 * deadline fallback and the exact wire response.
 * @module
 */
import { type Membership, membershipOf, type SegmentEntry } from "@txad/audience";
import { describe, it } from "vitest";
import { RtaCode, type RtaCodeName } from "../codes.ts";
import { compiledConfig } from "../config/strategies.testdata.ts";
import type { CandidateId } from "./ids.ts";
import {
	cacheTimeUntil,
	type DecisionTrace,
	decideFromMemberships,
	fallbackOutcome,
	refusal,
	selectionEnd,
} from "./outcome.ts";

const config = compiledConfig();
/** No strategy selects a device without segments (unlike STRATEGIES' open ones). */
const closed = compiledConfig({
	response_cache_time: 5000,
	strategies: [
		{ id: "st_vip", include: ["vip"], bid: { cpc_price: 9 } },
		{ id: "st_gold", include: ["gold"] },
	],
});
/** A long requested cache time, so bounds by segment ends show. */
const long = compiledConfig({
	response_cache_time: 86_400,
	strategies: [
		{ id: "st_vip", include: ["vip", "gold"] },
		{ id: "st_new", include: ["new_user"], exclude: ["installed"] },
		{ id: "st_every" },
	],
});

function candidate(type: CandidateId["type"], value: string): CandidateId {
	return { type, value, key: `${type}:${value}`, source: `device.${type}sum` };
}

const imei = candidate("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71");
const oaid = candidate("oaid_md5", "1df942b7d996891bf0a205cd07e4e92f");
const mac = candidate("mac_md5", "0123456789abcdef0123456789abcdef");

function m(...entries: (string | SegmentEntry)[]): Membership {
	return membershipOf(entries.map((e) => (typeof e === "string" ? ([e, 0] as const) : e)));
}

function emptyTrace(): DecisionTrace {
	return { used: [], segments: [], selectionEnds: null, strategies: [], ads: [] };
}

describe("decideFromMemberships", () => {
	it("unites the segments of every id that has some", ({ expect }) => {
		const trace = emptyTrace();
		const out = decideFromMemberships(
			closed,
			[imei, oaid, mac],
			[null, m("gold"), m("vip")],
			[],
			1000,
			undefined,
			trace,
		);
		expect(out).toEqual(
			expect.objectContaining({
				code: RtaCode.TAKE,
				reason: "TAKE",
				selected: [
					expect.objectContaining({ id: "st_vip", variant: closed.byId.get("st_vip")?.base }),
					expect.objectContaining({ id: "st_gold", variant: closed.byId.get("st_gold")?.base }),
				],
				cacheTime: 5000,
				aidWhitelist: [],
				adResults: undefined,
			}),
		);
		expect(trace.used).toEqual([oaid, mac]);
		expect(trace.segments).toEqual(["gold", "vip"]);
		expect(trace.strategies.map((s) => [s.id, s.selected])).toEqual([
			["st_vip", true],
			["st_gold", true],
		]);
	});

	it("excludes a device excluded under one id whichever id matched", ({ expect }) => {
		const out = decideFromMemberships(long, [imei, oaid], [m("new_user"), m("installed")], [], 0);
		expect(out.selected.map((s) => s.id)).toEqual(["st_every"]);
		// The order of the ids does not matter.
		const swapped = decideFromMemberships(long, [oaid, imei], [m("installed"), m("new_user")], [], 0);
		expect(swapped.selected.map((s) => s.id)).toEqual(["st_every"]);
	});

	it("decides on the active segments only; a membership that has ended counts for nothing", ({ expect }) => {
		const r = m(["vip", 1000], "gold");
		expect(decideFromMemberships(closed, [imei], [r], [], 999).selected.map((s) => s.id)).toEqual([
			"st_vip",
			"st_gold",
		]);
		const trace = emptyTrace();
		expect(
			decideFromMemberships(closed, [imei], [r], [], 1000, undefined, trace).selected.map((s) => s.id),
		).toEqual(["st_gold"]);
		expect(trace.segments).toEqual(["gold"]);
		const ended = m(["vip", 900], ["gold", 1000]);
		const t2 = emptyTrace();
		expect(
			decideFromMemberships(closed, [imei, oaid], [ended, m("gold")], [], 1000, undefined, t2).code,
		).toBe(RtaCode.TAKE);
		expect(t2.used).toEqual([oaid]);
	});

	it("refuses with NO_STRATEGY, and the config's cache time, when every membership has ended", ({
		expect,
	}) => {
		const trace = emptyTrace();
		expect(decideFromMemberships(closed, [imei], [m(["vip", 1000])], [], 5000, undefined, trace)).toEqual(
			refusal("NO_STRATEGY", 5000),
		);
		expect(trace.used).toEqual([]);
		expect(trace.segments).toEqual([]);
		expect(trace.selectionEnds).toBeNull();
	});

	it("decides a device without any record on no segments (open strategies still select it)", ({ expect }) => {
		const trace = emptyTrace();
		const out = decideFromMemberships(config, [imei, oaid], [null, null], [], 0, undefined, trace);
		expect(out.code).toBe(RtaCode.TAKE);
		expect(out.selected.map((s) => s.id)).toEqual(["st_open", "st_all"]);
		expect(out.cacheTime).toBe(7200);
		expect(trace.used).toEqual([]);
		expect(trace.segments).toEqual([]);
		expect(trace.strategies).toHaveLength(4);
		expect(decideFromMemberships(closed, [], [], [], 0).code).toBe(RtaCode.NO_STRATEGY);
	});

	it("applies the request's experiments", ({ expect }) => {
		const out = decideFromMemberships(config, [imei], [m("new_user")], [1001, 2001], 0);
		expect(out.selected.map((s) => s.id)).toEqual(["st_open"]);
	});

	it("never answers TAKE without a strategy", ({ expect }) => {
		const out = decideFromMemberships(config, [imei], [m("paid")], [2001], 0);
		expect(out).toEqual(refusal("NO_STRATEGY", 7200));
		expect(out).toEqual(
			expect.objectContaining({ code: RtaCode.NO_STRATEGY, selected: [], cacheTime: 7200 }),
		);
	});
});

describe("response_cache_time and segment ends", () => {
	const NOW = 1_800_000_000;

	it("never extends past the earliest end of a segment that selected a strategy", ({ expect }) => {
		const trace = emptyTrace();
		const out = decideFromMemberships(
			long,
			[imei],
			[m(["vip", NOW + 5000], ["new_user", NOW + 9000])],
			[],
			NOW,
			undefined,
			trace,
		);
		expect(out.selected.map((s) => s.id)).toEqual(["st_vip", "st_new", "st_every"]);
		expect(out.cacheTime).toBe(5000);
		expect(trace.selectionEnds).toBe(NOW + 5000);
	});

	it("takes the earliest end whichever selected strategy it comes from", ({ expect }) => {
		const out = decideFromMemberships(
			long,
			[imei],
			[m(["vip", NOW + 9000], ["new_user", NOW + 5000])],
			[],
			NOW,
		);
		expect(out.selected.map((s) => s.id)).toEqual(["st_vip", "st_new", "st_every"]);
		expect(out.cacheTime).toBe(5000);
	});

	it("is never below the platform cache time", ({ expect }) => {
		const out = decideFromMemberships(long, [imei], [m(["vip", NOW + 60])], [], NOW);
		expect(out.cacheTime).toBe(3600);
	});

	it("keeps the config's cache time when the selecting segments never end (or end later)", ({ expect }) => {
		expect(decideFromMemberships(long, [imei], [m("vip", ["promo", NOW + 10])], [], NOW).cacheTime).toBe(
			86_400,
		);
		expect(decideFromMemberships(long, [imei], [m(["vip", NOW + 200_000])], [], NOW).cacheTime).toBe(86_400);
		// An exclude segment's end, or an unmatched one's, does not bound it.
		expect(
			decideFromMemberships(long, [imei], [m("new_user", ["gold_x", NOW + 10])], [], NOW).cacheTime,
		).toBe(86_400);
	});

	it("a strategy selected by two segments holds until the later one ends; the same segment on two ids too", ({
		expect,
	}) => {
		const both = decideFromMemberships(long, [imei], [m(["vip", NOW + 4000], ["gold", NOW + 8000])], [], NOW);
		expect(both.cacheTime).toBe(8000);
		const forever = decideFromMemberships(long, [imei], [m(["vip", NOW + 4000], "gold")], [], NOW);
		expect(forever.cacheTime).toBe(86_400);
		const twoIds = decideFromMemberships(
			long,
			[imei, oaid],
			[m(["vip", NOW + 4000]), m(["vip", NOW + 7000])],
			[],
			NOW,
		);
		expect(twoIds.cacheTime).toBe(7000);
	});

	it("selectionEnd / cacheTimeUntil alone", ({ expect }) => {
		const united = m(["vip", NOW + 100]);
		const sel = (id: string) => {
			const base = long.byId.get(id)?.base ?? long.byId.get("st_every")?.base;
			if (base === undefined) throw new Error(id);
			return [{ id, idBytes: new TextEncoder().encode(id), variant: base }];
		};
		expect(selectionEnd(long, sel("st_every"), united)).toBeUndefined();
		expect(selectionEnd(long, sel("ghost"), united)).toBeUndefined();
		expect(selectionEnd(long, sel("st_vip"), united)).toBe(NOW + 100);
		expect(selectionEnd(long, sel("st_vip"), m("vip"))).toBeUndefined();
		expect(cacheTimeUntil(long, undefined, NOW)).toBe(86_400);
		expect(cacheTimeUntil(long, NOW + 10_000, NOW)).toBe(10_000);
		expect(cacheTimeUntil(long, NOW + 10, NOW)).toBe(3600);
		expect(cacheTimeUntil(long, NOW + 100_000, NOW)).toBe(86_400);
	});
});

describe("fallbackOutcome", () => {
	it("takes the FALLBACK strategy of the loaded config, with its bid fields, for the platform minimum", ({
		expect,
	}) => {
		expect(fallbackOutcome({ kind: "strategy", id: "st_vip" }, closed)).toEqual(
			expect.objectContaining({
				code: RtaCode.TAKE,
				reason: "TAKE",
				selected: [expect.objectContaining({ id: "st_vip", variant: closed.byId.get("st_vip")?.base })],
				cacheTime: 3600,
			}),
		);
		expect(fallbackOutcome({ kind: "strategy", id: "st_gold" }, closed).selected).toEqual([
			expect.objectContaining({ id: "st_gold", variant: closed.byId.get("st_gold")?.base }),
		]);
	});

	it("refuses with DEADLINE and no cache time otherwise", ({ expect }) => {
		const deadline = refusal("DEADLINE");
		expect(deadline).toEqual(
			expect.objectContaining({
				code: RtaCode.DEADLINE,
				reason: "DEADLINE",
				selected: [],
				cacheTime: undefined,
			}),
		);
		expect(fallbackOutcome({ kind: "strategy", id: "ghost" }, closed)).toEqual(deadline);
		expect(fallbackOutcome({ kind: "strategy", id: "st_vip" }, undefined)).toEqual(deadline);
		expect(fallbackOutcome({ kind: "refuse" }, closed)).toEqual(deadline);
		expect(fallbackOutcome({ kind: "refuse" }, undefined)).toEqual(deadline);
	});
});

describe("refusal", () => {
	it.for([
		["UNDECODABLE", 1],
		["NO_DEVICE", 2],
		["NO_USABLE_ID", 3],
		["NO_STRATEGY", 4],
		["DEADLINE", 5],
		["NOT_CONFIGURED", 6],
		["INTERNAL", 7],
		["PING", 8],
	] as const)("%s is code %i", ([reason, code], { expect }) => {
		expect(refusal(reason as Exclude<RtaCodeName, "TAKE">)).toEqual({
			code,
			reason,
			selected: [],
			cacheTime: undefined,
			aidWhitelist: [],
			extras: undefined,
			adResults: undefined,
		});
	});

	it("carries a cache time when given", ({ expect }) => {
		expect(refusal("NO_STRATEGY", 3600).cacheTime).toBe(3600);
	});
});
