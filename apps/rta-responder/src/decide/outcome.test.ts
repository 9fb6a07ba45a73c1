/**
 * From records to the answer: which record is decided on (expired ones count as none), the
 * codes, the cache time, the deadline fallback and the exact wire response.
 * @module
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { decodeRtaResponse, encodeRtaResponse, RtaResponseSchema } from "@txad/proto";
import { describe, it } from "vitest";
import { RtaCode, type RtaCodeName } from "../codes.ts";
import { compiledConfig } from "../config/strategies.testdata.ts";
import type { CandidateId } from "./ids.ts";
import { buildResponse, type DecisionTrace, decideFromRecords, fallbackOutcome, refusal } from "./outcome.ts";
import { type AudienceRecord, parseAudienceRecord } from "./record.ts";

const config = compiledConfig();
/** No strategy selects a device without segments (unlike STRATEGIES' open ones). */
const closed = compiledConfig({
	response_cache_time: 5000,
	strategies: [
		{ id: "st_vip", include: ["vip"], bid: { cpc_price: 9 } },
		{ id: "st_gold", include: ["gold"] },
	],
});

function candidate(type: CandidateId["type"], value: string): CandidateId {
	return { type, value, key: `${type}:${value}`, source: `device.${type}sum` };
}

const imei = candidate("imei_md5", "b496ec1169770ea274a2b4f42ca4fb71");
const oaid = candidate("oaid_md5", "1df942b7d996891bf0a205cd07e4e92f");
const mac = candidate("mac_md5", "0123456789abcdef0123456789abcdef");

function record(text: string): AudienceRecord {
	const r = parseAudienceRecord(text);
	if (r === undefined) throw new Error(`invalid record ${text}`);
	return r;
}

function emptyTrace(): DecisionTrace {
	return { used: null, segments: [], strategies: [] };
}

describe("decideFromRecords", () => {
	it("decides on the first id in order that has a record", ({ expect }) => {
		const trace = emptyTrace();
		const out = decideFromRecords(
			closed,
			[imei, oaid, mac],
			[null, record('{"segments":["gold"]}'), record('{"segments":["vip"]}')],
			[],
			1000,
			trace,
		);
		expect(out).toEqual({
			code: RtaCode.TAKE,
			reason: "TAKE",
			selected: [{ id: "st_gold", targetInfo: undefined }],
			cacheTime: 5000,
		});
		expect(trace.used).toBe(oaid);
		expect(trace.segments).toEqual(["gold"]);
		expect(trace.strategies.map((s) => [s.id, s.selected])).toEqual([
			["st_vip", false],
			["st_gold", true],
		]);
	});

	it("decides on the active segments only", ({ expect }) => {
		const r = record('{"segments":["vip","gold"],"until":{"vip":1000}}');
		const trace = emptyTrace();
		expect(decideFromRecords(closed, [imei], [r], [], 999, undefined).selected.map((s) => s.id)).toEqual([
			"st_vip",
			"st_gold",
		]);
		expect(decideFromRecords(closed, [imei], [r], [], 1000, trace).selected.map((s) => s.id)).toEqual([
			"st_gold",
		]);
		expect(trace.segments).toEqual(["gold"]);
	});

	it("treats a record whose every segment has ended as no record: the next id decides", ({ expect }) => {
		const ended = record('{"segments":["vip","gold"],"until":{"vip":900,"gold":1000}}');
		const next = record('{"segments":["gold"]}');
		const trace = emptyTrace();
		const out = decideFromRecords(closed, [imei, oaid], [ended, next], [], 1000, trace);
		expect(out.selected.map((s) => s.id)).toEqual(["st_gold"]);
		expect(trace.used).toBe(oaid);
		// Before its last segment ends, the record still decides.
		const before = emptyTrace();
		decideFromRecords(closed, [imei, oaid], [ended, next], [], 999, before);
		expect(before.used).toBe(imei);
		expect(before.segments).toEqual(["gold"]);
	});

	it("refuses with NO_STRATEGY, and the config's cache time, when every record has ended", ({ expect }) => {
		const ended = record('{"segments":["vip"],"until":{"vip":1000}}');
		const trace = emptyTrace();
		expect(decideFromRecords(closed, [imei], [ended], [], 5000, trace)).toEqual({
			code: RtaCode.NO_STRATEGY,
			reason: "NO_STRATEGY",
			selected: [],
			cacheTime: 5000,
		});
		expect(trace.used).toBeNull();
		expect(trace.segments).toEqual([]);
	});

	it("decides a device without any record on no segments (open strategies still select it)", ({ expect }) => {
		const trace = emptyTrace();
		const out = decideFromRecords(config, [imei, oaid], [null, null], [], 0, trace);
		expect(out.code).toBe(RtaCode.TAKE);
		expect(out.selected.map((s) => s.id)).toEqual(["st_open", "st_all"]);
		expect(out.cacheTime).toBe(7200);
		expect(trace.used).toBeNull();
		expect(trace.segments).toEqual([]);
		expect(trace.strategies).toHaveLength(4);
		expect(decideFromRecords(closed, [], [], [], 0).code).toBe(RtaCode.NO_STRATEGY);
	});

	it("applies the request's experiments", ({ expect }) => {
		const out = decideFromRecords(config, [imei], [record('{"segments":["new_user"]}')], [1001, 2001], 0);
		expect(out.selected.map((s) => s.id)).toEqual(["st_open"]);
	});

	it("never answers TAKE without a strategy", ({ expect }) => {
		const out = decideFromRecords(config, [imei], [record('{"segments":["paid"]}')], [2001], 0);
		expect(out).toEqual({ code: RtaCode.NO_STRATEGY, reason: "NO_STRATEGY", selected: [], cacheTime: 7200 });
	});
});

describe("fallbackOutcome", () => {
	it("takes the FALLBACK strategy of the loaded config, with its bid fields, for the platform minimum", ({
		expect,
	}) => {
		expect(fallbackOutcome({ kind: "strategy", id: "st_vip" }, closed)).toEqual({
			code: RtaCode.TAKE,
			reason: "TAKE",
			selected: [{ id: "st_vip", targetInfo: closed.byId.get("st_vip")?.base.targetInfo }],
			cacheTime: 3600,
		});
		expect(fallbackOutcome({ kind: "strategy", id: "st_gold" }, closed).selected).toEqual([
			{ id: "st_gold", targetInfo: undefined },
		]);
	});

	it("refuses with DEADLINE and no cache time otherwise", ({ expect }) => {
		const deadline = { code: RtaCode.DEADLINE, reason: "DEADLINE", selected: [], cacheTime: undefined };
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
		});
	});

	it("carries a cache time when given", ({ expect }) => {
		expect(refusal("NO_STRATEGY", 3600).cacheTime).toBe(3600);
	});
});

describe("buildResponse", () => {
	const take = decideFromRecords(config, [imei], [record('{"segments":["new_user","vip"]}')], [], 0);

	it("lists every selected strategy, and TargetInfos only for those with bid fields", ({ expect }) => {
		const res = buildResponse("req-1", take, 3);
		expect(res.requestId).toBe("req-1");
		expect(res.code).toBe(0);
		expect(res.processingTimeMs).toBe(3);
		expect(res.responseCacheTime).toBe(7200);
		expect(res.outTargetId).toEqual(["st_new", "st_vip", "st_open", "st_all"]);
		expect(res.targetInfos.map((t) => t.outTargetId)).toEqual(["st_new", "st_open"]);
		expect(res.targetInfos[0]).toBe(take.selected[0]?.targetInfo);
	});

	it("puts code 0 and processing_time_ms 0 on the wire (proto2 presence)", ({ expect }) => {
		const res = decodeRtaResponse(encodeRtaResponse(buildResponse("r", take, 0)));
		expect(isFieldSet(res, RtaResponseSchema.field.code)).toBe(true);
		expect(isFieldSet(res, RtaResponseSchema.field.processingTimeMs)).toBe(true);
		expect(res.code).toBe(0);
	});

	it("leaves out an empty request id, a missing processing time and a missing cache time", ({ expect }) => {
		const res = buildResponse("", refusal("PING"), undefined);
		expect(isFieldSet(res, RtaResponseSchema.field.code)).toBe(true);
		expect(res.code).toBe(RtaCode.PING);
		for (const field of ["requestId", "processingTimeMs", "responseCacheTime"] as const)
			expect(isFieldSet(res, RtaResponseSchema.field[field])).toBe(false);
		// Unset fields read as their defaults, as in any decoded message.
		expect([res.requestId, res.processingTimeMs, res.responseCacheTime]).toEqual(["", 0, 0]);
		expect(res.outTargetId).toEqual([]);
		expect(res.targetInfos).toEqual([]);
		// code alone: field 2, varint 8.
		expect(encodeRtaResponse(res)).toEqual(new Uint8Array([0x10, 0x08]));
	});

	it("sends a refusal's cache time", ({ expect }) => {
		const res = buildResponse("r", refusal("NO_STRATEGY", 3600), 1);
		expect(res.responseCacheTime).toBe(3600);
		expect(res.outTargetId).toEqual([]);
	});
});
