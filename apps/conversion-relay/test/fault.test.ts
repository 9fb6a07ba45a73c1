/**
 * The fault test, once per format: the fake upstream fails a random share of requests in every way
 * it can (5xx, 429, ret -12 / code 10000, dropped connections, timeouts, answers lost after Tencent
 * recorded the report, stalled bodies, unreadable 200s, quota codes, and a permanent error),
 * clients repeat their POSTs and the queue repeats its messages. Every accepted conversion must end
 * delivered once or failed with a reason: none lost, none doubled (on the Marketing API a re-send
 * carries the same outer_action_id and Tencent's de-duplication counts it once), every attempt
 * recorded.
 * @module
 */
import { env } from "cloudflare:test";
import { describe, it } from "vitest";
import { outerActionId } from "../src/delivery/marketing-api.ts";
import {
	CALLBACK_ACCOUNT,
	type ConversionJson,
	callbackUrl,
	clickParams,
	controlFake,
	controlV3,
	conversionBody,
	DIRECT_ACCOUNT,
	fakeActions,
	fakeReports,
	freshAppid,
	nowSeconds,
	postConversion,
	sendClick,
	storeClick,
	unique,
	waitForTerminal,
} from "./helpers.ts";

const CONVERSIONS = 60;
const FAIL_RATE = 0.4;
const FAULTS = ["http500", "http503", "http429", "ret-12", "throw", "timeout", "garbage", "ret-3"];

it("delivers every accepted conversion exactly once or fails it with a reason", { timeout: 90_000 }, async ({
	expect,
}) => {
	const seed = Math.floor(Math.random() * 2 ** 31);
	const appid = freshAppid();
	await controlFake({ appid, failRate: FAIL_RATE, seed, faults: FAULTS });
	const replay = `replay with seed ${seed}`;

	// A click every other second: conversion i attributes to the click at or before its time.
	const baseTime = nowSeconds() - 1000;
	const clickIds = new Map<number, string>();
	for (let i = 0; i < CONVERSIONS; i += 2) {
		const clickId = unique("clk");
		clickIds.set(i, clickId);
		await sendClick(clickParams({ appid, click_id: clickId, click_time: String(baseTime + i) }));
	}

	// conv_time identifies each conversion in the fake's records.
	const bodies = Array.from({ length: CONVERSIONS }, (_, i) =>
		conversionBody({ appid, conv_time: baseTime + i, value: i % 3 === 0 ? i * 100 : undefined }),
	);
	// Each body is posted twice at once, as an impatient client would.
	const responses = await Promise.all(bodies.flatMap((b) => [postConversion(b), postConversion(b)]));
	const ids = new Map<number, string>();
	for (const [n, res] of responses.entries()) {
		expect([200, 202], replay).toContain(res.status);
		const json = await res.json<{ id: string; click_id: string | null }>();
		const i = Math.floor(n / 2);
		const known = ids.get(i);
		if (known !== undefined) expect(json.id, replay).toBe(known);
		ids.set(i, json.id);
		expect(json.click_id, replay).toBe(clickIds.get(i - (i % 2)));
	}
	expect(responses.filter((r) => r.status === 202)).toHaveLength(CONVERSIONS);

	// The queue delivers at least once: send every id again.
	await env.CONVERSIONS.sendBatch([...ids.values()].map((id) => ({ body: { id } })));

	const finals = await waitForTerminal([...ids.values()], 80_000);
	const byTime = new Map<number, ConversionJson>();
	for (const f of finals) byTime.set(f.conv_time as number, f);

	const reports = await fakeReports(appid);
	expect(reports.rejected, `${replay}: the fake refused a well-formed report`).toEqual([]);
	const accepted = new Map<number, number>();
	for (const r of reports.accepted) {
		const t = Number(r.conv_time);
		accepted.set(t, (accepted.get(t) ?? 0) + 1);
	}

	let delivered = 0;
	let failed = 0;
	let attempts = 0;
	for (let i = 0; i < CONVERSIONS; i++) {
		const f = byTime.get(baseTime + i);
		expect(f, `${replay}: conversion ${i} missing`).toBeDefined();
		if (f === undefined) continue;
		attempts += f.attempt_log.length;
		expect(f.attempt_log.length, replay).toBe(f.attempts);
		expect(
			f.attempt_log.map((a) => a.attempt),
			replay,
		).toEqual(Array.from({ length: f.attempts }, (_, k) => k + 1));
		expect(
			f.attempt_log.some((a) => a.outcome === "in_flight"),
			replay,
		).toBe(false);
		if (f.status === "delivered") {
			delivered++;
			expect(accepted.get(baseTime + i), `${replay}: conversion ${i} delivered`).toBe(1);
			expect(f.attempt_log.at(-1)?.outcome, replay).toBe("delivered");
		} else {
			failed++;
			expect(f.status, replay).toBe("failed");
			expect(accepted.get(baseTime + i) ?? 0, `${replay}: conversion ${i} failed`).toBe(0);
			expect(["TENCENT_RET_-3", "RETRIES_EXHAUSTED"], replay).toContain(f.fail_code);
			expect(f.fail_reason, replay).toBeTruthy();
		}
	}
	expect(delivered + failed).toBe(CONVERSIONS);
	expect(reports.accepted).toHaveLength(delivered);
	// Every request the fake saw is an attempt in the ledger, and the other way round.
	expect(reports.requests, replay).toBe(attempts);
	// With 40% faults, retries must have happened, and most conversions get through.
	expect(attempts).toBeGreaterThan(CONVERSIONS);
	expect(delivered).toBeGreaterThan(CONVERSIONS / 2);
});

const V3_CONVERSIONS = 60;
const V3_FAULTS = [
	"code10000",
	"http500",
	"http503",
	"http429",
	"throw",
	"timeout",
	"accept-timeout",
	"stall-body",
	"garbage",
	"code11016",
	"code11019",
	"code11004",
];

describe.for([
	["tencent-user-actions", DIRECT_ACCOUNT],
	["tencent-callback", CALLBACK_ACCOUNT],
] as const)("the fault test in %s", ([format, account]) => {
	it("delivers every accepted conversion once (re-sends de-duplicated) or fails it with a reason", {
		timeout: 90_000,
	}, async ({ expect }) => {
		const seed = Math.floor(Math.random() * 2 ** 31);
		const replay = `${format}: replay with seed ${seed}`;
		// The first two calls lose their answers after Tencent recorded them; then random faults.
		await controlV3({
			account_id: account,
			reset: true,
			failRate: FAIL_RATE,
			seed,
			faults: V3_FAULTS,
			script: ["accept-timeout", "stall-body"],
		});
		await env.LEDGER.prepare("DELETE FROM rate_limits").run();
		const appid = freshAppid();
		const baseTime = nowSeconds() - 1000;
		const bodies = Array.from({ length: V3_CONVERSIONS }, (_, i) =>
			conversionBody({
				appid,
				advertiser_id: account,
				conv_time: baseTime + i,
				value: i % 3 === 0 ? i * 100 : undefined,
			}),
		);
		// Every conversion has its click (one per conversion, each with its own callback in callback mode).
		for (let i = 0; i < V3_CONVERSIONS; i++) {
			await storeClick({
				appid,
				advertiser_id: account,
				click_time: String(baseTime + i),
				...(format === "tencent-callback" ? { callback: callbackUrl() } : {}),
			});
		}
		const responses = await Promise.all(bodies.flatMap((b) => [postConversion(b), postConversion(b)]));
		const ids = new Map<string, string>();
		for (const [n, res] of responses.entries()) {
			expect([200, 202], replay).toContain(res.status);
			const json = await res.json<{ id: string; upstream: string; status: string }>();
			expect(json.upstream, replay).toBe(format);
			expect(json.status, replay).not.toBe("waiting_click");
			ids.set(String(bodies[Math.floor(n / 2)]?.event_id), json.id);
		}
		expect(ids.size).toBe(V3_CONVERSIONS);
		// The queue delivers at least once: send every id again.
		await env.CONVERSIONS.sendBatch([...ids.values()].map((id) => ({ body: { id } })));

		const finals = await waitForTerminal([...ids.values()], 80_000);
		const fake = await fakeActions(account);
		const acceptedCount = new Map<string, number>();
		for (const a of fake.accepted) {
			acceptedCount.set(a.action.outer_action_id, (acceptedCount.get(a.action.outer_action_id) ?? 0) + 1);
		}
		let delivered = 0;
		let failed = 0;
		const callIds = new Set<string>();
		for (const f of finals) {
			const outer = outerActionId(f.event_id);
			expect(f.attempt_log.length, replay).toBe(f.attempts);
			expect(
				f.attempt_log.some((a) => a.outcome === "in_flight"),
				replay,
			).toBe(false);
			for (const a of f.attempt_log) {
				if (a.call_id !== null) callIds.add(a.call_id);
				if (a.prior_call_id !== null) callIds.add(a.prior_call_id);
			}
			// De-duplicated re-sends count as one: Tencent holds each action at most once.
			expect(acceptedCount.get(outer) ?? 0, replay).toBeLessThanOrEqual(1);
			if (f.status === "delivered") {
				delivered++;
				expect(acceptedCount.get(outer), `${replay}: ${f.event_id} delivered`).toBe(1);
				expect(f.attempt_log.at(-1)?.outcome, replay).toBe("delivered");
			} else {
				failed++;
				expect(f.status, replay).toBe("failed");
				expect(["TENCENT_CODE_11004", "RETRIES_EXHAUSTED"], replay).toContain(f.fail_code);
				expect(f.fail_reason, replay).toBeTruthy();
				// Failed yet held by Tencent only when an earlier answer was lost (outcome unknown).
				if (acceptedCount.get(outer) === 1) {
					expect(
						f.attempt_log.some((a) => a.outcome === "unknown"),
						replay,
					).toBe(true);
				}
			}
		}
		expect(delivered + failed).toBe(V3_CONVERSIONS);
		// Every call the fake saw is in an attempt log, and the other way round.
		expect(new Set(fake.calls.map((c) => c.nonce)), replay).toEqual(callIds);
		expect(fake.calls.length, replay).toBe(callIds.size);
		expect(
			finals.some((f) => f.attempt_log.some((a) => a.outcome === "unknown")),
			replay,
		).toBe(true);
		expect(delivered, replay).toBeGreaterThan(V3_CONVERSIONS / 2);
	});
});
