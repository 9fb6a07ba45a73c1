/**
 * Migration 0002 on a ledger written by 0001: every row survives with its values, the new columns
 * are derived (action_type, user_id, callback_url), the foreign key follows the rebuilt table, and
 * the new states are allowed.
 * @module
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { it } from "vitest";

it("upgrades a 0001 ledger without losing or changing a row", async ({ expect }) => {
	const db = env.MIGRATION_DB;
	const [first] = env.TEST_MIGRATIONS;
	if (first === undefined) throw new Error("no migrations");
	await applyD1Migrations(db, [first]);
	await db.batch([
		db.prepare(
			`INSERT INTO clicks (click_id, muid, click_time, appid, advertiser_id, app_type, non_device, callback, caller_ip, received_at)
			 VALUES ('clk-1', 'b496ec1169770ea274a2b4f42ca4fb71', 1700000000, '112233', '20345', 'android', 0,
			   'https://api.e.qq.com/v3.0/user_actions/add?cb=x&conv_id=1', '14.17.3.31', 1)`,
		),
		...[
			["c-imei", "imei", "ANDROID", "MOBILEAPP_ACTIVITE", "delivered", "clk-1"],
			["c-idfa", "idfa", "IOS", "MOBILEAPP_COST", "failed", null],
			["c-oaid", "oaid", "ANDROID", "MOBILEAPP_REGISTER", "pending", null],
			["c-muid-ios", "muid", "IOS", "MOBILEAPP_ADDTOCART", "sending", null],
			["c-muid-android", "muid", "UNIONANDROID", "MOBILEAPP_RETENTION", "pending", null],
		].map(([id, kind, appType, convType, status, click]) =>
			db
				.prepare(
					`INSERT INTO conversions (id, event_id, fingerprint, appid, advertiser_id, app_type, conv_type, conv_time,
					   client_ip, value, muid, device_kind, click_id, click_time, upstream, status, attempts, budget_base,
					   lease_token, lease_until, next_attempt_at, enqueued_at, fail_code, fail_reason, tencent_ret,
					   created_at, updated_at, delivered_at)
					 VALUES (?1, ?1, 'fp', '112233', '20345', ?2, ?3, 1700000100, '10.1.1.1', 99,
					   'b496ec1169770ea274a2b4f42ca4fb71', ?4, ?5, NULL, 'gdt-form-v1', ?6, 2, 0, 'tok', 5, 6, 7,
					   'F', 'reason', -12, 10, 20, 30)`,
				)
				.bind(id, appType, convType, kind, click, status),
		),
		db.prepare(
			`INSERT INTO delivery_attempts (conversion_id, attempt, upstream, started_at, duration_ms, outcome, http_status,
			   tencent_ret, tencent_msg, code, detail)
			 VALUES ('c-imei', 1, 'gdt-form-v1', 100, 12, 'retry', 200, -12, 'busy', 'TENCENT_RET_-12', 'd'),
			        ('c-imei', 2, 'gdt-form-v1', 200, 13, 'delivered', 200, 0, '', NULL, NULL)`,
		),
	]);
	const before = await db.prepare("SELECT * FROM conversions ORDER BY id").all<Record<string, unknown>>();
	const attemptsBefore = await db
		.prepare("SELECT * FROM delivery_attempts ORDER BY attempt")
		.all<Record<string, unknown>>();

	await applyD1Migrations(db, env.TEST_MIGRATIONS);

	const after = await db.prepare("SELECT * FROM conversions ORDER BY id").all<Record<string, unknown>>();
	expect(after.results).toHaveLength(before.results.length);
	for (const [i, old] of before.results.entries()) expect(after.results[i]).toMatchObject(old);
	const byId = new Map(after.results.map((r) => [r.id, r]));
	expect(byId.get("c-imei")).toMatchObject({
		action_type: "ACTIVATE_APP",
		user_id: '{"hash_imei":"b496ec1169770ea274a2b4f42ca4fb71"}',
		callback_url: "https://api.e.qq.com/v3.0/user_actions/add?cb=x&conv_id=1",
		uncounted_attempts: 0,
	});
	expect(byId.get("c-idfa")).toMatchObject({
		action_type: "PURCHASE",
		user_id: '{"hash_idfa":"b496ec1169770ea274a2b4f42ca4fb71"}',
	});
	expect(byId.get("c-oaid")).toMatchObject({
		action_type: "REGISTER",
		user_id: '{"hash_oaid":"b496ec1169770ea274a2b4f42ca4fb71"}',
	});
	expect(byId.get("c-muid-ios")).toMatchObject({
		action_type: "ADD_TO_CART",
		user_id: '{"hash_idfa":"b496ec1169770ea274a2b4f42ca4fb71"}',
	});
	expect(byId.get("c-muid-android")).toMatchObject({
		action_type: null,
		user_id: '{"hash_imei":"b496ec1169770ea274a2b4f42ca4fb71"}',
	});

	const attemptsAfter = await db
		.prepare("SELECT * FROM delivery_attempts ORDER BY attempt")
		.all<Record<string, unknown>>();
	expect(attemptsAfter.results).toHaveLength(2);
	for (const [i, old] of attemptsBefore.results.entries()) {
		expect(attemptsAfter.results[i]).toMatchObject({ ...old, call_id: null, trace_id: null });
	}

	// The foreign key now points at the rebuilt conversions table.
	const schema = await db
		.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'delivery_attempts'")
		.first<string>("sql");
	expect(schema).toContain('REFERENCES "conversions"');
	// The new states and outcomes are allowed; unknown ones are still refused.
	await db.prepare("UPDATE conversions SET status = 'waiting_click' WHERE id = 'c-oaid'").run();
	await db.prepare("UPDATE delivery_attempts SET outcome = 'unknown' WHERE attempt = 1").run();
	await expect(
		db.prepare("UPDATE conversions SET status = 'lost' WHERE id = 'c-oaid'").run(),
	).rejects.toThrow();
	const tables = await db
		.prepare(
			"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('oauth_tokens', 'rate_limits') ORDER BY name",
		)
		.all<{ name: string }>();
	expect(tables.results.map((t) => t.name)).toEqual(["oauth_tokens", "rate_limits"]);
});
