/**
 * The fault test: the fake upstream fails a random share of requests in every way it can
 * (5xx, 429, ret -12, dropped connections, timeouts, unreadable 200s, and a permanent ret -3),
 * clients repeat their POSTs and the queue repeats its messages. Every accepted conversion must
 * end delivered exactly once or failed with a reason: none lost, none doubled, every attempt
 * recorded.
 * @module
 */
import { env } from "cloudflare:test";
import { it } from "vitest";
import {
	type ConversionJson,
	clickParams,
	controlFake,
	conversionBody,
	fakeReports,
	freshAppid,
	nowSeconds,
	postConversion,
	sendClick,
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
