/**
 * The pure modules alone: LRU, id collection, config validation and compilation, the decision,
 * settings parsing and the header check.
 * @module
 */
import { hashDeviceId } from "@txad/muid";
import { create, DeviceIdTag, RtaDeviceSchema } from "@txad/proto";
import { describe, it } from "vitest";
import { checkSignHeaders } from "../src/auth.ts";
import { compileConfig } from "../src/config/compile.ts";
import { validateStrategyConfig } from "../src/config/validate.ts";
import { type StrategyTrace, selectStrategies } from "../src/decide/decide.ts";
import { collectIds, type SkippedId } from "../src/decide/ids.ts";
import { decideFromRecords, fallbackOutcome } from "../src/decide/outcome.ts";
import { activeSegments, parseAudienceRecord } from "../src/decide/record.ts";
import { Lru } from "../src/lru.ts";
import { parseSettings } from "../src/settings.ts";
import { TEST_CONFIG } from "./helpers.ts";

function compiled(doc: unknown = TEST_CONFIG, platform = 3600) {
	const v = validateStrategyConfig(doc, platform);
	if (!v.ok) throw new Error(JSON.stringify(v.errors));
	return compileConfig(v.config, "v1", platform);
}

describe("Lru", () => {
	it("evicts the least recently used entry and honours TTL, negatives included", ({ expect }) => {
		const lru = new Lru<string | null>(2);
		lru.set("a", "A", 1000, 0);
		lru.set("b", null, 1000, 0);
		expect(lru.get("a", 1)?.value).toBe("A"); // a is now most recent
		lru.set("c", "C", 1000, 1);
		expect(lru.get("b", 2)).toBeUndefined();
		expect(lru.get("a", 2)?.value).toBe("A");
		expect(lru.get("c", 1001)).toBeUndefined(); // expired
		lru.set("n", null, 10, 0);
		expect(lru.get("n", 5)).toEqual(expect.objectContaining({ value: null }));
		lru.set("z", "Z", 0, 0);
		expect(lru.get("z", 0)).toBeUndefined();
	});
});

describe("collectIds", () => {
	const imei = hashDeviceId("imei", "354649050046412");
	const oaid = hashDeviceId("oaid", "a1b2c3");
	const idfa = hashDeviceId("idfa", "1E2DFA89-496A-47FD-9941-DF1FC4E6484A");

	it("orders the cached type first, then iOS ids, then Android ids", ({ expect }) => {
		const device = create(RtaDeviceSchema, { imeiMd5sum: imei, oaidMd5sum: oaid, idfaMd5sum: idfa });
		expect(collectIds(device, { kind: "device_id" }, "imei_md5").map((c) => c.type)).toEqual([
			"imei_md5",
			"idfa_md5",
			"oaid_md5",
		]);
		expect(collectIds(device, { kind: "device_id" }, undefined).map((c) => c.key)).toEqual([
			`idfa_md5:${idfa}`,
			`oaid_md5:${oaid}`,
			`imei_md5:${imei}`,
		]);
	});

	it("skips doubtful, placeholder, malformed and duplicate ids and says why", ({ expect }) => {
		const device = create(RtaDeviceSchema, {
			imeiMd5sum: imei,
			oaidMd5sum: oaid,
			macMd5sum: hashDeviceId("mac", "02:00:00:00:00:00".replace(/:/g, "")).slice(0, 31),
			androidIdMd5sum: "cfcd208495d565ef66e7dff9f98764da", // md5("0")
			doubtfulIdsList: [DeviceIdTag.OAID_DOUBTFUL],
			qaidInfos: [{ qaidMd5sum: imei }, { qaidMd5sum: imei }],
		});
		const skipped: SkippedId[] = [];
		const ids = collectIds(device, { kind: "device_id" }, undefined, skipped);
		expect(ids.map((c) => c.type)).toEqual(["caid_md5", "imei_md5"]);
		expect(skipped.map((s) => [s.type, s.reason])).toEqual([
			["oaid_md5", "doubtful"],
			["android_id_md5", "non_device"],
			["mac_md5", "malformed"],
			["caid_md5", "duplicate"],
		]);
	});

	it("uses only the configured appid's openid in openid mode", ({ expect }) => {
		const device = create(RtaDeviceSchema, {
			imeiMd5sum: imei,
			wxOpenid: [
				{ appid: "wx_a", openid: "o1" },
				{ appid: "wx_b", openid: "o2" },
				{ appid: "wx_a", openid: "null" },
			],
		});
		const skipped: SkippedId[] = [];
		expect(
			collectIds(device, { kind: "openid", appid: "wx_a" }, undefined, skipped).map((c) => c.key),
		).toEqual(["openid:o1"]);
		expect(skipped.map((s) => s.reason)).toEqual(["other_appid", "non_device"]);
	});
});

describe("validateStrategyConfig", () => {
	it("accepts boundary values and the TEST_CONFIG", ({ expect }) => {
		const v = validateStrategyConfig(
			{
				strategies: [
					{
						id: "a",
						bid: {
							cpc_factor: 0.2,
							user_weight_factor: 5,
							dsp_tag_str: "标签标签标签12",
							cpc_price: 4294967295,
						},
					},
				],
			},
			3600,
		);
		expect(v.ok).toBe(true);
		expect(validateStrategyConfig(TEST_CONFIG, 3600).ok).toBe(true);
	});

	it.for([
		["cpc_factor below 0.2", { cpc_factor: 0.19 }, "cpc_factor"],
		["user_weight_factor above 5", { user_weight_factor: 5.01 }, "user_weight_factor"],
		["dsp_tag_str of 21 bytes (7 CJK chars)", { dsp_tag_str: "标签标签标签标" }, "dsp_tag_str"],
		["cpa_price not an integer", { cpa_price: 10.5 }, "cpa_price"],
		["cpc_price above uint32", { cpc_price: 2 ** 32 }, "cpc_price"],
		["cpc_factor as a string", { cpc_factor: "1" }, "cpc_factor"],
	] as const)("rejects %s", ([, bid, field], { expect }) => {
		const v = validateStrategyConfig({ strategies: [{ id: "a", bid }] }, 3600);
		expect(v.ok).toBe(false);
		expect(!v.ok && v.errors.map((e) => e.path)).toEqual([`$.strategies[0].bid.${field}`]);
	});
});

describe("selectStrategies and decideFromRecords", () => {
	const config = compiled({
		response_cache_time: 100,
		strategies: [
			{ id: "any_not_paid", exclude: ["paid"] },
			{
				id: "vip",
				include: ["vip", "gold"],
				experiments: [
					{ exp_id: 1, enabled: false },
					{ exp_id: 2, bid: { cpc_price: 9 } },
				],
			},
		],
	});

	it("selects open strategies for devices without a record and applies excludes", ({ expect }) => {
		expect(selectStrategies(config, [], []).map((s) => s.id)).toEqual(["any_not_paid"]);
		expect(selectStrategies(config, ["paid", "gold"], []).map((s) => s.id)).toEqual(["vip"]);
		expect(selectStrategies(config, ["paid"], [])).toEqual([]);
	});

	it("applies overrides in list order across experiment layers", ({ expect }) => {
		expect(selectStrategies(config, ["vip"], [1]).map((s) => s.id)).toEqual(["any_not_paid"]);
		expect(selectStrategies(config, ["vip"], [2])[1]?.targetInfo?.cpcPrice).toBe(9);
		const trace: StrategyTrace[] = [];
		expect(selectStrategies(config, ["vip"], [2, 1], trace).map((s) => s.id)).toEqual(["any_not_paid"]);
		expect(trace[1]).toEqual(expect.objectContaining({ selected: false, experiments_applied: [1, 2] }));
	});

	it("clamps the cache time and never answers 0 without a strategy", ({ expect }) => {
		expect(config.responseCacheTime).toBe(3600);
		const none = decideFromRecords(config, [], [], [], 0);
		expect(none.code).toBe(0); // any_not_paid selects devices without a record
		expect(none.selected.length).toBeGreaterThan(0);
		const paid = parseAudienceRecord('{"segments":["paid"]}') ?? null;
		const refused = decideFromRecords(
			config,
			[{ type: "imei_md5", value: "x", key: "k", source: "s" }],
			[paid],
			[],
			0,
		);
		expect(refused.code).not.toBe(0);
		expect(refused.selected).toEqual([]);
	});

	it("falls back to a strategy only when the loaded config has it", ({ expect }) => {
		expect(fallbackOutcome({ kind: "strategy", id: "vip" }, config).selected.map((s) => s.id)).toEqual([
			"vip",
		]);
		expect(fallbackOutcome({ kind: "strategy", id: "ghost" }, config).code).toBe(5);
		expect(fallbackOutcome({ kind: "strategy", id: "vip" }, undefined).code).toBe(5);
		expect(fallbackOutcome({ kind: "refuse" }, config).code).toBe(5);
	});
});

describe("audience records", () => {
	it.for([
		["not JSON", "{"],
		["no segments", "{}"],
		["segments not strings", '{"segments":[1]}'],
		["until not an object", '{"segments":["a"],"until":[1]}'],
	] as const)("rejects a stored record that is %s", ([, text], { expect }) => {
		expect(parseAudienceRecord(text)).toBeUndefined();
	});

	it("drops expired segments", ({ expect }) => {
		const r = parseAudienceRecord('{"segments":["a","b"],"until":{"b":100}}');
		expect(r && activeSegments(r, 99)).toEqual(["a", "b"]);
		expect(r && activeSegments(r, 100)).toEqual(["a"]);
	});
});

describe("settings and the header check", () => {
	const sign = parseSettings({
		RTA_SIGN_HEADERS: '{"X-A":"1","X-B":"2"}',
		RTA_SIGN_HEADERS_PREVIOUS: '{"X-A":"0"}',
		RTA_SIGN_HEADERS_GRACE_UNTIL: "2030-01-01T00:00:00Z",
	}).sign;
	const at = Date.parse("2029-12-31T23:59:59Z");
	const after = Date.parse("2030-01-01T00:00:00Z");

	it.for([
		["both current pairs", { "x-a": "1", "x-b": "2" }, at, true],
		["one current pair", { "x-a": "1" }, at, false],
		["previous set in the window", { "x-a": "0" }, at, true],
		["previous set after the window", { "x-a": "0" }, after, false],
		["empty value", { "x-a": "", "x-b": "2" }, at, false],
	] as const)("%s", ([, headers, now, ok], { expect }) => {
		expect(checkSignHeaders(new Headers(headers), sign, now)).toBe(ok);
	});

	it("defaults to the documented values", ({ expect }) => {
		const s = parseSettings({});
		expect(s).toEqual(
			expect.objectContaining({
				platformCacheTime: 3600,
				deadlineMs: 30,
				fallback: { kind: "refuse" },
				mode: { kind: "device_id" },
			}),
		);
		expect(s.sign.current).toBeNull();
		expect(s.adminToken).toBeUndefined();
	});
});
