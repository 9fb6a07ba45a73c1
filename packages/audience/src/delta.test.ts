import { describe, it } from "vitest";
import { applyOps, type DeltaOp, parseDelta, serializeDelta } from "./delta.ts";
import { isAudienceError } from "./errors.ts";
import { membershipOf } from "./membership.ts";

const H = "b496ec1169770ea274a2b4f42ca4fb71";

function codeField(fn: () => unknown): [string, string | undefined] | undefined {
	try {
		fn();
	} catch (e) {
		return isAudienceError(e) ? [e.code, e.field] : ["other", undefined];
	}
	return undefined;
}

describe("delta blobs", () => {
	it("round-trip", ({ expect }) => {
		const ops: DeltaOp[] = [
			{ op: "replace", type: "imei_md5", value: H, segments: [["new_user", 0]] },
			{ op: "merge", type: "openid", value: "o_1", segments: [["vip", 1_900_000_000]] },
			{ op: "delete", type: "oaid_md5", value: H },
		];
		const text = serializeDelta(ops, new Date("2026-12-01T00:00:00Z"));
		expect(parseDelta(text)).toEqual({ format: 1, created_at: "2026-12-01T00:00:00.000Z", ops });
	});

	it.for([
		["not json", "{", "INVALID_DELTA", "$"],
		["not an object", "[]", "INVALID_DELTA", "$"],
		["other format", '{"format":2}', "UNSUPPORTED_VERSION", "format"],
		["no created_at", '{"format":1,"ops":[]}', "INVALID_DELTA", "created_at"],
		["ops not array", '{"format":1,"created_at":"2026-12-01T00:00:00Z","ops":{}}', "INVALID_DELTA", "ops"],
		[
			"bad id type",
			`{"format":1,"created_at":"2026-12-01T00:00:00Z","ops":[{"op":"delete","type":"imei","value":"${H}"}]}`,
			"INVALID_DELTA",
			"ops[0].type",
		],
		[
			"upper-case hash",
			`{"format":1,"created_at":"2026-12-01T00:00:00Z","ops":[{"op":"delete","type":"imei_md5","value":"${H.toUpperCase()}"}]}`,
			"INVALID_DELTA",
			"ops[0].value",
		],
		[
			"bad op",
			`{"format":1,"created_at":"2026-12-01T00:00:00Z","ops":[{"op":"add","type":"imei_md5","value":"${H}"}]}`,
			"INVALID_DELTA",
			"ops[0].op",
		],
		[
			"bad segment",
			`{"format":1,"created_at":"2026-12-01T00:00:00Z","ops":[{"op":"merge","type":"imei_md5","value":"${H}","segments":[["a b",0]]}]}`,
			"INVALID_DELTA",
			"ops[0].segments[0]",
		],
		[
			"segment not a pair",
			`{"format":1,"created_at":"2026-12-01T00:00:00Z","ops":[{"op":"merge","type":"imei_md5","value":"${H}","segments":["a"]}]}`,
			"INVALID_DELTA",
			"ops[0].segments[0]",
		],
	] as const)("rejects %s", ([, text, code, field], { expect }) => {
		expect(codeField(() => parseDelta(text))).toEqual([code, field]);
	});
});

describe("applyOps", () => {
	const base = membershipOf([
		["new_user", 0],
		["promo", 1_900_000_000],
	]);

	it("replace sets exactly the given segments; delete removes the record", ({ expect }) => {
		expect(applyOps(base, [{ op: "replace", type: "imei_md5", value: H, segments: [["vip", 0]] }])).toEqual({
			names: ["vip"],
			until: [0],
		});
		expect(applyOps(base, [{ op: "delete", type: "imei_md5", value: H }])).toBeNull();
		expect(applyOps(null, [])).toBeNull();
		expect(applyOps(base, [])).toBe(base);
	});

	it("merge adds segments and keeps the others' ends; a re-sent segment takes the new end", ({ expect }) => {
		const after = applyOps(base, [
			{
				op: "merge",
				type: "imei_md5",
				value: H,
				segments: [
					["vip", 1_950_000_000],
					["promo", 0],
				],
			},
		]);
		expect(after).toEqual({ names: ["new_user", "vip", "promo"], until: [0, 1_950_000_000, 0] });
	});

	it("two merges of the same id both apply, and merge onto nothing or a delete starts fresh", ({
		expect,
	}) => {
		const m1: DeltaOp = { op: "merge", type: "imei_md5", value: H, segments: [["a", 0]] };
		const m2: DeltaOp = { op: "merge", type: "imei_md5", value: H, segments: [["b", 0]] };
		expect(applyOps(null, [m1, m2])?.names).toEqual(["a", "b"]);
		expect(applyOps(base, [{ op: "delete", type: "imei_md5", value: H }, m1])?.names).toEqual(["a"]);
	});
});
