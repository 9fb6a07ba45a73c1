/**
 * Settings from env: defaults, ranges, and an error naming the variable for every bad value —
 * never a value silently changed into another.
 * @module
 */
import { describe, it } from "vitest";
import { isResponderError } from "./errors.ts";
import { KV_MAX_CACHE_TTL, KV_MIN_CACHE_TTL, parseSettings } from "./settings.ts";

/** The settings error for a raw env, or a failure when it parses. */
function settingsError(raw: Parameters<typeof parseSettings>[0]): { field: unknown; message: string } {
	try {
		parseSettings(raw);
	} catch (e) {
		if (!isResponderError(e)) throw e;
		return { field: e.field, message: e.message };
	}
	throw new Error(`expected a settings error for ${JSON.stringify(raw)}`);
}

describe("parseSettings", () => {
	it("defaults to the documented values", ({ expect }) => {
		const s = parseSettings({});
		expect(s).toEqual(
			expect.objectContaining({
				platformCacheTime: 3600,
				deadlineMs: 30,
				fallback: { kind: "refuse" },
				mode: { kind: "device_id" },
				audienceMemoryBytes: 48 * 1024 * 1024,
				audienceShardTtl: 86_400,
				audienceDeltaMaxOps: 50_000,
				kvCacheTtl: 60,
				configRefreshMs: 10_000,
				logSampleRate: 0,
				adlistDeadlineMs: 50,
				rawLogSampleRate: 0,
				rawLogAdlist: false,
				analyticsSampleRate: 1,
			}),
		);
		expect(s.sign.current).toBeNull();
		expect(s.adminToken).toBeUndefined();
	});

	it("is a NOT_CONFIGURED error with status 500 naming the variable", ({ expect }) => {
		try {
			parseSettings({ DEADLINE_MS: "fast" });
			expect.unreachable();
		} catch (e) {
			expect(isResponderError(e) && [e.status, e.code, e.field]).toEqual([
				500,
				"NOT_CONFIGURED",
				"DEADLINE_MS",
			]);
		}
	});
});

describe("KV_CACHE_TTL_SECONDS", () => {
	it(`accepts ${KV_MIN_CACHE_TTL} s (KV's minimum cacheTtl) to ${KV_MAX_CACHE_TTL} s`, ({ expect }) => {
		expect(KV_MIN_CACHE_TTL).toBe(30);
		expect(parseSettings({ KV_CACHE_TTL_SECONDS: "30" }).kvCacheTtl).toBe(30);
		expect(parseSettings({ KV_CACHE_TTL_SECONDS: " 300 " }).kvCacheTtl).toBe(300);
		expect(parseSettings({ KV_CACHE_TTL_SECONDS: String(KV_MAX_CACHE_TTL) }).kvCacheTtl).toBe(
			KV_MAX_CACHE_TTL,
		);
		expect(parseSettings({ KV_CACHE_TTL_SECONDS: "" }).kvCacheTtl).toBe(60);
	});

	it.for(["29", "0", "-60", String(KV_MAX_CACHE_TTL + 1), "60.5", "1e9", "sixty"])(
		"rejects %j naming the variable, instead of raising or capping it",
		(value, { expect }) => {
			expect(settingsError({ KV_CACHE_TTL_SECONDS: value })).toEqual({
				field: "KV_CACHE_TTL_SECONDS",
				message: "KV_CACHE_TTL_SECONDS must be an integer from 30 to 31536000",
			});
		},
	);
});

describe("other variables", () => {
	it.for([
		["PLATFORM_CACHE_TIME_SECONDS", "3599", "must be an integer from 3600 to 86400"],
		["PLATFORM_CACHE_TIME_SECONDS", "86401", "must be an integer from 3600 to 86400"],
		["DEADLINE_MS", "10001", "must be an integer from 0 to 10000"],
		["AUDIENCE_MEMORY_MIB", "101", "must be an integer from 0 to 100"],
		["AUDIENCE_MEMORY_MIB", "-1", "must be an integer from 0 to 100"],
		["AUDIENCE_SHARD_TTL_SECONDS", "29", "must be an integer from 30 to 31536000"],
		["AUDIENCE_DELTA_MAX_OPS", "x", "must be an integer from 0 to 1000000"],
		["CONFIG_REFRESH_SECONDS", "1.5", "must be an integer from 0 to 86400"],
	] as const)("%s=%j is an error", ([key, value, message], { expect }) => {
		expect(settingsError({ [key]: value })).toEqual({
			field: key,
			message: `${key} ${message}`,
		});
	});

	it.for([
		[{ LOG_SAMPLE_RATE: "2" }, "LOG_SAMPLE_RATE"],
		[{ INTERACTION_MODE: "email" }, "INTERACTION_MODE"],
		[{ INTERACTION_MODE: "openid" }, "OPENID_APPID"],
		[{ RTA_SIGN_HEADERS: "x-token: a" }, "RTA_SIGN_HEADERS"],
		[{ RTA_SIGN_HEADERS_PREVIOUS: '["a"]' }, "RTA_SIGN_HEADERS_PREVIOUS"],
		[{ RTA_SIGN_HEADERS: '{"X A":"1"}' }, "RTA_SIGN_HEADERS"],
		[{ RTA_SIGN_HEADERS: '{"X-A":""}' }, "RTA_SIGN_HEADERS"],
		[{ RTA_SIGN_HEADERS_GRACE_UNTIL: "soon" }, "RTA_SIGN_HEADERS_GRACE_UNTIL"],
	] as const)("%j names %s", ([raw, field], { expect }) => {
		expect(settingsError(raw).field).toBe(field);
	});

	it("reads the other kinds of values", ({ expect }) => {
		const s = parseSettings({
			FALLBACK: " st_fallback ",
			INTERACTION_MODE: "openid",
			OPENID_APPID: "wx0102030405060708",
			RTA_SIGN_HEADERS: '{"X-Rta-Token":"t"}',
			RTA_SIGN_HEADERS_GRACE_UNTIL: "4102444800",
			LOG_SAMPLE_RATE: "0.5",
			ADMIN_TOKEN: " secret ",
		});
		expect(s.fallback).toEqual({ kind: "strategy", id: "st_fallback" });
		expect(s.mode).toEqual({ kind: "openid", appid: "wx0102030405060708" });
		expect(s.sign).toEqual({ current: [["x-rta-token", "t"]], previous: null, graceUntilMs: 4102444800000 });
		expect(s.logSampleRate).toBe(0.5);
		expect(s.adminToken).toBe("secret");
		expect(parseSettings({ RTA_SIGN_HEADERS: "{}" }).sign.current).toBeNull();
	});
});

describe("ANALYTICS_SAMPLE_RATE", () => {
	it("is the share of decisions written to Analytics Engine, 0–1, every one by default", ({ expect }) => {
		expect(parseSettings({ ANALYTICS_SAMPLE_RATE: "0.01" }).analyticsSampleRate).toBe(0.01);
		expect(parseSettings({ ANALYTICS_SAMPLE_RATE: "0" }).analyticsSampleRate).toBe(0);
		expect(settingsError({ ANALYTICS_SAMPLE_RATE: "1%" }).field).toBe("ANALYTICS_SAMPLE_RATE");
		expect(settingsError({ ANALYTICS_SAMPLE_RATE: "1.5" }).field).toBe("ANALYTICS_SAMPLE_RATE");
	});
});

describe("ADLIST_DEADLINE_MS and the raw log", () => {
	it("reads them, and names each bad one", ({ expect }) => {
		const s = parseSettings({
			ADLIST_DEADLINE_MS: "70",
			RAW_LOG_SAMPLE_RATE: "0.01",
			RAW_LOG_ADLIST: "true",
		});
		expect([s.adlistDeadlineMs, s.rawLogSampleRate, s.rawLogAdlist]).toEqual([70, 0.01, true]);
		expect(parseSettings({ ADLIST_DEADLINE_MS: "0" }).adlistDeadlineMs).toBe(0);
		expect(settingsError({ ADLIST_DEADLINE_MS: "-1" }).field).toBe("ADLIST_DEADLINE_MS");
		expect(settingsError({ RAW_LOG_SAMPLE_RATE: "2" }).field).toBe("RAW_LOG_SAMPLE_RATE");
		expect(settingsError({ RAW_LOG_ADLIST: "yes" })).toEqual({
			field: "RAW_LOG_ADLIST",
			message: 'RAW_LOG_ADLIST must be "true" or "false"',
		});
	});
});
