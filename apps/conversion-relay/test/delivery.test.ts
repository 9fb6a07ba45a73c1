/**
 * Delivery in the form API format (`gdt-form-v1`) to the fake Tencent endpoint
 * (docs/conversion/form-api.md §5; field order, encstr, value), every ret code and transport
 * failure, retries with their attempt log, a stalled answer body, configuration errors that hold
 * conversions back, and the consumer's exactly-once guarantees under repeated and concurrent
 * messages.
 * @module
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from "cloudflare:test";
import { computeConversionEncstr } from "@txad/signing";
import vectors from "@txad/testdata/conversion-encstr.json";
import { describe, it } from "vitest";
import { deliverBatch } from "../src/delivery/consumer.ts";
import { buildGdtFormBody, GDT_FORM_FIELD_ORDER } from "../src/delivery/gdt-form.ts";
import worker from "../src/index.ts";
import { type ConversionRow, getConversion } from "../src/ledger.ts";
import { sweep } from "../src/sweeper.ts";
import {
	controlFake,
	createAttributed,
	fakeReports,
	freshAppid,
	getConversionJson,
	IMEI_MUID,
	leaveAsKilled,
	nowSeconds,
	storedRow,
	storeUnqueued,
	TOKEN,
	unique,
	waitForTerminal,
} from "./helpers.ts";

async function runBatch(queue: string, ids: unknown[]) {
	const batch = createMessageBatch(
		queue,
		ids.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })),
	);
	const ctx = createExecutionContext();
	await worker.queue(batch, env, ctx);
	return getQueueResult(batch, ctx);
}

describe("conversion form API body", () => {
	it("orders fields as §5.5 and signs with @txad/signing's encstr (shared vectors)", ({ expect }) => {
		for (const v of vectors.cases) {
			const row = storedRow({
				app_type: v.app_type as ConversionRow["app_type"],
				click_id: v.click_id === "" ? null : v.click_id,
				client_ip: v.client_ip,
				conv_time: Number(v.conv_time),
				muid: v.muid,
				appid: "112233",
				advertiser_id: "20345",
			});
			const body = buildGdtFormBody(row, v.sign_key);
			expect([...new URLSearchParams(body).keys()]).toEqual(
				GDT_FORM_FIELD_ORDER.filter((f) => f !== "value"),
			);
			expect(new URLSearchParams(body).get("encstr")).toBe(v.encstr);
			expect(body).toBe(
				`click_id=${v.click_id}&appid=112233&muid=${v.muid}&conv_time=${v.conv_time}&client_ip=${v.client_ip}` +
					`&encstr=${v.encstr}&encver=1.0&advertiser_id=20345&app_type=${v.app_type}&conv_type=MOBILEAPP_ACTIVITE`,
			);
		}
	});

	it("appends value last, only when given (§6.3)", ({ expect }) => {
		const body = buildGdtFormBody(storedRow({ value: 100, conv_type: "MOBILEAPP_COST" }), "k");
		expect(body.endsWith("&conv_type=MOBILEAPP_COST&value=100")).toBe(true);
		expect(buildGdtFormBody(storedRow({ value: 0 }), "k").endsWith("&value=0")).toBe(true);
	});
});

describe("form API delivery through the queue", () => {
	it("delivers what the fake verifies: path, order, encstr, click_id, value", async ({ expect }) => {
		const { id, appid, clickId, body } = await createAttributed({
			conv_type: "MOBILEAPP_COST",
			value: 990,
			client_ip: "2001:db8::1",
		});
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({
			status: "delivered",
			attempts: 1,
			click_id: clickId,
			upstream: "gdt-form-v1",
		});
		const reports = await fakeReports(appid);
		expect(reports.rejected).toEqual([]);
		expect(reports.accepted).toHaveLength(1);
		const sign_key = "08ebe39d34c421b8";
		expect(reports.accepted[0]).toEqual({
			click_id: clickId,
			appid,
			muid: IMEI_MUID,
			conv_time: String(body.conv_time),
			client_ip: "2001:db8::1",
			encstr: computeConversionEncstr({
				app_type: "ANDROID",
				click_id: clickId,
				client_ip: "2001:db8::1",
				conv_time: Number(body.conv_time),
				muid: IMEI_MUID,
				sign_key,
			}),
			encver: "1.0",
			advertiser_id: "20345",
			app_type: "ANDROID",
			conv_type: "MOBILEAPP_COST",
			value: "990",
		});
	});

	it("signs with the advertiser's own key", async ({ expect }) => {
		const { id, appid } = await createAttributed({ advertiser_id: "30001" });
		expect((await waitForTerminal([id]))[0]?.status).toBe("delivered");
		expect((await fakeReports(appid)).accepted[0]?.advertiser_id).toBe("30001");
	});

	const permanent: [number, string][] = [
		[-3, "decryption or signature check failed"],
		[-4, "wrong path in the URL"],
		[-5, "wrong path in the URL"],
		[-13, "invalid app_type"],
		[-14, "conv_time missing or not in seconds"],
		[-15, "invalid muid"],
		[-17, "no matching conversion rule"],
		[-99, "a ret code docs/conversion/form-api.md §6.4 does not list"],
	];
	it.for(permanent)(
		"fails on ret %i with the documented meaning, without retrying",
		async ([ret, meaning], { expect }) => {
			const appid = freshAppid();
			await controlFake({ appid, script: [`ret${ret}`] });
			const { id } = await createAttributed({ appid });
			const [final] = await waitForTerminal([id]);
			expect(final).toMatchObject({
				status: "failed",
				fail_code: `TENCENT_RET_${ret}`,
				tencent_ret: ret,
				attempts: 1,
			});
			expect(final?.fail_reason).toContain(meaning);
			expect(final?.attempt_log).toMatchObject([{ attempt: 1, outcome: "failed", tencent_ret: ret }]);
			expect((await fakeReports(appid)).requests).toBe(1);
		},
	);

	it.for([["http404"], ["http400"]] as const)("fails on %s without retrying", async ([fault], { expect }) => {
		const appid = freshAppid();
		await controlFake({ appid, script: [fault] });
		const { id } = await createAttributed({ appid });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "failed", fail_code: `HTTP_${fault.slice(4)}`, attempts: 1 });
	});

	const transient: [string, string, string][] = [
		["ret-12", "TENCENT_RET_-12", "retry"],
		["http500", "HTTP_500", "retry"],
		["http503", "HTTP_503", "retry"],
		["http429", "HTTP_429", "retry"],
		["throw", "NETWORK_ERROR", "retry"],
		["timeout", "TIMEOUT", "unknown"],
		["garbage", "UNREADABLE_RESPONSE", "retry"],
	];
	it.for(transient)("retries %s with backoff, then delivers", async ([fault, code, outcome], { expect }) => {
		const appid = freshAppid();
		await controlFake({ appid, script: [fault, fault] });
		const { id } = await createAttributed({ appid });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "delivered", attempts: 3, fail_code: null });
		expect(final?.attempt_log.map((a) => [a.outcome, a.code])).toEqual([
			[outcome, code],
			[outcome, code],
			["delivered", null],
		]);
		expect((await fakeReports(appid)).accepted).toHaveLength(1);
	});

	it("bounds the whole exchange: a stalled answer body is a timeout with an unknown outcome", async ({
		expect,
	}) => {
		const appid = freshAppid();
		await controlFake({ appid, script: ["stall-body"] });
		const { id } = await createAttributed({ appid });
		const started = Date.now();
		const [final] = await waitForTerminal([id]);
		expect(Date.now() - started).toBeLessThan(1900);
		expect(final?.attempt_log.map((a) => [a.outcome, a.code])).toEqual([
			["unknown", "TIMEOUT"],
			["delivered", null],
		]);
		expect(final?.attempt_log[0]?.detail).toBe("the answer's body did not arrive within 300 ms");
		// docs/conversion/form-api.md gives a report no id of its own: the fake counts both.
		expect((await fakeReports(appid)).accepted).toHaveLength(2);
	});

	it("with FORM_RESEND_UNCERTAIN=false, fails an unknown outcome instead of sending it again", async ({
		expect,
	}) => {
		const row = await storeUnqueued();
		await controlFake({ appid: row.appid, script: ["stall-body"] });
		const steps = await deliverBatch({ ...env, FORM_RESEND_UNCERTAIN: "false" }, [row.id]);
		expect(steps.get(row.id)).toMatchObject({ action: "ack", reason: "outcome unknown" });
		const view = await getConversionJson(row.id);
		expect(view).toMatchObject({ status: "failed", fail_code: "OUTCOME_UNKNOWN" });
		expect(view.attempt_log.map((a) => a.outcome)).toEqual(["unknown"]);
		expect((await fakeReports(row.appid)).accepted).toHaveLength(1);
	});

	it("fails with RETRIES_EXHAUSTED after MAX_DELIVERY_ATTEMPTS", async ({ expect }) => {
		const appid = freshAppid();
		await controlFake({ appid, script: Array(10).fill("http500") });
		const { id } = await createAttributed({ appid });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "failed", fail_code: "RETRIES_EXHAUSTED", attempts: 6 });
		expect(final?.fail_reason).toBe("6 attempts; last: HTTP_500 upstream exploded");
		expect(final?.attempt_log).toHaveLength(6);
		expect((await fakeReports(appid)).accepted).toHaveLength(0);
	});

	it("redelivers a failed conversion on request, keeping its history", async ({ expect }) => {
		const appid = freshAppid();
		await controlFake({ appid, script: ["ret-17"] });
		const { id } = await createAttributed({ appid });
		expect((await waitForTerminal([id]))[0]?.status).toBe("failed");
		const res = await postRedeliver(id);
		expect(res.status).toBe(202);
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "delivered", attempts: 2 });
		expect(final?.attempt_log.map((a) => a.outcome)).toEqual(["failed", "delivered"]);
		const again = await postRedeliver(id);
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: { code: "INVALID_STATE", status: "delivered" } });
		expect((await postRedeliver("nope")).status).toBe(404);
	});
});

describe("configuration errors hold conversions back", () => {
	it("a missing sign_key: nothing is sent, the conversion waits with the reason", async ({ expect }) => {
		const row = await storeUnqueued({ advertiser_id: "99999" });
		const steps = await deliverBatch(env, [row.id]);
		expect(steps.get(row.id)).toMatchObject({ action: "later", reason: "CONFIG_SIGN_KEY_MISSING" });
		const view = await getConversionJson(row.id);
		expect(view).toMatchObject({
			status: "pending",
			attempts: 0,
			fail_code: "CONFIG_SIGN_KEY_MISSING",
			fail_reason: "SIGN_KEYS has no sign_key for advertiser 99999",
		});
		expect((await fakeReports(row.appid)).requests).toBe(0);
	});

	it("malformed SIGN_KEYS: every conversion waits, none fails, and they go out once it is fixed", async ({
		expect,
	}) => {
		const row = await storeUnqueued();
		const broken = { ...env, SIGN_KEYS: "{not json" };
		for (let i = 0; i < 3; i++) {
			const steps = await deliverBatch(broken, [row.id]);
			expect(steps.get(row.id)).toMatchObject({ action: "later", reason: "configuration error" });
		}
		expect(await getConversion(env.LEDGER, row.id)).toMatchObject({
			status: "pending",
			attempts: 0,
			fail_code: "CONFIG_ERROR",
			fail_reason: "SIGN_KEYS is not valid JSON",
		});
		// Fixed (the real env): it is due, and the next step delivers it.
		await env.LEDGER.prepare("UPDATE conversions SET next_attempt_at = 0 WHERE id = ?1").bind(row.id).run();
		const steps = await deliverBatch(env, [row.id]);
		expect(steps.get(row.id)).toMatchObject({ action: "ack", reason: "delivered" });
	});

	it("a configuration error never reaches the dead-letter queue: waiting is a new message", async ({
		expect,
	}) => {
		const row = await storeUnqueued();
		const batch = createMessageBatch("txad-conversions", [
			{ id: "msg-0", timestamp: new Date(), attempts: 19, body: { id: row.id } },
		]);
		const ctx = createExecutionContext();
		await worker.queue(batch, { ...env, SIGN_KEYS: "[]" }, ctx);
		const result = await getQueueResult(batch, ctx);
		expect(result.explicitAcks).toEqual(["msg-0"]);
		expect(result.retryMessages).toEqual([]);
	});
});

function postRedeliver(id: string) {
	return SELF.fetch(`https://relay.test/conversions/${id}/redeliver`, {
		method: "POST",
		headers: { authorization: `Bearer ${TOKEN}` },
	});
}

describe("consumer exactly-once", () => {
	it("sends once when the same message arrives three times in one batch and again later", async ({
		expect,
	}) => {
		const row = await storeUnqueued();
		const first = await runBatch("txad-conversions", [{ id: row.id }, { id: row.id }, { id: row.id }]);
		expect(first.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);
		const again = await runBatch("txad-conversions", [{ id: row.id }]);
		expect(again.explicitAcks).toEqual(["msg-0"]);
		expect((await fakeReports(row.appid)).accepted).toHaveLength(1);
		expect(await getConversion(env.LEDGER, row.id)).toMatchObject({ status: "delivered", attempts: 1 });
	});

	it("acks malformed messages and unknown ids", async ({ expect }) => {
		const result = await runBatch("txad-conversions", [{ nope: 1 }, "text", { id: "unknown" }]);
		expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);
	});

	it("takes over an abandoned lease and marks the cut-short attempt abandoned", async ({ expect }) => {
		const row = await storeUnqueued();
		await leaveAsKilled(row.id);
		const result = await runBatch("txad-conversions", [{ id: row.id }]);
		expect(result.explicitAcks).toEqual(["msg-0"]);
		const view = await getConversionJson(row.id);
		expect(view).toMatchObject({ status: "delivered", attempts: 2 });
		expect(view.attempt_log.map((a) => a.outcome)).toEqual(["abandoned", "delivered"]);
	});

	it("with FORM_RESEND_UNCERTAIN=false, fails an abandoned form report instead of sending it again", async ({
		expect,
	}) => {
		const row = await storeUnqueued();
		await leaveAsKilled(row.id);
		await deliverBatch({ ...env, FORM_RESEND_UNCERTAIN: "false" }, [row.id]);
		expect(await getConversion(env.LEDGER, row.id)).toMatchObject({
			status: "failed",
			fail_code: "OUTCOME_UNKNOWN",
		});
		expect((await fakeReports(row.appid)).requests).toBe(0);
	});

	it("leaves a live lease alone and comes back after it", async ({ expect }) => {
		const row = await storeUnqueued();
		await env.LEDGER.prepare(
			"UPDATE conversions SET status = 'sending', attempts = 1, lease_token = 'live', lease_until = ?2 WHERE id = ?1",
		)
			.bind(row.id, Date.now() + 20_000)
			.run();
		const result = await runBatch("txad-conversions", [{ id: row.id }]);
		// Acked: a new message, delayed past the lease, carries it.
		expect(result.explicitAcks).toEqual(["msg-0"]);
		const steps = await deliverBatch(env, [row.id]);
		const step = steps.get(row.id);
		expect(step).toMatchObject({ action: "later", reason: "leased elsewhere" });
		expect(step?.action === "later" && step.delaySeconds).toBeGreaterThanOrEqual(20);
		expect((await fakeReports(row.appid)).requests).toBe(0);
	});

	it("marks dead-lettered conversions failed, leaving terminal ones alone", async ({ expect }) => {
		const idle = await storeUnqueued();
		const done = await storeUnqueued();
		await runBatch("txad-conversions", [{ id: done.id }]);
		const result = await runBatch("txad-conversions-dlq", [{ id: idle.id }, { id: done.id }]);
		expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
		expect(await getConversion(env.LEDGER, idle.id)).toMatchObject({
			status: "failed",
			fail_code: "DEAD_LETTERED",
		});
		expect(await getConversion(env.LEDGER, done.id)).toMatchObject({ status: "delivered" });
	});
});

describe("sweep", () => {
	it("re-enqueues a pending conversion whose message never made it", async ({ expect }) => {
		const row = await storeUnqueued();
		await env.LEDGER.prepare("UPDATE conversions SET created_at = 0, next_attempt_at = 0 WHERE id = ?1")
			.bind(row.id)
			.run();
		const report = await sweep(env);
		expect(report.requeued).toContain(row.id);
		const [final] = await waitForTerminal([row.id]);
		expect(final?.status).toBe("delivered");
		expect((await fakeReports(row.appid)).accepted).toHaveLength(1);
	});

	it("catches up within the configured grace after a kill", async ({ expect }) => {
		// Pending for 11 s with no message (lost with a killed local queue): past the 10 s default.
		const row = await storeUnqueued();
		const now = Date.now();
		await env.LEDGER.prepare("UPDATE conversions SET next_attempt_at = ?2 WHERE id = ?1")
			.bind(row.id, now - 11_000)
			.run();
		expect((await sweep({ ...env, SWEEP_GRACE_SECONDS: "60" }, now)).requeued).not.toContain(row.id);
		expect((await sweep(env, now)).requeued).toContain(row.id);
		await waitForTerminal([row.id]);
	});

	it("purges clicks too old to be attributed to anything", async ({ expect }) => {
		const old = unique("old-clk");
		await env.LEDGER.prepare(
			"INSERT INTO clicks (click_id, muid, click_time, appid, advertiser_id, app_type, non_device, received_at) VALUES (?1, ?2, ?3, '1', '1', 'android', 0, 0)",
		)
			.bind(old, IMEI_MUID, nowSeconds() - 15 * 86_400)
			.run();
		const recent = unique("recent-clk");
		await env.LEDGER.prepare(
			"INSERT INTO clicks (click_id, muid, click_time, appid, advertiser_id, app_type, non_device, received_at) VALUES (?1, ?2, ?3, '1', '1', 'android', 0, 0)",
		)
			.bind(recent, IMEI_MUID, nowSeconds() - 13 * 86_400)
			.run();
		const report = await sweep(env);
		expect(report.clicksPurged).toBeGreaterThanOrEqual(1);
		const left = await env.LEDGER.prepare("SELECT click_id FROM clicks WHERE click_id IN (?1, ?2)")
			.bind(old, recent)
			.all();
		expect(left.results).toEqual([{ click_id: recent }]);
	});
});
