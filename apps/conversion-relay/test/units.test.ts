/**
 * Pure modules: strict IP parsing, the byte-counting body reader, call planning, the Marketing
 * API answer classes and quota header, the action JSON, log redaction, CST midnight, SHA-256.
 * @module
 */

import { describeError, log, REDACTED, readBodyLimited, redact, registerSecret } from "@txad/worker-kit";
import { describe, it } from "vitest";
import {
	buildUserId,
	encodeAction,
	interpretMarketingAnswer,
	namedActions,
	quotaFromRemaining,
	userIdToSend,
} from "../src/delivery/marketing-api.ts";
import { planCalls, utf8Bytes } from "../src/delivery/plan.ts";
import { sha256Hex } from "../src/hash.ts";
import { isIpv4, isIpv6, isUnspecifiedIp } from "../src/ip.ts";
import { minuteStart, nextCstMidnight } from "../src/rate-limit.ts";
import { storedRow } from "./helpers.ts";

describe("ip", () => {
	const v4: [string, boolean][] = [
		["10.11.12.13", true],
		["0.0.0.0", true],
		["255.255.255.255", true],
		["256.1.1.1", false],
		["010.1.1.1", false],
		["1.2.3", false],
		["1.2.3.4.5", false],
		["0.0.0.0:80", false],
		[" 1.2.3.4", false],
	];
	it.for(v4)("isIpv4(%s) is %s", ([text, ok], { expect }) => expect(isIpv4(text)).toBe(ok));
	const v6: [string, boolean][] = [
		["2001:db8::1", true],
		["::", true],
		["::1", true],
		["1::", true],
		["1:2:3:4:5:6:7:8", true],
		["::ffff:10.0.0.1", true],
		["1:2:3:4:5:6:1.2.3.4", true],
		["::::", false],
		[":::", false],
		["1:2", false],
		["1:2:3:4:5:6:7:8:9", false],
		["1::2::3", false],
		["12345::1", false],
		["[2001:db8::1]", false],
		["fe80::1%eth0", false],
		["1:2:3:4:5:6:7::8", false],
		["::ffff:10.0.0.256", false],
		["1.2.3.4::", false],
	];
	it.for(v6)("isIpv6(%s) is %s", ([text, ok], { expect }) => expect(isIpv6(text)).toBe(ok));
	it("knows the unspecified addresses", ({ expect }) => {
		expect(isUnspecifiedIp("0.0.0.0")).toBe(true);
		expect(isUnspecifiedIp("::")).toBe(true);
		expect(isUnspecifiedIp("0:0:0:0:0:0:0:0")).toBe(true);
		expect(isUnspecifiedIp("::1")).toBe(false);
		expect(isUnspecifiedIp("10.0.0.0")).toBe(false);
	});
});

function streamOf(chunks: Uint8Array[], stall = false): ReadableStream<Uint8Array> {
	return new ReadableStream({
		async start(controller) {
			for (const c of chunks) controller.enqueue(c);
			if (stall) await new Promise((r) => setTimeout(r, 5000));
			controller.close();
		},
	});
}

describe("readBodyLimited", () => {
	it("counts bytes, not characters", async ({ expect }) => {
		const cjk = new TextEncoder().encode("字".repeat(100)); // 300 bytes, 100 characters
		expect((await readBodyLimited(streamOf([cjk]), 299)).kind).toBe("too_large");
		const ok = await readBodyLimited(streamOf([cjk.slice(0, 150), cjk.slice(150)]), 300);
		expect(ok.kind === "ok" && new TextDecoder().decode(ok.bytes)).toBe("字".repeat(100));
		expect(await readBodyLimited(null, 10)).toEqual({ kind: "ok", bytes: new Uint8Array() });
	});

	it("stops a stalled stream when the signal aborts", async ({ expect }) => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(new Error("deadline")), 50);
		const started = Date.now();
		await expect(
			readBodyLimited(streamOf([new Uint8Array([1])], true), 100, controller.signal),
		).rejects.toThrow("deadline");
		expect(Date.now() - started).toBeLessThan(1000);
	});
});

describe("planCalls", () => {
	it("fills calls up to the count, in order", ({ expect }) => {
		expect(planCalls([1, 1, 1, 1, 1], 2, 1000, 10)).toEqual([[0, 1], [2, 3], [4]]);
	});
	it("splits by bytes, counting the commas", ({ expect }) => {
		// envelope 10 + 20 + 1 + 20 = 51 > 50: the second item opens a new call.
		expect(planCalls([20, 20, 20], 50, 50, 10)).toEqual([[0], [1], [2]]);
		expect(planCalls([20, 19, 20], 50, 50, 10)).toEqual([[0, 1], [2]]);
	});
	it("gives an item too large on its own a call of its own", ({ expect }) => {
		expect(planCalls([5, 500, 5], 50, 100, 10)).toEqual([[0], [1], [2]]);
		expect(planCalls([], 50, 100, 10)).toEqual([]);
	});
	it("keeps 50 of the largest actions the relay builds under 50 KB", async ({ expect }) => {
		const row = storedRow({
			event_id: "~".repeat(85), // escapes to 255 bytes
			action_type: "CUSTOM",
			custom_action: "字".repeat(42),
			value: Number.MAX_SAFE_INTEGER,
			click_id: "c".repeat(64),
			device_kind: "wechat_openid",
			user_id: JSON.stringify(
				buildUserId("wechat_openid", "o".repeat(64), false, { wechat_app_id: `wx${"a".repeat(16)}` }),
			),
		});
		const bytes = utf8Bytes(await encodeAction(row, "direct", "md5"));
		expect(bytes * 50 + 100).toBeLessThan(50_000);
	});
});

describe("Marketing API answers", () => {
	const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
		status,
		headers: new Headers(headers),
		text: typeof body === "string" ? body : JSON.stringify(body),
	});
	const classes: [string, ReturnType<typeof answer>, string, boolean][] = [
		["code 0", answer(200, { code: 0 }), "delivered", false],
		["code 10000", answer(200, { code: 10000 }), "retry", false],
		["HTTP 502", answer(502, "bad gateway"), "retry", false],
		["HTTP 408", answer(408, ""), "retry", false],
		["an unreadable 200", answer(200, "<html>"), "retry", false],
		["code 11000", answer(200, { code: 11000 }), "retry", true],
		["code 11002", answer(200, { code: 11002 }), "retry", true],
		["code 11016", answer(200, { code: 11016 }), "retry", false],
		["code 11017", answer(200, { code: 11017 }), "retry", false],
		["code 11018", answer(200, { code: 11018 }), "retry", false],
		["code 11019", answer(200, { code: 11019 }), "retry", false],
		["HTTP 429", answer(429, ""), "retry", false],
		["code 11004", answer(200, { code: 11004 }), "failed", false],
		["code 10001", answer(200, { code: 10001 }), "retry", false],
		["code 20002", answer(200, { code: 20002 }), "failed", false],
		["HTTP 403", answer(403, "no"), "failed", false],
	];
	it.for(classes)("%s → %s", ([, a, kind, auth], { expect }) => {
		const outcome = interpretMarketingAnswer(a, 2);
		expect(outcome.items.map((i) => i.kind)).toEqual([kind, kind]);
		expect(outcome.authRejected).toBe(auth);
	});

	it("quota codes are not counted and carry their quota", ({ expect }) => {
		const o = interpretMarketingAnswer(answer(200, { code: 11017 }), 1);
		expect(o.quota).toBe("minute");
		expect(o.items[0]).toMatchObject({ kind: "retry", uncounted: true });
		expect(interpretMarketingAnswer(answer(200, { code: 10000 }), 1).items[0]).not.toHaveProperty(
			"uncounted",
		);
	});

	it("keeps Tencent's message and trace id", ({ expect }) => {
		const o = interpretMarketingAnswer(
			answer(200, { code: 11014, message: "", message_cn: "超出范围" }, { "x-tsa-trace-id": "t-1" }),
			1,
		);
		expect(o).toMatchObject({ ret: 11014, msg: "超出范围", traceId: "t-1" });
		expect(o.items[0]).toEqual({
			kind: "failed",
			code: "TENCENT_CODE_11014",
			detail: "out of scope: 超出范围 (X-TSA-Trace-Id t-1)",
		});
	});

	it("reads X-RateLimit-Remaining", ({ expect }) => {
		expect(quotaFromRemaining("80,95")).toBeNull();
		expect(quotaFromRemaining("80,0")).toBe("minute");
		expect(quotaFromRemaining("0%,40%")).toBe("day");
		expect(quotaFromRemaining(null)).toBeNull();
		expect(quotaFromRemaining("garbage")).toBeNull();
		const o = interpretMarketingAnswer(answer(200, { code: 0 }, { "x-ratelimit-remaining": "50,0" }), 1);
		expect(o.quota).toBe("minute");
		expect(o.items[0]?.kind).toBe("delivered");
	});

	it("finds the actions an answer's errors name", ({ expect }) => {
		const errors = [
			{
				common_param_exception_spec: {
					error_fields: ["actions[2].user_id", "actions.4"],
					error_user_msg: "bad id",
				},
			},
			{ common_param_exception_spec: { error_fields: ["actions[9]", "account_id"] } },
			"junk",
			null,
		];
		expect(namedActions(errors, 5)).toEqual(
			new Map([
				[2, "bad id"],
				[4, "bad id"],
			]),
		);
		expect(namedActions("not a list", 5).size).toBe(0);
	});
});

describe("actions", () => {
	it("serialize the same conversion to the same bytes, keys in a fixed order", async ({ expect }) => {
		const row = storedRow({ event_id: "e-1", click_id: "clk-1", value: 5 });
		const a = await encodeAction(row, "direct", "md5");
		expect(a).toBe(await encodeAction({ ...row }, "direct", "md5"));
		expect(Object.keys(JSON.parse(a))).toEqual([
			"outer_action_id",
			"action_time",
			"action_type",
			"user_id",
			"trace",
			"action_param",
		]);
		expect(JSON.parse(await encodeAction(row, "callback", "md5"))).not.toHaveProperty("trace");
	});

	it("leave out a click id longer than trace.click_id allows", async ({ expect }) => {
		const row = storedRow({ click_id: "c".repeat(65) });
		expect(JSON.parse(await encodeAction(row, "direct", "md5"))).not.toHaveProperty("trace");
	});

	it("hash md5 ids to md5_sha256 when asked (docs/conversion/marketing-api-v3.md vector)", async ({
		expect,
	}) => {
		expect(await sha256Hex("83e9158a4fb54c0e1ef0b238639a23ae")).toBe(
			"a58f9fffa86c12e6fb43f5232a46d53ef06196f4be138d185a09b1294c736c50",
		);
		expect(
			await userIdToSend({ hash_oaid: "83e9158a4fb54c0e1ef0b238639a23ae", caid: "x" }, "md5_sha256"),
		).toEqual({
			md5_sha256_oaid: "a58f9fffa86c12e6fb43f5232a46d53ef06196f4be138d185a09b1294c736c50",
			caid: "x",
		});
		expect(buildUserId("muid", "m", true)).toEqual({ hash_idfa: "m" });
		expect(buildUserId("muid", "m", false)).toEqual({ hash_imei: "m" });
	});
});

describe("log", () => {
	it("redacts registered secrets and access_token values, and writes one JSON line", ({ expect }) => {
		registerSecret("super-secret-value");
		registerSecret("short");
		expect(redact("a super-secret-value b")).toBe(`a ${REDACTED} b`);
		expect(redact("short stays")).toBe("short stays");
		expect(redact("https://x/add?access_token=abc123&nonce=1")).toBe(
			`https://x/add?access_token=${REDACTED}&nonce=1`,
		);
		expect(describeError(new TypeError("fetch super-secret-value failed"))).toBe(
			`TypeError: fetch ${REDACTED} failed`,
		);
		const lines: string[] = [];
		const original = console.warn;
		console.warn = (line: string) => lines.push(line);
		try {
			log("warn", "test_event", { detail: "super-secret-value", n: 1 });
		} finally {
			console.warn = original;
		}
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0] ?? "")).toEqual({
			level: "warn",
			event: "test_event",
			detail: REDACTED,
			n: 1,
		});
	});
});

describe("time", () => {
	it("finds the minute and the next midnight in China Standard Time", ({ expect }) => {
		expect(minuteStart(Date.UTC(2026, 0, 1, 10, 30, 59, 999))).toBe(Date.UTC(2026, 0, 1, 10, 30));
		// 15:59 UTC is 23:59 in Beijing: midnight comes at 16:00 UTC.
		expect(nextCstMidnight(Date.UTC(2026, 0, 1, 15, 59))).toBe(Date.UTC(2026, 0, 1, 16, 0));
		expect(nextCstMidnight(Date.UTC(2026, 0, 1, 16, 0))).toBe(Date.UTC(2026, 0, 2, 16, 0));
	});
});
