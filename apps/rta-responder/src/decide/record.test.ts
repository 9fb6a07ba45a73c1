/**
 * Stored audience records: the accepted shape, what is rejected as corrupt (whole, never
 * repaired), segment expiry and record expiry.
 * @module
 */
import { describe, it } from "vitest";
import {
	activeSegments,
	isSegmentName,
	MAX_SEGMENT_LENGTH,
	parseAudienceRecord,
	recordEnd,
	serializeAudienceRecord,
} from "./record.ts";

describe("isSegmentName", () => {
	it.for([
		["a", true],
		["new_user", true],
		["A-Z.a:z_0-9", true],
		["x".repeat(MAX_SEGMENT_LENGTH), true],
		["x".repeat(MAX_SEGMENT_LENGTH + 1), false],
		["", false],
		["with space", false],
		["ünï", false],
		["a/b", false],
		["vip\n", false],
	] as const)("%j → %s", ([name, ok], { expect }) => {
		expect(isSegmentName(name)).toBe(ok);
	});

	it("rejects non-strings", ({ expect }) => {
		expect(isSegmentName(1)).toBe(false);
		expect(isSegmentName(null)).toBe(false);
		expect(isSegmentName(["a"])).toBe(false);
	});
});

describe("parseAudienceRecord", () => {
	it("reads segments without end times", ({ expect }) => {
		expect(parseAudienceRecord('{"segments":["new_user","vip"]}')).toEqual({
			segments: ["new_user", "vip"],
			until: undefined,
		});
	});

	it("reads end times parallel to the segments, 0 for the permanent ones", ({ expect }) => {
		expect(parseAudienceRecord('{"segments":["a","b","c"],"until":{"c":300,"a":100}}')).toEqual({
			segments: ["a", "b", "c"],
			until: [100, 0, 300],
		});
	});

	it("treats an empty until object as no end times", ({ expect }) => {
		expect(parseAudienceRecord('{"segments":["a"],"until":{}}')).toEqual({
			segments: ["a"],
			until: undefined,
		});
	});

	it("ignores unknown top-level fields (room for later additions)", ({ expect }) => {
		expect(parseAudienceRecord('{"segments":["a"],"v":2}')).toEqual({ segments: ["a"], until: undefined });
	});

	it.for([
		["not JSON", "{"],
		["JSON null", "null"],
		["a JSON string", '"vip"'],
		["a JSON array", '["vip"]'],
		["no segments", "{}"],
		["segments not an array", '{"segments":"vip"}'],
		["an empty segment list", '{"segments":[]}'],
		["a segment that is not a string", '{"segments":["a",1]}'],
		["one malformed segment name among good ones", '{"segments":["vip","bad name","new_user"]}'],
		["a duplicate segment", '{"segments":["vip","vip"]}'],
		["until an array", '{"segments":["a"],"until":[1]}'],
		["until null", '{"segments":["a"],"until":null}'],
		["until a number", '{"segments":["a"],"until":100}'],
		["an end time as a string", '{"segments":["a","b"],"until":{"a":100,"b":"2030-01-01T00:00:00Z"}}'],
		["an end time of 0", '{"segments":["a"],"until":{"a":0}}'],
		["a negative end time", '{"segments":["a"],"until":{"a":-5}}'],
		["a fractional end time", '{"segments":["a"],"until":{"a":100.5}}'],
		["an end time beyond safe integers", '{"segments":["a"],"until":{"a":1e300}}'],
		["an end time null", '{"segments":["a"],"until":{"a":null}}'],
		["an end time for a segment the record does not list", '{"segments":["a"],"until":{"a":100,"b":200}}'],
	] as const)("rejects, whole, a record with %s", ([, text], { expect }) => {
		expect(parseAudienceRecord(text)).toBeUndefined();
	});
});

describe("activeSegments", () => {
	it("returns the record's own array when nothing can end", ({ expect }) => {
		const r = { segments: ["a", "b"], until: undefined };
		expect(activeSegments(r, 1e12)).toBe(r.segments);
	});

	it("drops a segment at its end time, keeps permanent ones", ({ expect }) => {
		const r = parseAudienceRecord('{"segments":["a","b","c"],"until":{"b":100,"c":200}}');
		if (r === undefined) throw new Error("valid record rejected");
		expect(activeSegments(r, 99)).toEqual(["a", "b", "c"]);
		expect(activeSegments(r, 100)).toEqual(["a", "c"]);
		expect(activeSegments(r, 200)).toEqual(["a"]);
	});

	it("is empty once the last segment of a record whose every segment ends has ended", ({ expect }) => {
		const r = parseAudienceRecord('{"segments":["a","b"],"until":{"a":100,"b":200}}');
		if (r === undefined) throw new Error("valid record rejected");
		expect(activeSegments(r, 199)).toEqual(["b"]);
		expect(activeSegments(r, 200)).toEqual([]);
	});

	it("treats a missing entry of a short until array as permanent", ({ expect }) => {
		expect(activeSegments({ segments: ["a", "b"], until: [50] }, 60)).toEqual(["b"]);
	});
});

describe("recordEnd", () => {
	it("is the end of the last segment when every segment ends", ({ expect }) => {
		expect(recordEnd(["a", "b", "c"], { a: 300, b: 100, c: 200 })).toBe(300);
		expect(recordEnd(["a"], { a: 100 })).toBe(100);
	});

	it("is undefined when one segment is permanent, or for no segment", ({ expect }) => {
		expect(recordEnd(["a", "b"], { a: 100 })).toBeUndefined();
		expect(recordEnd(["a", "b"], { b: 100 })).toBeUndefined();
		expect(recordEnd([], {})).toBeUndefined();
	});

	it("ignores end times of segments not listed", ({ expect }) => {
		expect(recordEnd(["a"], { a: 100, z: 900 })).toBe(100);
	});
});

describe("serializeAudienceRecord", () => {
	it("writes only the end times of listed segments, and no until when none", ({ expect }) => {
		expect(serializeAudienceRecord(["a", "b"], { b: 100, z: 5 })).toBe(
			'{"segments":["a","b"],"until":{"b":100}}',
		);
		expect(serializeAudienceRecord(["a"], { z: 5 })).toBe('{"segments":["a"]}');
		expect(serializeAudienceRecord(["a"], {})).toBe('{"segments":["a"]}');
	});

	it("round-trips through parseAudienceRecord", ({ expect }) => {
		const text = serializeAudienceRecord(["vip", "promo"], { promo: 1798675200 });
		expect(parseAudienceRecord(text)).toEqual({ segments: ["vip", "promo"], until: [0, 1798675200] });
	});
});
