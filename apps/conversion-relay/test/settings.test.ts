/**
 * The settings parser (src/settings.ts): defaults, every malformed variable named in `field`,
 * parsed once per isolate, GET /healthz, and the error guard both ways.
 * @module
 */
import { env, SELF } from "cloudflare:test";
import { describe, it } from "vitest";
import { isRelayError, RelayError } from "../src/errors.ts";
import { getSettings, parseSettings, type SettingsKey } from "../src/settings.ts";

const MINIMAL = { INGEST_TOKEN: "ingest-token-1", CLICK_URL_TOKEN: "click-token-1" };

function settingsError(raw: Record<string, string>): RelayError {
	try {
		parseSettings({ ...MINIMAL, ...raw });
	} catch (e) {
		if (isRelayError(e)) return e as RelayError;
		throw e;
	}
	throw new Error("parsed");
}

describe("parseSettings", () => {
	it("has the documented defaults", ({ expect }) => {
		const s = parseSettings(MINIMAL);
		expect(s).toMatchObject({
			formBaseUrl: "https://t.gdt.qq.com",
			apiBaseUrl: "https://api.e.qq.com",
			callbackOrigins: ["https://api.e.qq.com"],
			callbackAuthHeaders: { accessToken: "access-token", timestamp: "timestamp", nonce: "nonce" },
			attributionWindowSeconds: 604_800,
			lateClickWindowSeconds: 86_400,
			reportUnattributed: false,
			maxAttempts: 10,
			retryBaseSeconds: 30,
			retryMaxSeconds: 3600,
			timeoutMs: 5000,
			sweepGraceMs: 10_000,
			defaultCallsPerMinute: 4000,
			maxActionsPerCall: 50,
			tokenRefreshMarginMs: 3_600_000,
			formResendUncertain: true,
		});
		expect(s.signKeys.size).toBe(0);
		expect(s.tokens.size).toBe(0);
		expect(s.clickAllowlist).toEqual([]);
	});

	it("parses tokens, accounts and sign keys", ({ expect }) => {
		const s = parseSettings({
			...MINIMAL,
			SIGN_KEYS: '{"20345":"k"}',
			TENCENT_TOKENS: '{"1":{"access_token":"dn-key"},"2":{"client_id":"111","client_secret":"sec"}}',
			TENCENT_ACCOUNTS:
				'{"1":{"user_action_sets":{"112233":1110000001,"*":"1110000000"},"calls_per_minute":100,"user_id_hash":"md5_sha256"}}',
			CALLBACK_AUTH_HEADERS: "Access_Token, Timestamp, Nonce",
		});
		expect(s.signKeys.get("20345")).toBe("k");
		expect(s.tokens.get("1")).toEqual({ kind: "datanexus", accessToken: "dn-key" });
		expect(s.tokens.get("2")).toEqual({ kind: "oauth", clientId: "111", clientSecret: "sec" });
		expect(s.accounts.get("1")).toEqual({
			userActionSets: new Map([
				["112233", "1110000001"],
				["*", "1110000000"],
			]),
			callsPerMinute: 100,
			userIdHash: "md5_sha256",
		});
		expect(s.callbackAuthHeaders).toEqual({
			accessToken: "access_token",
			timestamp: "timestamp",
			nonce: "nonce",
		});
	});

	const bad: [SettingsKey, string, string][] = [
		["INGEST_TOKEN", "", "INGEST_TOKEN is not set (wrangler secret put INGEST_TOKEN)"],
		["CLICK_URL_TOKEN", " ", "CLICK_URL_TOKEN is not set (wrangler secret put CLICK_URL_TOKEN)"],
		["SIGN_KEYS", "{not json", "SIGN_KEYS is not valid JSON"],
		["SIGN_KEYS", "[]", "SIGN_KEYS must be a JSON object keyed by advertiser account id"],
		["SIGN_KEYS", '{"20345":7}', "SIGN_KEYS entry 20345 must be a non-empty string"],
		["SIGN_KEYS", '{"abc":"k"}', 'SIGN_KEYS has a key that is not an account id: "abc"'],
		["TENCENT_TOKENS", '{"1":"key"}', "TENCENT_TOKENS entry 1 must be an object"],
		[
			"TENCENT_TOKENS",
			'{"1":{"access_token":"a","client_id":"1","client_secret":"s"}}',
			"TENCENT_TOKENS entry 1 must have either access_token (DataNexus key) or client_id and client_secret (OAuth app)",
		],
		["TENCENT_TOKENS", '{"1":{"token":"a"}}', "TENCENT_TOKENS entry 1 has an unknown member token"],
		[
			"TENCENT_TOKENS",
			'{"1":{"client_id":"abc","client_secret":"s"}}',
			"TENCENT_TOKENS entry 1: client_id must be the OAuth app's numeric id",
		],
		[
			"TENCENT_ACCOUNTS",
			'{"1":{"user_action_sets":{"x":1}}}',
			"TENCENT_ACCOUNTS entry 1: user_action_sets must map appid (or *) to a numeric user_action_set_id",
		],
		[
			"TENCENT_ACCOUNTS",
			'{"1":{"calls_per_minute":0}}',
			"TENCENT_ACCOUNTS entry 1: calls_per_minute must be an integer from 1",
		],
		[
			"TENCENT_ACCOUNTS",
			'{"1":{"user_id_hash":"sha1"}}',
			'TENCENT_ACCOUNTS entry 1: user_id_hash must be "md5" or "md5_sha256"',
		],
		["TENCENT_ACCOUNTS", '{"1":{"sets":{}}}', "TENCENT_ACCOUNTS entry 1 has an unknown member sets"],
		["TENCENT_API_BASE_URL", "ftp://x", "TENCENT_API_BASE_URL must be an http(s) URL"],
		["TENCENT_CONV_BASE_URL", "not a url", "TENCENT_CONV_BASE_URL must be an http(s) URL"],
		[
			"CALLBACK_ORIGINS",
			"https://api.e.qq.com/path",
			"CALLBACK_ORIGINS must list origins such as https://api.e.qq.com, comma-separated",
		],
		[
			"CALLBACK_AUTH_HEADERS",
			"access-token,timestamp",
			"CALLBACK_AUTH_HEADERS must name the token, timestamp and nonce headers, e.g. access-token,timestamp,nonce",
		],
		[
			"CLICK_IP_ALLOWLIST",
			"14.17.3.31, 10.0.0.0/33",
			'CLICK_IP_ALLOWLIST has an entry that is not an IPv4 CIDR: "10.0.0.0/33"',
		],
		["ATTRIBUTION_WINDOW_SECONDS", "7d", "ATTRIBUTION_WINDOW_SECONDS must be an integer from 60 to 31536000"],
		["LATE_CLICK_WINDOW_SECONDS", "-1", "LATE_CLICK_WINDOW_SECONDS must be an integer from 0 to 2592000"],
		["REPORT_UNATTRIBUTED", "yes", 'REPORT_UNATTRIBUTED must be "true" or "false"'],
		["MAX_DELIVERY_ATTEMPTS", "0", "MAX_DELIVERY_ATTEMPTS must be an integer from 1 to 100"],
		["RETRY_MAX_SECONDS", "50000", "RETRY_MAX_SECONDS must be an integer from 0 to 43200"],
		["UPSTREAM_TIMEOUT_MS", "1.5", "UPSTREAM_TIMEOUT_MS must be an integer from 100 to 60000"],
		["SWEEP_GRACE_SECONDS", "x", "SWEEP_GRACE_SECONDS must be an integer from 0 to 86400"],
		["RATE_LIMIT_CALLS_PER_MINUTE", "0", "RATE_LIMIT_CALLS_PER_MINUTE must be an integer from 1 to 1000000"],
		["MAX_ACTIONS_PER_CALL", "51", "MAX_ACTIONS_PER_CALL must be an integer from 1 to 50"],
		[
			"TOKEN_REFRESH_MARGIN_SECONDS",
			"86400",
			"TOKEN_REFRESH_MARGIN_SECONDS must be an integer from 0 to 86399",
		],
		["FORM_RESEND_UNCERTAIN", "1", 'FORM_RESEND_UNCERTAIN must be "true" or "false"'],
	];
	it.for(bad)("names %s in a NOT_CONFIGURED error (%s)", ([key, value, message], { expect }) => {
		const e = settingsError({ [key]: value });
		expect(e).toMatchObject({ status: 503, code: "NOT_CONFIGURED", field: key, message });
		// The message never repeats a secret's value.
		if (key === "SIGN_KEYS" || key === "TENCENT_TOKENS") expect(e.message).not.toContain(value);
	});

	it("parses once per isolate and again only when a value changes", ({ expect }) => {
		const a = getSettings(env);
		expect(getSettings(env)).toBe(a);
		expect(getSettings({ ...env })).toBe(a);
		const b = getSettings({ ...env, MAX_ACTIONS_PER_CALL: "7" });
		expect(b).not.toBe(a);
		expect(b.maxActionsPerCall).toBe(7);
	});
});

describe("GET /healthz", () => {
	it("answers 200 with what is configured, never a secret", async ({ expect }) => {
		const res = await SELF.fetch("https://relay.test/healthz");
		expect(res.status).toBe(200);
		const text = await res.text();
		expect(JSON.parse(text)).toMatchObject({
			ok: true,
			sign_keys: 3,
			tokens: { "50001": "datanexus", "60001": "oauth" },
			report_unattributed: false,
		});
		for (const secret of ["test-ingest-token", "test-click-token", "dn-test-key-50001", "08ebe39d34c421b8"]) {
			expect(text).not.toContain(secret);
		}
	});
});

describe("isRelayError", () => {
	it("is true for a RelayError and false for null, a plain Error and a look-alike", ({ expect }) => {
		expect(isRelayError(new RelayError(400, "INVALID_FIELD", "x"))).toBe(true);
		expect(isRelayError(null)).toBe(false);
		expect(isRelayError(undefined)).toBe(false);
		expect(isRelayError(new Error("x"))).toBe(false);
		expect(isRelayError({ name: "RelayError", code: "INVALID_FIELD" })).toBe(false);
	});
});
