/**
 * Delivery to the fake Tencent endpoint: the conversion form API's form
 * (docs/conversion/form-api.md §5; field order, encstr, value), every ret code and transport
 * failure, retries with their attempt log, and the consumer's exactly-once guarantees under
 * repeated and concurrent messages.
 * @module
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from "cloudflare:test";
import { computeConversionEncstr } from "@txad/signing";
import vectors from "@txad/testdata/conversion-encstr.json";
import { describe, it } from "vitest";
import { deliverConversion } from "../src/delivery/consumer.ts";
import { buildGdtFormBody, GDT_FORM_FIELD_ORDER } from "../src/delivery/gdt-form.ts";
import worker from "../src/index.ts";
import { type ConversionRow, getConversion, insertConversion } from "../src/ledger.ts";
import { sweepStalled } from "../src/sweeper.ts";
import {
	clickParams,
	controlFake,
	conversionBody,
	fakeReports,
	freshAppid,
	getConversionJson,
	IMEI_MUID,
	postConversion,
	sendClick,
	TOKEN,
	unique,
	waitForTerminal,
} from "./helpers.ts";

async function create(overrides: Record<string, unknown> = {}): Promise<{ id: string; appid: string }> {
	const body = conversionBody(overrides);
	const res = await postConversion(body);
	if (res.status !== 202) throw new Error(`POST /conversions: ${res.status} ${await res.text()}`);
	return { id: (await res.json<{ id: string }>()).id, appid: String(body.appid) };
}

function storedRow(overrides: Partial<ConversionRow>): ConversionRow {
	return {
		id: crypto.randomUUID(),
		event_id: unique("evt"),
		fingerprint: "f",
		appid: freshAppid(),
		advertiser_id: "20345",
		app_type: "ANDROID",
		conv_type: "MOBILEAPP_ACTIVITE",
		conv_time: 1_700_000_100,
		client_ip: "",
		value: null,
		muid: IMEI_MUID,
		device_kind: "muid",
		click_id: null,
		click_time: null,
		upstream: "gdt-form-v1",
		status: "pending",
		attempts: 0,
		budget_base: 0,
		lease_token: null,
		lease_until: null,
		next_attempt_at: null,
		enqueued_at: null,
		fail_code: null,
		fail_reason: null,
		tencent_ret: null,
		created_at: 0,
		updated_at: 0,
		delivered_at: null,
		...overrides,
	};
}

/** Stores a pending conversion without enqueueing it, so only the test's batches touch it. */
async function storeUnqueued(overrides: Partial<ConversionRow> = {}): Promise<ConversionRow> {
	const row = storedRow(overrides);
	await insertConversion(env, row, Date.now());
	return row;
}

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

describe("delivery through the queue", () => {
	it("delivers what the fake verifies: path, order, encstr, click_id, value", async ({ expect }) => {
		const appid = freshAppid();
		const clickId = unique("clk");
		await sendClick(clickParams({ appid, click_id: clickId, click_time: "1700000000" }));
		const { id } = await create({
			appid,
			conv_type: "MOBILEAPP_COST",
			value: 990,
			client_ip: "2001:db8::1",
		});
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "delivered", attempts: 1, click_id: clickId });
		const reports = await fakeReports(appid);
		expect(reports.rejected).toEqual([]);
		expect(reports.accepted).toHaveLength(1);
		const sent = reports.accepted[0];
		const sign_key = "08ebe39d34c421b8";
		expect(sent).toEqual({
			click_id: clickId,
			appid,
			muid: IMEI_MUID,
			conv_time: "1700000100",
			client_ip: "2001:db8::1",
			encstr: computeConversionEncstr({
				app_type: "ANDROID",
				click_id: clickId,
				client_ip: "2001:db8::1",
				conv_time: 1_700_000_100,
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
		const { id, appid } = await create({ advertiser_id: "30001" });
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
			const { id } = await create({ appid });
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
		const { id } = await create({ appid });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "failed", fail_code: `HTTP_${fault.slice(4)}`, attempts: 1 });
	});

	const transient: [string, string][] = [
		["ret-12", "TENCENT_RET_-12"],
		["http500", "HTTP_500"],
		["http503", "HTTP_503"],
		["http429", "HTTP_429"],
		["throw", "NETWORK_ERROR"],
		["timeout", "TIMEOUT"],
		["garbage", "UNREADABLE_RESPONSE"],
	];
	it.for(transient)("retries %s with backoff, then delivers", async ([fault, code], { expect }) => {
		const appid = freshAppid();
		await controlFake({ appid, script: [fault, fault] });
		const { id } = await create({ appid });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "delivered", attempts: 3, fail_code: null });
		expect(final?.attempt_log.map((a) => [a.outcome, a.code])).toEqual([
			["retry", code],
			["retry", code],
			["delivered", null],
		]);
		const reports = await fakeReports(appid);
		expect(reports.accepted).toHaveLength(1);
	});

	it("fails with RETRIES_EXHAUSTED after MAX_DELIVERY_ATTEMPTS", async ({ expect }) => {
		const appid = freshAppid();
		await controlFake({ appid, script: Array(10).fill("http500") });
		const { id } = await create({ appid });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "failed", fail_code: "RETRIES_EXHAUSTED", attempts: 6 });
		expect(final?.fail_reason).toBe("6 attempts; last: HTTP_500 upstream exploded");
		expect(final?.attempt_log).toHaveLength(6);
		expect((await fakeReports(appid)).accepted).toHaveLength(0);
	});

	it("fails with SIGN_KEY_MISSING, sending nothing, when SIGN_KEYS lacks the advertiser", async ({
		expect,
	}) => {
		const { id, appid } = await create({ advertiser_id: "99999" });
		const [final] = await waitForTerminal([id]);
		expect(final).toMatchObject({ status: "failed", fail_code: "SIGN_KEY_MISSING", attempts: 1 });
		expect(final?.fail_reason).toBe("SIGN_KEYS has no sign_key for advertiser 99999");
		expect((await fakeReports(appid)).requests).toBe(0);
	});

	it("redelivers a failed conversion on request, keeping its history", async ({ expect }) => {
		const appid = freshAppid();
		await controlFake({ appid, script: ["ret-17"] });
		const { id } = await create({ appid });
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

function postRedeliver(id: string) {
	return SELF.fetch(`https://relay.test/conversions/${id}/redeliver`, {
		method: "POST",
		headers: { authorization: `Bearer ${TOKEN}` },
	});
}

describe("consumer exactly-once", () => {
	it("sends once when the same message arrives twice in one batch and again later", async ({ expect }) => {
		const row = await storeUnqueued();
		const first = await runBatch("txad-conversions", [{ id: row.id }, { id: row.id }, { id: row.id }]);
		// One message wins the lease and acks; the others find it leased and come back later.
		expect(first.explicitAcks.length + first.retryMessages.length).toBe(3);
		expect(first.explicitAcks.length).toBeGreaterThanOrEqual(1);
		const again = await runBatch("txad-conversions", [{ id: row.id }]);
		expect(again.explicitAcks).toEqual(["msg-0"]);
		expect((await fakeReports(row.appid)).accepted).toHaveLength(1);
		const stored = await getConversion(env, row.id);
		expect(stored).toMatchObject({ status: "delivered", attempts: 1 });
	});

	it("acks malformed messages and unknown ids", async ({ expect }) => {
		const result = await runBatch("txad-conversions", [{ nope: 1 }, "text", { id: "unknown" }]);
		expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);
	});

	it("takes over an abandoned lease and marks the cut-short attempt abandoned", async ({ expect }) => {
		const row = await storeUnqueued();
		// A consumer claimed it and died mid-request.
		await env.LEDGER.batch([
			env.LEDGER.prepare(
				"UPDATE conversions SET status = 'sending', attempts = 1, lease_token = 'dead', lease_until = ?2 WHERE id = ?1",
			).bind(row.id, Date.now() - 1000),
			env.LEDGER.prepare(
				"INSERT INTO delivery_attempts (conversion_id, attempt, upstream, started_at, outcome) VALUES (?1, 1, 'gdt-form-v1', 0, 'in_flight')",
			).bind(row.id),
		]);
		const result = await runBatch("txad-conversions", [{ id: row.id }]);
		expect(result.explicitAcks).toEqual(["msg-0"]);
		const view = await getConversionJson(row.id);
		expect(view).toMatchObject({ status: "delivered", attempts: 2 });
		expect(view.attempt_log.map((a) => a.outcome)).toEqual(["abandoned", "delivered"]);
	});

	it("leaves a live lease alone and retries after it", async ({ expect }) => {
		const row = await storeUnqueued();
		await env.LEDGER.prepare(
			"UPDATE conversions SET status = 'sending', attempts = 1, lease_token = 'live', lease_until = ?2 WHERE id = ?1",
		)
			.bind(row.id, Date.now() + 20_000)
			.run();
		const result = await runBatch("txad-conversions", [{ id: row.id }]);
		expect(result.explicitAcks).toEqual([]);
		expect(result.retryMessages).toHaveLength(1);
		// getQueueResult does not report delays; the step itself does.
		const step = await deliverConversion(env, row.id);
		expect(step).toMatchObject({ action: "retry", reason: "leased elsewhere" });
		expect(step.action === "retry" && step.delaySeconds).toBeGreaterThanOrEqual(20);
		expect((await fakeReports(row.appid)).requests).toBe(0);
	});

	it("marks dead-lettered conversions failed, leaving terminal ones alone", async ({ expect }) => {
		const idle = await storeUnqueued();
		const done = await storeUnqueued();
		await runBatch("txad-conversions", [{ id: done.id }]);
		const result = await runBatch("txad-conversions-dlq", [{ id: idle.id }, { id: done.id }]);
		expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
		expect(await getConversion(env, idle.id)).toMatchObject({ status: "failed", fail_code: "DEAD_LETTERED" });
		expect(await getConversion(env, done.id)).toMatchObject({ status: "delivered" });
	});
});

describe("sweeper", () => {
	it("re-enqueues a pending conversion whose message never made it", async ({ expect }) => {
		const row = await storeUnqueued();
		await env.LEDGER.prepare("UPDATE conversions SET created_at = 0, next_attempt_at = 0 WHERE id = ?1")
			.bind(row.id)
			.run();
		const swept = await sweepStalled(env);
		expect(swept).toContain(row.id);
		const [final] = await waitForTerminal([row.id]);
		expect(final?.status).toBe("delivered");
		expect((await fakeReports(row.appid)).accepted).toHaveLength(1);
	});
});
