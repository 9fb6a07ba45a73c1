/**
 * Strategy selection: includes, excludes, open strategies, experiment overrides in config order,
 * the prebuilt TargetInfo messages, and the explain trace.
 * @module
 */
import { describe, it } from "vitest";
import { compiledConfig } from "../config/strategies.testdata.ts";
import { type StrategyTrace, selectStrategies } from "./decide.ts";

const config = compiledConfig();

function ids(segments: readonly string[], expIds: readonly number[] = []): string[] {
	return selectStrategies(config, segments, expIds).map((s) => s.id);
}

function strategy(id: string) {
	const s = config.byId.get(id);
	if (s === undefined) throw new Error(`no strategy ${id}`);
	return s;
}

describe("selectStrategies: segments", () => {
	it.for([
		["no segments", [], ["st_open", "st_all"]],
		["a segment no strategy names", ["zzz"], ["st_open", "st_all"]],
		["an include segment", ["new_user"], ["st_new", "st_open", "st_all"]],
		["either include segment", ["gold"], ["st_vip", "st_open", "st_all"]],
		["two include segments of one strategy (listed once)", ["vip", "gold"], ["st_vip", "st_open", "st_all"]],
		["include and exclude", ["new_user", "installed"], ["st_open", "st_all"]],
		["exclude before include", ["installed", "new_user"], ["st_open", "st_all"]],
		["an exclude segment only", ["installed"], ["st_open", "st_all"]],
		["the exclude of an open strategy", ["paid"], ["st_all"]],
		["everything", ["paid", "vip", "new_user"], ["st_new", "st_vip", "st_all"]],
	] as const)("%s", ([, segments, expected], { expect }) => {
		expect(ids(segments)).toEqual(expected);
	});

	it("answers with the TargetInfo compiled for the strategy, undefined without bid fields", ({ expect }) => {
		const selected = selectStrategies(config, ["new_user", "vip"], []);
		expect(selected[0]?.variant.targetInfo).toBe(strategy("st_new").base.targetInfo);
		expect(selected[0]?.variant.targetInfo).toEqual(
			expect.objectContaining({
				outTargetId: "st_new",
				cpcPrice: 120,
				userWeightFactor: 1.5,
				dspTagStr: "nu",
			}),
		);
		expect(selected[1]).toEqual(expect.objectContaining({ id: "st_vip" }));
		expect(selected[1]?.variant.targetInfo).toBeUndefined();
		expect(selected[1]?.variant.targetInfoBytes).toBeUndefined();
		expect(selected[2]?.variant.targetInfo).toBe(strategy("st_open").base.targetInfo);
	});

	it("selects nothing from a config without strategies", ({ expect }) => {
		expect(selectStrategies(compiledConfig({ strategies: [] }), ["vip"], [1])).toEqual([]);
	});
});

describe("selectStrategies: experiments", () => {
	it("disables a strategy for a matching override with enabled: false", ({ expect }) => {
		expect(ids(["new_user"], [1001])).toEqual(["st_open", "st_all"]);
		expect(ids([], [2001])).toEqual(["st_open"]);
	});

	it("ignores exp_ids no override names", ({ expect }) => {
		const [s] = selectStrategies(config, ["new_user"], [7, 8]);
		expect(s?.variant.targetInfo).toBe(strategy("st_new").base.targetInfo);
	});

	it("uses the variant compiled for a single matching override", ({ expect }) => {
		const [s] = selectStrategies(config, ["new_user"], [7, 1002]);
		expect(s?.variant.targetInfo).toBe(strategy("st_new").single.get(1002)?.targetInfo);
		expect(s?.variant.targetInfo).toEqual(
			expect.objectContaining({ cpcFactor: 2, cpcPrice: 120, dspTagStr: "nu" }),
		);
	});

	it("merges several matching overrides in config order, whatever the request order", ({ expect }) => {
		for (const exps of [
			[1002, 1003],
			[1003, 1002],
		]) {
			const [s] = selectStrategies(config, ["new_user"], exps);
			expect(s?.variant.targetInfo).toEqual(
				expect.objectContaining({ cpcFactor: 2, cpcPrice: 150, userWeightFactor: 1.5 }),
			);
		}
		// 1001 disables, 1003 (later in the config) enables again.
		expect(ids(["new_user"], [1003, 1001])).toEqual(["st_new", "st_open", "st_all"]);
	});

	it("lets a later override disable what an earlier one enabled", ({ expect }) => {
		const c = compiledConfig({
			strategies: [
				{
					id: "s",
					experiments: [
						{ exp_id: 1, enabled: true },
						{ exp_id: 2, enabled: false },
					],
				},
			],
		});
		expect(selectStrategies(c, [], [1, 2])).toEqual([]);
		expect(selectStrategies(c, [], [1]).map((s) => s.id)).toEqual(["s"]);
	});
});

describe("selectStrategies: trace (explain)", () => {
	function trace(segments: readonly string[], expIds: readonly number[] = []): StrategyTrace[] {
		const out: StrategyTrace[] = [];
		selectStrategies(config, segments, expIds, out);
		return out;
	}

	it("says why each strategy was or was not selected", ({ expect }) => {
		expect(trace(["new_user", "gold", "paid", "zzz"], [2001])).toEqual([
			{
				id: "st_new",
				selected: true,
				reason: "included by new_user",
				matched_include: ["new_user"],
				matched_exclude: [],
				experiments_applied: [],
			},
			{
				id: "st_vip",
				selected: true,
				reason: "included by gold",
				matched_include: ["gold"],
				matched_exclude: [],
				experiments_applied: [],
			},
			{
				id: "st_open",
				selected: false,
				reason: "excluded by paid",
				matched_include: [],
				matched_exclude: ["paid"],
				experiments_applied: [],
			},
			{
				id: "st_all",
				selected: false,
				reason: "disabled by experiment 2001",
				matched_include: [],
				matched_exclude: [],
				experiments_applied: [2001],
			},
		]);
	});

	it("names the missing include segments, the excluding ones, and every override applied", ({ expect }) => {
		expect(trace(["new_user", "installed", "vip"], [1003, 1001])).toEqual([
			{
				id: "st_new",
				selected: false,
				reason: "excluded by installed",
				matched_include: ["new_user"],
				matched_exclude: ["installed"],
				experiments_applied: [],
			},
			{
				id: "st_vip",
				selected: true,
				reason: "included by vip",
				matched_include: ["vip"],
				matched_exclude: [],
				experiments_applied: [],
			},
			{
				id: "st_open",
				selected: true,
				reason: "no include list (every device)",
				matched_include: [],
				matched_exclude: [],
				experiments_applied: [],
			},
			{
				id: "st_all",
				selected: true,
				reason: "no include list (every device)",
				matched_include: [],
				matched_exclude: [],
				experiments_applied: [],
			},
		]);
		const [st] = trace([], []);
		expect(st).toEqual(expect.objectContaining({ selected: false, reason: "device has none of new_user" }));
		expect(trace(["vip", "gold"])[1]?.reason).toBe("included by vip, gold");
		expect(trace(["gold"])[1]?.reason).toBe("included by gold");
		expect(trace([])[1]?.reason).toBe("device has none of vip, gold");
		expect(trace(["new_user"], [1001, 1002])[0]).toEqual(
			expect.objectContaining({ selected: false, reason: "disabled by experiment 1001, 1002" }),
		);
		expect(trace(["new_user"], [1003, 1002])[0]).toEqual(
			expect.objectContaining({
				selected: true,
				reason: "included by new_user",
				experiments_applied: [1002, 1003],
			}),
		);
		expect(trace(["new_user"], [1002])[0]?.experiments_applied).toEqual([1002]);
	});

	it("lists every excluding segment", ({ expect }) => {
		const c = compiledConfig({ strategies: [{ id: "s", exclude: ["a", "b", "c"] }] });
		const out: StrategyTrace[] = [];
		selectStrategies(c, ["c", "a"], [], out);
		expect(out[0]).toEqual(
			expect.objectContaining({ reason: "excluded by a, c", matched_exclude: ["a", "c"] }),
		);
	});

	it("hands out its own applied list, never a shared empty one", ({ expect }) => {
		trace(["new_user"])[0]?.experiments_applied.push(9);
		expect(trace(["new_user"])[0]?.experiments_applied).toEqual([]);
	});
});
