/**
 * The Marketing API formats (docs/conversion/marketing-api-v3.md) end to end through the real
 * queue and D1 into the fake: direct mode and callback mode, the action JSON, batching and
 * splitting, every answer class, partial failures, and the per-account rate limit.
 * @module
 */
import { env } from "cloudflare:test";
import { beforeEach, describe, it } from "vitest";
import { deliverBatch } from "../src/delivery/consumer.ts";
import { outerActionId } from "../src/delivery/marketing-api.ts";
import { sha256Hex } from "../src/hash.ts";
import { type ConversionRow, getConversion } from "../src/ledger.ts";
import { enqueueConversions } from "../src/queue.ts";
import {
	CALLBACK_ACCOUNT,
	callbackUrl,
	controlV3,
	createAttributed,
	DIRECT_ACCOUNT,
	fakeActions,
	freshAppid,
	getConversionJson,
	IMEI_MUID,
	LIMITED_ACCOUNT,
	leaveAsKilled,
	nowSeconds,
	REJECTED_ACCOUNT,
	SHA_ACCOUNT,
	storeClick,
	storeUnqueued,
	unique,
	waitForTerminal,
} from "./helpers.ts";

/** Stores `n` pending direct-mode conversions of one account, not enqueued. */
async function storeDirect(n: number, account = DIRECT_ACCOUNT, overrides: Partial<ConversionRow> = {}) {
	const rows: ConversionRow[] = [];
	for (let i = 0; i < n; i++) {
		rows.push(
			await storeUnqueued({ advertiser_id: account, upstream: "tencent-user-actions", ...overrides }),
		);
	}
	return rows;
}

function acceptedIds(actions: Awaited<ReturnType<typeof fakeActions>>) {
	return actions.accepted.map((a) => a.action.outer_action_id);
}

beforeEach(async () => {
	for (const account of [DIRECT_ACCOUNT, CALLBACK_ACCOUNT, SHA_ACCOUNT, LIMITED_ACCOUNT]) {
		await controlV3({ account_id: account, reset: true });
	}
	await env.LEDGER.prepare("DELETE FROM rate_limits").run();
});

describe("direct mode (tencent-user-actions)", () => {
	it("delivers through the queue: account, action set, action fields, auth in the query", async ({
		expect,
	}) => {
		const { id, clickId, body } = await createAttributed({
			advertiser_id: DIRECT_ACCOUNT,
			conv_type: "MOBILEAPP_COST",
			value: 1990,
		});
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({
			status: "delivered",
			upstream: "tencent-user-actions",
			attempts: 1,
			tencent_ret: 0,
		});
		const fake = await fakeActions(DIRECT_ACCOUNT);
		const mine = fake.accepted.filter(
			(a) => a.action.outer_action_id === outerActionId(String(body.event_id)),
		);
		expect(mine).toEqual([
			{
				mode: "direct",
				set: "5000100001",
				nonce: final?.attempt_log[0]?.call_id,
				action: {
					outer_action_id: outerActionId(String(body.event_id)),
					action_time: body.conv_time,
					action_type: "PURCHASE",
					user_id: { hash_imei: IMEI_MUID },
					trace: { click_id: clickId },
					action_param: { value: 1990 },
				},
			},
		]);
		const attempt = final?.attempt_log[0];
		expect(attempt?.call_id).toMatch(/^[0-9a-f]{32}$/);
		expect(attempt?.trace_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(attempt?.actions_in_call).toBe(1);
	});

	it("sends md5_sha256 ids when the account asks for them (the OAID vector)", async ({ expect }) => {
		const { id, body } = await createAttributed(
			{ advertiser_id: SHA_ACCOUNT, imei: undefined, oaid: "1fe9a970-efbb-29e0-0bdd-f5dbbf751ab5" },
			{ muid: "83e9158a4fb54c0e1ef0b238639a23ae" },
		);
		await waitForTerminal([id]);
		const fake = await fakeActions(SHA_ACCOUNT);
		const mine = fake.accepted.find((a) => a.action.outer_action_id === outerActionId(String(body.event_id)));
		expect(mine?.action.user_id).toEqual({
			md5_sha256_oaid: "a58f9fffa86c12e6fb43f5232a46d53ef06196f4be138d185a09b1294c736c50",
		});
		expect(await sha256Hex("83e9158a4fb54c0e1ef0b238639a23ae")).toBe(mine?.action.user_id?.md5_sha256_oaid);
	});

	it("batches up to 50 actions per call and splits the rest (120 → 50 + 50 + 20)", async ({ expect }) => {
		const rows = await storeDirect(120);
		const steps = await deliverBatch(
			env,
			rows.map((r) => r.id),
		);
		expect([...steps.values()].every((s) => s.action === "ack" && s.reason === "delivered")).toBe(true);
		const fake = await fakeActions(DIRECT_ACCOUNT);
		expect(fake.calls.map((c) => c.actions).sort((a, b) => b - a)).toEqual([50, 50, 20]);
		expect(new Set(acceptedIds(fake))).toEqual(new Set(rows.map((r) => outerActionId(r.event_id))));
		const views = await Promise.all(rows.map((r) => getConversionJson(r.id)));
		const callIds = new Set(views.map((v) => v.attempt_log[0]?.call_id));
		expect(callIds.size).toBe(3);
		expect(new Set(views.map((v) => v.attempt_log[0]?.actions_in_call))).toEqual(new Set([50, 20]));
	});

	it("sends one action per call with MAX_ACTIONS_PER_CALL=1", async ({ expect }) => {
		const rows = await storeDirect(4);
		await deliverBatch(
			{ ...env, MAX_ACTIONS_PER_CALL: "1" },
			rows.map((r) => r.id),
		);
		expect((await fakeActions(DIRECT_ACCOUNT)).calls.map((c) => c.actions)).toEqual([1, 1, 1, 1]);
	});

	it("batches conversions released together by a late click, through the real queue", async ({ expect }) => {
		const appid = freshAppid();
		const rows = await storeDirect(60, DIRECT_ACCOUNT, {
			status: "waiting_click",
			hold_until: Date.now() + 60_000,
			appid,
		});
		await storeClick({ appid, advertiser_id: DIRECT_ACCOUNT, click_time: String(nowSeconds() - 600) });
		const finals = await waitForTerminal(rows.map((r) => r.id));
		expect(finals.every((f) => f.status === "delivered")).toBe(true);
		const fake = await fakeActions(DIRECT_ACCOUNT);
		// 60 messages in at most a few queue batches: far fewer calls than conversions.
		expect(fake.calls.length).toBeLessThanOrEqual(4);
		expect(fake.accepted).toHaveLength(60);
	});
});

describe("callback mode (tencent-callback)", () => {
	it("posts {actions} to the click's callback verbatim, auth in access-token/timestamp/nonce headers", async ({
		expect,
	}) => {
		const callback = callbackUrl("link_id");
		const { id, body } = await createAttributed({ advertiser_id: CALLBACK_ACCOUNT }, { callback });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({
			status: "delivered",
			upstream: "tencent-callback",
			callback_url: callback,
		});
		const fake = await fakeActions(CALLBACK_ACCOUNT);
		const url = new URL(callback);
		expect(fake.accepted).toEqual([
			{
				mode: "callback",
				set: `link_id=${url.searchParams.get("link_id")}|cb=${url.searchParams.get("cb")}`,
				nonce: final?.attempt_log[0]?.call_id,
				action: {
					outer_action_id: outerActionId(String(body.event_id)),
					action_time: body.conv_time,
					action_type: "ACTIVATE_APP",
					user_id: { hash_imei: IMEI_MUID },
				},
			},
		]);
	});

	it("uses the configured header spelling; a spelling Tencent drops holds conversions back, never fails them", async ({
		expect,
	}) => {
		const row = await storeUnqueued({
			advertiser_id: CALLBACK_ACCOUNT,
			upstream: "tencent-callback",
			callback_url: callbackUrl(),
		});
		const steps = await deliverBatch({ ...env, CALLBACK_AUTH_HEADERS: "access_token,timestamp,nonce" }, [
			row.id,
		]);
		expect(steps.get(row.id)).toMatchObject({ action: "later", reason: "CONFIG_TOKEN_REJECTED" });
		expect(await getConversion(env.LEDGER, row.id)).toMatchObject({
			status: "pending",
			fail_code: "CONFIG_TOKEN_REJECTED",
		});
		await env.LEDGER.prepare("UPDATE conversions SET next_attempt_at = 0 WHERE id = ?1").bind(row.id).run();
		const fixed = await deliverBatch(env, [row.id]);
		expect(fixed.get(row.id)).toMatchObject({ action: "ack", reason: "delivered" });
	});

	it("shares a call only between conversions of the same click", async ({ expect }) => {
		const same = callbackUrl();
		const rows = [
			await storeUnqueued({
				advertiser_id: CALLBACK_ACCOUNT,
				upstream: "tencent-callback",
				callback_url: same,
			}),
			await storeUnqueued({
				advertiser_id: CALLBACK_ACCOUNT,
				upstream: "tencent-callback",
				callback_url: same,
				conv_type: "MOBILEAPP_REGISTER",
				action_type: "REGISTER",
			}),
			await storeUnqueued({
				advertiser_id: CALLBACK_ACCOUNT,
				upstream: "tencent-callback",
				callback_url: callbackUrl(),
			}),
		];
		await deliverBatch(
			env,
			rows.map((r) => r.id),
		);
		expect((await fakeActions(CALLBACK_ACCOUNT)).calls.map((c) => c.actions).sort()).toEqual([1, 2]);
	});

	it("never sends the token to a callback outside CALLBACK_ORIGINS", async ({ expect }) => {
		const row = await storeUnqueued({
			advertiser_id: CALLBACK_ACCOUNT,
			upstream: "tencent-callback",
			callback_url: "https://evil.example/v3.0/user_actions/add?cb=1&conv_id=2",
		});
		const steps = await deliverBatch(env, [row.id]);
		expect(steps.get(row.id)).toMatchObject({ action: "later", reason: "CONFIG_CALLBACK_ORIGIN" });
		expect((await fakeActions(CALLBACK_ACCOUNT)).calls).toEqual([]);
	});
});

describe("answer classes", () => {
	async function runScripted(script: string[], n = 1) {
		await controlV3({ account_id: DIRECT_ACCOUNT, reset: true, script });
		const rows = await storeDirect(n);
		const ids = rows.map((r) => r.id);
		await enqueueConversions(env.CONVERSIONS, ids);
		const finals = await waitForTerminal(ids);
		return { rows, finals, fake: await fakeActions(DIRECT_ACCOUNT) };
	}

	const retried: [string, string, string][] = [
		["code10000", "TENCENT_CODE_10000", "retry"],
		["code10001", "TENCENT_CODE_10001", "retry"],
		["http500", "HTTP_500", "retry"],
		["http503", "HTTP_503", "retry"],
		["throw", "NETWORK_ERROR", "retry"],
		["garbage", "UNREADABLE_RESPONSE", "retry"],
		["timeout", "TIMEOUT", "unknown"],
	];
	it.for(retried)(
		"%s: retried with backoff, then delivered once",
		async ([fault, code, outcome], { expect }) => {
			const { finals, fake } = await runScripted([fault, fault]);
			expect(finals[0]?.attempt_log.map((a) => [a.outcome, a.code])).toEqual([
				[outcome, code],
				[outcome, code],
				["delivered", null],
			]);
			expect(fake.accepted).toHaveLength(1);
		},
	);

	it.for([["accept-timeout"], ["stall-body"]] as const)(
		"%s: Tencent recorded it, the answer never came; the re-send carries the same outer_action_id and counts once",
		async ([fault], { expect }) => {
			const { finals, fake } = await runScripted([fault]);
			expect(finals[0]?.attempt_log.map((a) => [a.outcome, a.code])).toEqual([
				["unknown", "TIMEOUT"],
				["delivered", null],
			]);
			expect(fake.accepted).toHaveLength(1);
			expect(fake.duplicates).toBe(1);
		},
	);

	it.for([
		["code11016", "second"],
		["code11017", "minute"],
		["code11018", "day"],
		["code11019", "frequent"],
		["http429", "second"],
	] as const)(
		"%s: a quota answer holds the account back and does not count as an attempt",
		async ([fault], { expect }) => {
			await controlV3({ account_id: DIRECT_ACCOUNT, reset: true, script: [fault] });
			const [row] = await storeDirect(1);
			if (row === undefined) throw new Error("no row");
			const steps = await deliverBatch({ ...env, MAX_DELIVERY_ATTEMPTS: "1" }, [row.id]);
			const step = steps.get(row.id);
			expect(step?.action).toBe("later");
			const stored = await getConversion(env.LEDGER, row.id);
			expect(stored).toMatchObject({ status: "pending", attempts: 1, uncounted_attempts: 1 });
			const limiter = await env.LEDGER.prepare("SELECT blocked_until FROM rate_limits WHERE account_id = ?1")
				.bind(DIRECT_ACCOUNT)
				.first<number>("blocked_until");
			expect(limiter).toBeGreaterThan(Date.now());
			// While blocked, nothing is sent; once the quota is back, it is delivered even though
			// MAX_DELIVERY_ATTEMPTS is 1 — the quota answer did not use up the budget.
			await env.LEDGER.prepare("UPDATE conversions SET next_attempt_at = 0 WHERE id = ?1").bind(row.id).run();
			const blocked = await deliverBatch(env, [row.id]);
			expect(blocked.get(row.id)).toMatchObject({ action: "later", reason: "rate limited" });
			expect((await fakeActions(DIRECT_ACCOUNT)).calls).toHaveLength(1);
			await env.LEDGER.prepare("DELETE FROM rate_limits").run();
			await env.LEDGER.prepare("UPDATE conversions SET next_attempt_at = 0 WHERE id = ?1").bind(row.id).run();
			const done = await deliverBatch({ ...env, MAX_DELIVERY_ATTEMPTS: "1" }, [row.id]);
			expect(done.get(row.id)).toMatchObject({ action: "ack", reason: "delivered" });
		},
	);

	it.for([
		["code11004", "TENCENT_CODE_11004", "malformed request: scripted 11004"],
		["code20001", "TENCENT_CODE_20001", "bad callback URL: scripted 20001"],
	] as const)(
		"%s: failed with Tencent's message and X-TSA-Trace-Id",
		async ([fault, code, meaning], { expect }) => {
			const { finals, fake } = await runScripted([fault]);
			const trace = `trace-${code.slice(-5)}`;
			expect(finals[0]).toMatchObject({ status: "failed", fail_code: code, attempts: 1 });
			expect(finals[0]?.fail_reason).toBe(`${meaning} (X-TSA-Trace-Id ${trace})`);
			expect(finals[0]?.attempt_log[0]).toMatchObject({
				outcome: "failed",
				tencent_ret: Number(code.slice(-5)),
				tencent_msg: `scripted ${code.slice(-5)}`,
				trace_id: trace,
			});
			expect(fake.accepted).toEqual([]);
		},
	);

	it("a kill after Tencent accepted: the lease runs out, the re-send is de-duplicated", async ({
		expect,
	}) => {
		const [row] = await storeDirect(1);
		if (row === undefined) throw new Error("no row");
		await deliverBatch(env, [row.id]);
		// Rewind the ledger to the moment before the consumer recorded the answer, as a kill leaves it.
		await leaveAsKilled(row.id);
		const steps = await deliverBatch(env, [row.id]);
		expect(steps.get(row.id)).toMatchObject({ action: "ack", reason: "delivered" });
		const view = await getConversionJson(row.id);
		expect(view.attempt_log.map((a) => a.outcome)).toEqual(["abandoned", "delivered"]);
		const fake = await fakeActions(DIRECT_ACCOUNT);
		expect(fake.accepted).toHaveLength(1);
		expect(fake.duplicates).toBe(1);
	});

	it("an HTTP 4xx without a code fails", async ({ expect }) => {
		const { finals } = await runScripted(["http400"]);
		expect(finals[0]).toMatchObject({ status: "failed", fail_code: "HTTP_400", attempts: 1 });
	});

	it("11000 / 11002 on a DataNexus key: the conversion waits for a new key, it does not fail", async ({
		expect,
	}) => {
		const [row] = await storeDirect(1, REJECTED_ACCOUNT);
		if (row === undefined) throw new Error("no row");
		const steps = await deliverBatch(env, [row.id]);
		expect(steps.get(row.id)).toMatchObject({ action: "later", reason: "CONFIG_TOKEN_REJECTED" });
		const view = await getConversionJson(row.id);
		expect(view).toMatchObject({ status: "pending", fail_code: "CONFIG_TOKEN_REJECTED" });
		expect(view.attempt_log).toMatchObject([
			{ outcome: "retry", code: "CONFIG_TOKEN_REJECTED", tencent_ret: 11002 },
		]);
	});

	it("a partial failure marks only the actions it names; the rest are sent again and delivered", async ({
		expect,
	}) => {
		const rows = await storeDirect(5);
		const poisoned = outerActionId((rows[2] as ConversionRow).event_id);
		await controlV3({ account_id: DIRECT_ACCOUNT, reset: true, poison: [poisoned] });
		await enqueueConversions(
			env.CONVERSIONS,
			rows.map((r) => r.id),
		);
		const finals = await waitForTerminal(rows.map((r) => r.id));
		const bad = finals.find((f) => f.id === rows[2]?.id);
		expect(bad).toMatchObject({ status: "failed", fail_code: "TENCENT_CODE_11004" });
		expect(bad?.fail_reason).toContain("outer_action_id: refused by the test (poisoned)");
		for (const f of finals.filter((x) => x.id !== rows[2]?.id)) {
			expect(f.status).toBe("delivered");
			expect(f.attempt_log[0]).toMatchObject({ outcome: "retry", code: "SENT_AGAIN_WITHOUT_REFUSED_ACTION" });
		}
		const fake = await fakeActions(DIRECT_ACCOUNT);
		expect(fake.accepted).toHaveLength(4);
		expect(acceptedIds(fake)).not.toContain(poisoned);
	});

	it("a partial success (code 0 with errors) delivers the others in the same call", async ({ expect }) => {
		const rows = await storeDirect(3);
		const poisoned = outerActionId((rows[0] as ConversionRow).event_id);
		await controlV3({
			account_id: DIRECT_ACCOUNT,
			reset: true,
			poison: [poisoned],
			poisonMode: "accept-others",
		});
		await deliverBatch(
			env,
			rows.map((r) => r.id),
		);
		const views = await Promise.all(rows.map((r) => getConversionJson(r.id)));
		expect(views.map((v) => [v.status, v.fail_code])).toEqual([
			["failed", "TENCENT_ACTION_REJECTED"],
			["delivered", null],
			["delivered", null],
		]);
		expect(views.every((v) => v.attempts === 1)).toBe(true);
	});
});

describe("per-account rate limit", () => {
	it("sends what the minute allows; the rest wait for the next minute, never dropped or failed", async ({
		expect,
	}) => {
		const rows = await storeDirect(5, LIMITED_ACCOUNT);
		const one = { ...env, MAX_ACTIONS_PER_CALL: "1" };
		const now = Date.now();
		const steps = await deliverBatch(
			one,
			rows.map((r) => r.id),
			now,
		);
		const values = [...steps.values()];
		expect(values.filter((s) => s.action === "ack")).toHaveLength(3);
		const waiting = values.filter((s) => s.action === "later");
		expect(waiting).toHaveLength(2);
		for (const s of waiting) expect(s).toMatchObject({ reason: "rate limited" });
		const stored = await Promise.all(rows.map((r) => getConversion(env.LEDGER, r.id)));
		const pending = stored.filter((r) => r?.status === "pending");
		expect(pending).toHaveLength(2);
		for (const p of pending) expect(p).toMatchObject({ attempts: 0, fail_code: "RATE_LIMITED" });
		// The next minute, they go.
		const later = await deliverBatch(
			one,
			pending.map((p) => p?.id as string),
			now + 61_000,
		);
		expect([...later.values()].every((s) => s.action === "ack")).toBe(true);
		expect((await fakeActions(LIMITED_ACCOUNT)).accepted).toHaveLength(5);
	});

	it("is shared across concurrent consumers (isolates)", async ({ expect }) => {
		const rows = await storeDirect(6, LIMITED_ACCOUNT);
		const one = { ...env, MAX_ACTIONS_PER_CALL: "1" };
		const now = Date.now();
		const [a, b] = await Promise.all([
			deliverBatch(
				one,
				rows.slice(0, 3).map((r) => r.id),
				now,
			),
			deliverBatch(
				one,
				rows.slice(3).map((r) => r.id),
				now,
			),
		]);
		const sent = [...(a ?? new Map()).values(), ...(b ?? new Map()).values()].filter(
			(s) => s.action === "ack",
		);
		expect(sent).toHaveLength(3);
		expect((await fakeActions(LIMITED_ACCOUNT)).calls).toHaveLength(3);
	});

	it("honours X-RateLimit-Remaining: a minute share of 0 holds the account until the next minute", async ({
		expect,
	}) => {
		await controlV3({ account_id: DIRECT_ACCOUNT, reset: true, callsPerMinute: 1 });
		const [first, second] = await storeDirect(2);
		if (first === undefined || second === undefined) throw new Error("no rows");
		const now = Date.now();
		expect((await deliverBatch(env, [first.id], now)).get(first.id)).toMatchObject({ action: "ack" });
		const held = await deliverBatch(env, [second.id], now);
		expect(held.get(second.id)).toMatchObject({ action: "later", reason: "rate limited" });
		// The fake was not called for it.
		expect((await fakeActions(DIRECT_ACCOUNT)).calls).toHaveLength(1);
	});

	it("the fake's own 11017 when a client ignores the limit", async ({ expect }) => {
		await controlV3({ account_id: DIRECT_ACCOUNT, reset: true, callsPerMinute: 1 });
		const [first, second] = await storeDirect(2);
		if (first === undefined || second === undefined) throw new Error("no rows");
		// Two consumers that both think the minute is free (e.g. the limit was raised in TENCENT_ACCOUNTS
		// above Tencent's quota): the second call gets 11017, and the conversion waits, uncounted.
		await Promise.all([deliverBatch(env, [first.id]), deliverBatch(env, [second.id])]);
		const codes = (await fakeActions(DIRECT_ACCOUNT)).calls.map((c) => c.code).sort();
		expect(codes).toEqual([0, 11017]);
		const views = await Promise.all([first, second].map((r) => getConversion(env.LEDGER, r.id)));
		expect(views.map((v) => v?.status).sort()).toEqual(["delivered", "pending"]);
	});
});

describe("outer_action_id", () => {
	it("is stable per event_id and within [A-Za-z0-9_]{1,255}", ({ expect }) => {
		const cases = [
			"order-8812_paid",
			"a",
			"A_b-c.d:e/f",
			"_",
			"__",
			"x".repeat(128),
			"~!@#$%^&*()".repeat(12),
		];
		const seen = new Map<string, string>();
		for (const id of cases) {
			const outer = outerActionId(id);
			expect(outer).toMatch(/^[A-Za-z0-9_]{1,255}$/);
			expect(outerActionId(id)).toBe(outer);
			expect(seen.has(outer)).toBe(false);
			seen.set(outer, id);
		}
		expect(outerActionId("order-8812_paid")).toBe("order_2d8812__paid");
		expect(outerActionId("~!@#$%^&*()".repeat(12))).toMatch(/^_h[0-9a-f]{32}$/);
	});

	it("tells apart ids that differ only in punctuation", ({ expect }) => {
		const ids = ["a-b", "a_b", "a.b", "a__2db", "a_2db"];
		expect(new Set(ids.map(outerActionId)).size).toBe(ids.length);
		expect(unique("x")).not.toBe(unique("x"));
	});
});
