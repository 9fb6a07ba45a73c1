/**
 * The settings parser (src/settings.ts): defaults, each malformed variable named in a
 * NOT_CONFIGURED envelope, a secret never echoed, parsed once per isolate.
 * @module
 */
import { createExecutionContext, env } from "cloudflare:test";
import { describe, it } from "vitest";
import { SandboxCode } from "../src/codes.ts";
import { isSandboxError, type SandboxError } from "../src/errors.ts";
import worker from "../src/index.ts";
import {
	DEFAULT_MAX_TARGETS,
	getSettings,
	infoProfile,
	parseSettings,
	type RawSettings,
} from "../src/settings.ts";
import { auth, type Envelope } from "./helpers.ts";

const MINIMAL = { SANDBOX_ACCOUNTS: '{"10001":"token-one"}' };

function refusal(raw: RawSettings): SandboxError {
	try {
		parseSettings(raw);
	} catch (e) {
		if (isSandboxError(e)) return e;
		throw e;
	}
	throw new Error("parsed");
}

describe("parseSettings", () => {
	it("reads the accounts, and defaults the profiles and the strategy limit", ({ expect }) => {
		const s = parseSettings(MINIMAL);
		expect([...s.accounts]).toEqual([["10001", "token-one"]]);
		expect(s.maxTargets).toBe(DEFAULT_MAX_TARGETS);
		expect(infoProfile(s, "10001")).toMatchObject({ companyName: "txad sandbox", rtaName: "sandbox-10001" });
	});

	it("reads the profiles by dspid, then *", ({ expect }) => {
		const s = parseSettings({
			...MINIMAL,
			SANDBOX_INFO: JSON.stringify({
				"10001": { company_name: "one", rta_name: "r1" },
				"*": { company_name: "any" },
			}),
			SANDBOX_MAX_TARGETS: "25",
		});
		expect(infoProfile(s, "10001")).toMatchObject({ companyName: "one", rtaName: "r1" });
		expect(infoProfile(s, "20002")).toMatchObject({ companyName: "any", rtaName: "sandbox-20002" });
		expect(s.maxTargets).toBe(25);
	});

	it.for([
		["SANDBOX_ACCOUNTS", {}, "SANDBOX_ACCOUNTS is not set (wrangler secret put SANDBOX_ACCOUNTS)"],
		["SANDBOX_ACCOUNTS", { SANDBOX_ACCOUNTS: '{"10001":"token-' }, "SANDBOX_ACCOUNTS is not valid JSON"],
		["SANDBOX_ACCOUNTS", { SANDBOX_ACCOUNTS: "[]" }, "SANDBOX_ACCOUNTS must be a JSON object dspid -> token"],
		[
			"SANDBOX_ACCOUNTS",
			{ SANDBOX_ACCOUNTS: '{"10001":""}' },
			'SANDBOX_ACCOUNTS entry "10001" must be a non-empty token',
		],
		["SANDBOX_INFO", { ...MINIMAL, SANDBOX_INFO: "{" }, "SANDBOX_INFO is not valid JSON"],
		[
			"SANDBOX_INFO",
			{ ...MINIMAL, SANDBOX_INFO: '"x"' },
			'SANDBOX_INFO must be a JSON object dspid (or "*") -> InfoGet',
		],
		[
			"SANDBOX_MAX_TARGETS",
			{ ...MINIMAL, SANDBOX_MAX_TARGETS: "0" },
			"SANDBOX_MAX_TARGETS must be an integer from 1 to 1000000",
		],
		[
			"SANDBOX_MAX_TARGETS",
			{ ...MINIMAL, SANDBOX_MAX_TARGETS: "lots" },
			"SANDBOX_MAX_TARGETS must be an integer from 1 to 1000000",
		],
	] as const)("names %s: %j", ([, raw, message], { expect }) => {
		const e = refusal(raw);
		expect(e).toMatchObject({ code: SandboxCode.NOT_CONFIGURED, message });
		expect(e.message).not.toContain("token-");
	});

	it("names the profile that does not fit the InfoGet schema", ({ expect }) => {
		const e = refusal({ ...MINIMAL, SANDBOX_INFO: '{"*":{"qps_limit":"many"}}' });
		expect(e.code).toBe(SandboxCode.NOT_CONFIGURED);
		expect(e.message).toMatch(/^SANDBOX_INFO entry "\*" is not valid: /);
	});

	it("parses once per isolate and again only when a value changes", ({ expect }) => {
		const a = getSettings(env);
		expect(getSettings({ ...env })).toBe(a);
		const b = getSettings({ ...env, SANDBOX_MAX_TARGETS: "7" });
		expect(b).not.toBe(a);
		expect(b.maxTargets).toBe(7);
	});
});

describe("a malformed variable", () => {
	it("answers every call with the NOT_CONFIGURED envelope naming it, after the body checks", async ({
		expect,
	}) => {
		const broken = { ...env, SANDBOX_MAX_TARGETS: "-5" };
		const send = async (body: string) => {
			const request = new Request("https://sandbox.test/rta/sign/get", { method: "POST", body });
			const res = await worker.fetch(request, broken, createExecutionContext());
			return { status: res.status, json: (await res.json()) as Envelope };
		};
		const answered = await send(JSON.stringify({ auth: auth("10001") }));
		expect(answered.status).toBe(200);
		expect(answered.json).toMatchObject({
			code: SandboxCode.NOT_CONFIGURED,
			msg: "SANDBOX_MAX_TARGETS must be an integer from 1 to 1000000",
		});
		// A body that is not JSON is still that error first: the envelope names what the caller sent wrong.
		expect((await send("{")).json.code).toBe(SandboxCode.INVALID_JSON);
	});
});
