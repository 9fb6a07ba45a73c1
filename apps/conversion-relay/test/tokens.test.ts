/**
 * OAuth tokens (docs/conversion/marketing-api-v3.md "Token sources"): installing a pair, refresh
 * before expiry, refresh after Tencent refuses the token, one refresh at a time across concurrent
 * consumers, a crashed refresher's lease, the waits when an account cannot get a token, and that
 * no token value ever reaches a log line, /stats, /tokens or an attempt log.
 * @module
 */
import { env, SELF } from "cloudflare:test";
import { afterEach, beforeEach, describe, it, vi } from "vitest";
import { deliverBatch } from "../src/delivery/consumer.ts";
import { type ConversionRow, getConversion } from "../src/ledger.ts";
import { sweep } from "../src/sweeper.ts";
import { getTokenRow } from "../src/tokens/store.ts";
import {
	authedGet,
	authorizeOAuthAccount,
	controlV3,
	DIRECT_ACCOUNT,
	fakeActions,
	fakeOAuth,
	getConversionJson,
	OAUTH_ACCOUNT,
	storeUnqueued,
	TOKEN,
} from "./helpers.ts";

async function storeOAuth(n: number): Promise<ConversionRow[]> {
	const rows: ConversionRow[] = [];
	for (let i = 0; i < n; i++) {
		rows.push(await storeUnqueued({ advertiser_id: OAUTH_ACCOUNT, upstream: "tencent-user-actions" }));
	}
	return rows;
}

async function expireSoon(msFromNow: number) {
	await env.LEDGER.prepare("UPDATE oauth_tokens SET access_expires_at = ?2 WHERE account_id = ?1")
		.bind(OAUTH_ACCOUNT, Date.now() + msFromNow)
		.run();
}

beforeEach(async () => {
	await controlV3({ account_id: OAUTH_ACCOUNT, reset: true });
	await env.LEDGER.prepare("DELETE FROM rate_limits").run();
});

describe("installing an OAuth pair", () => {
	it("exchanges an authorization_code and answers with the state, never the tokens", async ({ expect }) => {
		const res = await authorizeOAuthAccount();
		expect(res.status).toBe(201);
		const text = await res.text();
		const body = JSON.parse(text);
		expect(body).toMatchObject({
			account_id: OAUTH_ACCOUNT,
			generation: expect.any(Number),
			last_refresh_error: null,
		});
		const row = await getTokenRow(env.LEDGER, OAUTH_ACCOUNT);
		expect(row?.access_token).toMatch(/^fake-at-/);
		expect(text).not.toContain(row?.access_token);
		expect(text).not.toContain(row?.refresh_token);
		expect((await fakeOAuth(OAUTH_ACCOUNT)).authorizations).toBe(1);
	});

	it("takes a pair obtained elsewhere, and validates the body", async ({ expect }) => {
		const post = (body: unknown) =>
			SELF.fetch(`https://relay.test/tokens/${OAUTH_ACCOUNT}`, {
				method: "POST",
				headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		const ok = await post({
			access_token: "given-access-1",
			refresh_token: "given-refresh-1",
			access_token_expires_in: 60,
		});
		expect(ok.status).toBe(201);
		const row = await getTokenRow(env.LEDGER, OAUTH_ACCOUNT);
		expect(row).toMatchObject({ access_token: "given-access-1", refresh_token: "given-refresh-1" });
		expect((row?.access_expires_at ?? 0) - Date.now()).toBeLessThanOrEqual(60_000);
		const bad = await post({ access_token: "only-half" });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ error: { code: "INVALID_FIELD", field: "authorization_code" } });
		const noRedirect = await post({ authorization_code: "c" });
		expect(await noRedirect.json()).toMatchObject({ error: { field: "redirect_uri" } });
		const refused = await post({ authorization_code: "", redirect_uri: "x" });
		expect(refused.status).toBe(400);
		const wrongAccount = await SELF.fetch(`https://relay.test/tokens/${DIRECT_ACCOUNT}`, {
			method: "POST",
			headers: { authorization: `Bearer ${TOKEN}` },
			body: "{}",
		});
		expect(wrongAccount.status).toBe(404);
	});

	it("answers 502 when Tencent refuses the code", async ({ expect }) => {
		const code = "used-once";
		const post = () =>
			SELF.fetch(`https://relay.test/tokens/${OAUTH_ACCOUNT}`, {
				method: "POST",
				headers: { authorization: `Bearer ${TOKEN}` },
				body: JSON.stringify({ authorization_code: code, redirect_uri: "https://relay.example.com/oauth" }),
			});
		expect((await post()).status).toBe(201);
		const again = await post();
		expect(again.status).toBe(502);
		expect(await again.json()).toMatchObject({
			error: { code: "TOKEN_EXCHANGE_FAILED", field: "authorization_code" },
		});
	});
});

describe("refresh", () => {
	it("refreshes before the access token expires and replaces both tokens at once", async ({ expect }) => {
		await authorizeOAuthAccount();
		const before = await getTokenRow(env.LEDGER, OAUTH_ACCOUNT);
		await expireSoon(60_000); // inside TOKEN_REFRESH_MARGIN_SECONDS (1 h)
		const [row] = await storeOAuth(1);
		if (row === undefined || before === null) throw new Error("setup");
		const steps = await deliverBatch(env, [row.id]);
		expect(steps.get(row.id)).toMatchObject({ action: "ack", reason: "delivered" });
		const after = await getTokenRow(env.LEDGER, OAUTH_ACCOUNT);
		expect(after?.generation).toBe(before.generation + 1);
		expect(after?.access_token).not.toBe(before.access_token);
		expect(after?.refresh_token).not.toBe(before.refresh_token);
		expect((after?.access_expires_at ?? 0) - Date.now()).toBeGreaterThan(86_000_000);
		expect((await fakeOAuth(OAUTH_ACCOUNT)).refreshes).toBe(1);
	});

	it("one refresh for many concurrent consumers, and no delivery lost", async ({ expect }) => {
		await authorizeOAuthAccount();
		await expireSoon(-1); // already expired: nobody may use it
		// The refresh takes a while (within UPSTREAM_TIMEOUT_MS), so the others find the lease taken.
		await controlV3({ account_id: OAUTH_ACCOUNT, oauthDelayMs: 150 });
		const rows = await storeOAuth(12);
		const batches = [0, 1, 2, 3, 4, 5].map((i) => rows.slice(i * 2, i * 2 + 2).map((r) => r.id));
		const results = await Promise.all(batches.map((ids) => deliverBatch(env, ids)));
		const steps = results.flatMap((m) => [...m.values()]);
		// Every consumer got the new token (or, at worst, waits for it briefly): nothing failed.
		expect(steps.every((s) => s.action === "ack" || s.reason === "TOKEN_REFRESH_PENDING")).toBe(true);
		expect((await fakeOAuth(OAUTH_ACCOUNT)).refreshes).toBe(1);
		const waiting = rows.filter((_, i) => steps[i]?.action === "later");
		if (waiting.length > 0) {
			await env.LEDGER.prepare("UPDATE conversions SET next_attempt_at = 0 WHERE advertiser_id = ?1")
				.bind(OAUTH_ACCOUNT)
				.run();
			await deliverBatch(
				env,
				waiting.map((r) => r.id),
			);
		}
		const stored = await Promise.all(rows.map((r) => getConversion(env.LEDGER, r.id)));
		expect(stored.every((r) => r?.status === "delivered")).toBe(true);
		expect((await fakeActions(OAUTH_ACCOUNT)).accepted).toHaveLength(12);
	});

	it("11000 from Tencent: one refresh, then each call is sent once more at once", async ({ expect }) => {
		await authorizeOAuthAccount();
		await controlV3({ account_id: OAUTH_ACCOUNT, expireTokens: true });
		const rows = await storeOAuth(6);
		const results = await Promise.all(
			[0, 1, 2].map((i) =>
				deliverBatch(
					{ ...env, MAX_ACTIONS_PER_CALL: "1" },
					rows.slice(i * 2, i * 2 + 2).map((r) => r.id),
				),
			),
		);
		expect(results.flatMap((m) => [...m.values()]).every((s) => s.action === "ack")).toBe(true);
		expect((await fakeOAuth(OAUTH_ACCOUNT)).refreshes).toBe(1);
		for (const r of rows) {
			const view = await getConversionJson(r.id);
			expect(view.status).toBe("delivered");
			expect(view.attempts).toBe(1);
			expect(view.attempt_log[0]?.prior_call_id).toMatch(/^[0-9a-f]{32}$/);
			expect(view.attempt_log[0]?.prior_call_id).not.toBe(view.attempt_log[0]?.call_id);
		}
		const calls = (await fakeActions(OAUTH_ACCOUNT)).calls;
		expect(calls.filter((c) => c.code === 11000)).toHaveLength(6);
		expect(calls.filter((c) => c.code === 0)).toHaveLength(6);
	});

	it("takes over the lease of a refresher that died", async ({ expect }) => {
		await authorizeOAuthAccount();
		await expireSoon(-1);
		await env.LEDGER.prepare(
			"UPDATE oauth_tokens SET refresh_lease_token = 'dead', refresh_lease_until = ?2 WHERE account_id = ?1",
		)
			.bind(OAUTH_ACCOUNT, Date.now() - 1)
			.run();
		const [row] = await storeOAuth(1);
		if (row === undefined) throw new Error("setup");
		expect((await deliverBatch(env, [row.id])).get(row.id)).toMatchObject({ action: "ack" });
		expect((await fakeOAuth(OAUTH_ACCOUNT)).refreshes).toBe(1);
	});

	it("the sweep refreshes a token that is about to expire", async ({ expect }) => {
		await authorizeOAuthAccount();
		await expireSoon(60_000);
		const report = await sweep(env);
		expect(report.tokensChecked).toContain(OAUTH_ACCOUNT);
		expect((await fakeOAuth(OAUTH_ACCOUNT)).refreshes).toBe(1);
	});

	it("an expired refresh token holds the account's conversions back as a configuration error", async ({
		expect,
	}) => {
		await authorizeOAuthAccount();
		await env.LEDGER.prepare(
			"UPDATE oauth_tokens SET access_expires_at = 1, refresh_expires_at = 1 WHERE account_id = ?1",
		)
			.bind(OAUTH_ACCOUNT)
			.run();
		const [row] = await storeOAuth(1);
		if (row === undefined) throw new Error("setup");
		expect((await deliverBatch(env, [row.id])).get(row.id)).toMatchObject({
			action: "later",
			reason: "CONFIG_OAUTH_REFRESH_EXPIRED",
		});
		expect(await getConversion(env.LEDGER, row.id)).toMatchObject({
			status: "pending",
			attempts: 0,
			fail_code: "CONFIG_OAUTH_REFRESH_EXPIRED",
		});
	});

	it("an account never authorized waits, and says how to authorize it", async ({ expect }) => {
		await env.LEDGER.prepare("DELETE FROM oauth_tokens WHERE account_id = ?1").bind(OAUTH_ACCOUNT).run();
		const [row] = await storeOAuth(1);
		if (row === undefined) throw new Error("setup");
		await deliverBatch(env, [row.id]);
		expect(await getConversion(env.LEDGER, row.id)).toMatchObject({
			status: "pending",
			fail_code: "CONFIG_OAUTH_NOT_AUTHORIZED",
			fail_reason: `account ${OAUTH_ACCOUNT} has no OAuth token pair yet: POST /tokens/${OAUTH_ACCOUNT} with an authorization_code`,
		});
	});
});

describe("token values never leak", () => {
	const lines: string[] = [];
	afterEach(() => {
		vi.restoreAllMocks();
		lines.length = 0;
	});

	it("appear in no log line, /stats, /tokens, /healthz or attempt log", async ({ expect }) => {
		for (const level of ["log", "warn", "error", "info", "debug"] as const) {
			vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
				lines.push(args.map(String).join(" "));
			});
		}
		await authorizeOAuthAccount();
		const first = await getTokenRow(env.LEDGER, OAUTH_ACCOUNT);
		await controlV3({
			account_id: OAUTH_ACCOUNT,
			expireTokens: true,
			script: ["code10000", "timeout", "throw"],
		});
		const rows = await storeOAuth(3);
		for (let i = 0; i < 4; i++) {
			await env.LEDGER.prepare("UPDATE conversions SET next_attempt_at = 0 WHERE advertiser_id = ?1")
				.bind(OAUTH_ACCOUNT)
				.run();
			await deliverBatch(
				env,
				rows.map((r) => r.id),
			);
		}
		const second = await getTokenRow(env.LEDGER, OAUTH_ACCOUNT);
		const secrets = [
			first?.access_token,
			first?.refresh_token,
			second?.access_token,
			second?.refresh_token,
			"dn-test-key-50001",
			"test-client-secret-60001",
		].filter((s): s is string => typeof s === "string");
		expect(secrets.length).toBe(6);
		const surfaces = [
			...lines,
			await (await authedGet("/stats")).text(),
			await (await authedGet("/tokens")).text(),
			await (await SELF.fetch("https://relay.test/healthz")).text(),
			...(await Promise.all(rows.map(async (r) => JSON.stringify(await getConversionJson(r.id))))),
		];
		expect(lines.length).toBeGreaterThan(0);
		for (const surface of surfaces) for (const secret of secrets) expect(surface).not.toContain(secret);
	});
});
