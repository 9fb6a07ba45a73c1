/**
 * What the shared worker-kit reader and logger mean for the gateway: bodies are counted in bytes
 * and must be UTF-8, and log lines are JSON with a level, never carrying a configured secret.
 * @module
 */
import { SELF } from "cloudflare:test";
import { log, REDACTED } from "@txad/worker-kit";
import { afterEach, describe, it, vi } from "vitest";
import { bearer, demoGatewayEnv } from "../demo/config.ts";
import { MAX_NOTICE_BODY_BYTES } from "../src/handlers/notice.ts";
import { parseSettings } from "../src/settings.ts";
import { ANDROID_NETWORK, androidDevice, BASE, DEMO_KEYS, DEMO_PLACEMENTS, post } from "./helpers.ts";

interface ErrorBody {
	error: { code: string; message: string };
}

function postNotice(body: BodyInit): Promise<Response> {
	return SELF.fetch(`${BASE}/v1/notice/win`, {
		method: "POST",
		headers: { authorization: bearer(DEMO_KEYS.android), "content-type": "application/json" },
		body,
	});
}

describe("request bodies", () => {
	it("counts bytes: a notice of fewer characters than the limit but more bytes is 413", async ({
		expect,
	}) => {
		const cjk = "字".repeat(Math.ceil(MAX_NOTICE_BODY_BYTES / 3) + 1); // under the limit in characters
		expect(cjk.length).toBeLessThan(MAX_NOTICE_BODY_BYTES);
		const res = await postNotice(JSON.stringify({ notice_token: cjk }));
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({
			error: { code: "BODY_TOO_LARGE", message: `body exceeds ${MAX_NOTICE_BODY_BYTES} bytes` },
		});
	});

	it("refuses a body that is not UTF-8 as INVALID_JSON, saying so", async ({ expect }) => {
		const res = await postNotice(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]));
		expect(res.status).toBe(400);
		expect(((await res.json()) as ErrorBody).error).toMatchObject({
			code: "INVALID_JSON",
			message: "body is not UTF-8",
		});
	});
});

describe("log lines", () => {
	afterEach(() => vi.restoreAllMocks());

	it("are JSON with level and event, and no configured secret appears in them", async ({ expect }) => {
		const lines: string[] = [];
		for (const method of ["log", "warn", "error", "debug"] as const) {
			vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				lines.push(args.map(String).join(" "));
			});
		}
		// An upstream failure is logged as upstream_error (warn).
		const res = await post("/v1/ads", {
			placement: { id: DEMO_PLACEMENTS.http503 },
			device: androidDevice(),
			network: ANDROID_NETWORK,
		});
		expect(res.status).toBe(502);
		await res.arrayBuffer();
		const events = lines.map((line) => JSON.parse(line) as { level: string; event: string });
		expect(events).toContainEqual(expect.objectContaining({ level: "warn", event: "upstream_error" }));
		for (const e of events) expect(["debug", "info", "warn", "error"]).toContain(e.level);
		for (const line of lines) {
			expect(line).not.toContain(DEMO_KEYS.android.secret);
			expect(line).not.toContain("LUqGS3BaEbe1O");
		}
	});

	it("cannot carry a configured secret: the settings register app keys, sign secrets and the notice key", ({
		expect,
	}) => {
		const settings = parseSettings(demoGatewayEnv("https://mi.gdt.qq.com/api/v3"));
		const lines: string[] = [];
		vi.spyOn(console, "warn").mockImplementation((line: unknown) => {
			lines.push(String(line));
		});
		const secrets = [DEMO_KEYS.android.secret, "LUqGS3BaEbe1O", settings.noticeSigningKey];
		log("warn", "probe", { detail: `failed with ${secrets.join(" / ")}` });
		expect(JSON.parse(lines[0] ?? "")).toEqual({
			level: "warn",
			event: "probe",
			detail: `failed with ${REDACTED} / ${REDACTED} / ${REDACTED}`,
		});
	});
});
