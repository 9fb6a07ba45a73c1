/**
 * A fake of Tencent's conversion endpoints for tests and local runs. Never deployed.
 *
 * The form API (docs/conversion/form-api.md §5): checks what the real one would (path, app_type,
 * conv_time, muid, encstr recomputed with its own MD5 from WebCrypto) and what we promise on top
 * (the §5.5 field order, encver 1.0), records every accepted report, and can fail on purpose.
 *
 * The Marketing API v3.0 (docs/conversion/marketing-api-v3.md): `POST /v3.0/user_actions/add` in
 * direct mode (auth in the query) and callback mode (`?cb=…&conv_id=…|link_id=…`, auth in
 * headers), and `GET /oauth/token`. It checks the token (expired → 11000, unknown or replaced →
 * 11002), the timestamp (more than 300 s off → refused), the nonce (≤ 32 characters, reused →
 * refused), the body (≤ 50 KB, 1–50 actions, each action's fields and sizes), a per-account
 * calls-per-minute limit (11017 when over), and de-duplicates by (user_action_set_id — the
 * callback's conv_id/link_id in callback mode —, outer_action_id, action_type). It records what it
 * accepted, every call, and every OAuth grant.
 *
 * Plain JavaScript so Miniflare can load it without a build step (vitest.config.ts) and
 * `wrangler dev` can serve it on port 8790 (fake-upstream/wrangler.jsonc).
 *
 * Routes:
 *   POST /conv/app/:appid/conv      the form API
 *   POST /__control                 { appid, failRate?, seed?, faults?, script? } per app (form API)
 *   GET  /__reports?appid=…         { accepted, rejected, requests } (form API)
 *   POST /v3.0/user_actions/add     the Marketing API, both modes
 *   GET  /oauth/token               OAuth grants (authorization_code, refresh_token)
 *   POST /__v3/control              { account_id, reset?, script?, failRate?, seed?, faults?,
 *                                     callsPerMinute?, poison?, poisonMode?, accessTtlSeconds?,
 *                                     oauthDelayMs?, expireTokens? } per account
 *   GET  /__v3/actions?account_id=… { accepted, duplicates, calls, refused } (&summary=1: counts)
 *   GET  /__v3/oauth?account_id=…   { authorizations, refreshes, generation }
 * @module
 */

const FIELD_ORDER = [
	"click_id",
	"appid",
	"muid",
	"conv_time",
	"client_ip",
	"encstr",
	"encver",
	"advertiser_id",
	"app_type",
	"conv_type",
];

/** How long the "timeout" faults stall: far beyond the relay's test deadline. */
const STALL_MS = 2000;

/** Per-appid behaviour and records of the form API; module state lives as long as the isolate. */
const apps = new Map();

function appState(appid, env) {
	let state = apps.get(appid);
	if (state === undefined) {
		// FAKE_FAIL_RATE (0..1) sets the default share of failures for local runs.
		const failRate = Number(env?.FAKE_FAIL_RATE ?? 0) || 0;
		const faults = ["http500", "ret-12", "throw"];
		state = { failRate, faults, random: Math.random, script: [], accepted: [], rejected: [], requests: 0 };
		apps.set(appid, state);
	}
	return state;
}

/** mulberry32: a seeded PRNG, so a failing fault run can be replayed. */
function seeded(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

async function md5Hex(text) {
	const digest = await crypto.subtle.digest("MD5", new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const json = (body, status = 200, headers = {}) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { "content-type": "application/json; charset=utf-8", ...headers },
	});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one injected form-API fault; returns a response, or throws to look like a dropped connection. */
async function fault(kind) {
	switch (kind) {
		case "http500":
			return new Response("upstream exploded", { status: 500 });
		case "http503":
			return new Response("busy", { status: 503 });
		case "ret-12":
			return json({ ret: -12, msg: "key service unavailable" });
		case "garbage":
			return new Response("<html>gateway</html>", { status: 200 });
		case "timeout":
			await sleep(STALL_MS);
			return json({ ret: -12, msg: "late" });
		case "throw":
			throw new Error("connection reset (injected)");
		default:
			// "http404" answers that status; "ret-17" answers that ret.
			if (/^http[0-9]{3}$/.test(kind))
				return new Response(`status ${kind}`, { status: Number(kind.slice(4)) });
			return json({ ret: Number(kind.replace(/^ret/, "")), msg: "scripted" });
	}
}

async function handleConversion(request, env, appidInPath) {
	// arrayBuffer + decode: workerd warns when .text() reads a form body.
	const body = new TextDecoder().decode(await request.arrayBuffer());
	const pairs = body
		.split("&")
		.map((p) => p.split("=").map((s) => decodeURIComponent(s.replace(/\+/g, " "))));
	const fields = Object.fromEntries(pairs);
	const state = appState(fields.appid ?? appidInPath, env);
	state.requests++;

	// Scripted answers first (one per request), then random faults. "stall-body" accepts the
	// report and then never finishes the answer's body.
	const scripted = state.script.shift();
	const stallBody = scripted === "stall-body";
	if (scripted !== undefined && scripted !== "ok" && !stallBody) return fault(scripted);
	if (scripted === undefined && state.failRate > 0 && state.random() < state.failRate) {
		const pick = state.faults[Math.floor(state.random() * state.faults.length)];
		return fault(pick);
	}

	const reject = (ret, msg) => {
		state.rejected.push({ ret, msg, body });
		return json({ ret, msg });
	};
	if (!(request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
		return reject(-1, "not x-www-form-urlencoded");
	}
	const keys = pairs.map(([k]) => k);
	const expected = fields.value === undefined ? FIELD_ORDER : [...FIELD_ORDER, "value"];
	if (keys.join(",") !== expected.join(",")) return reject(-1, `field order ${keys.join(",")}`);
	if (fields.appid !== appidInPath) return reject(-4, "path appid differs from body appid");
	if (!["IOS", "ANDROID", "UNIONANDROID"].includes(fields.app_type)) return reject(-13, "app_type");
	if (!/^[1-9][0-9]{9}$/.test(fields.conv_time)) return reject(-14, "conv_time");
	if (!/^[0-9a-f]{32}$/.test(fields.muid)) return reject(-15, "muid");
	if (fields.encver !== "1.0") return reject(-3, "encver");
	let signKeys;
	try {
		signKeys = JSON.parse(env.SIGN_KEYS ?? "{}");
	} catch {
		signKeys = {};
	}
	const signKey = signKeys[fields.advertiser_id];
	if (typeof signKey !== "string") return reject(-17, "no conversion rule for this advertiser");
	const signed = `app_type=${fields.app_type}&click_id=${fields.click_id}&client_ip=${fields.client_ip}&conv_time=${fields.conv_time}&muid=${fields.muid}&sign_key=${signKey}`;
	if ((await md5Hex(signed)) !== fields.encstr) return reject(-3, "encstr mismatch");

	state.accepted.push(fields);
	if (stallBody) return stallingAnswer('{"ret":', '0,"msg":""}');
	return json({ ret: 0, msg: "" });
}

/** An answer whose head arrives at once and whose body stalls for {@link STALL_MS}. */
function stallingAnswer(first, rest) {
	const stream = new ReadableStream({
		async start(controller) {
			controller.enqueue(new TextEncoder().encode(first));
			await sleep(STALL_MS);
			controller.enqueue(new TextEncoder().encode(rest));
			controller.close();
		},
	});
	return new Response(stream, { status: 200, headers: { "content-type": "application/json" } });
}

// ---------------------------------------------------------------------------------------------
// Marketing API v3.0
// ---------------------------------------------------------------------------------------------

const MAX_BODY_BYTES = 50 * 1024;
const MAX_ACTIONS = 50;
const OUTER_ID = /^[A-Za-z0-9_]{1,255}$/;
const USER_ID_KEYS = new Set([
	"hash_imei",
	"hash_idfa",
	"hash_android_id",
	"hash_oaid",
	"oaid",
	"md5_sha256_imei",
	"md5_sha256_idfa",
	"md5_sha256_oaid",
	"hash_phone",
	"sha256_phone",
	"wechat_openid",
	"wechat_unionid",
	"wechat_app_id",
	"caid",
	"caid_version",
]);

/** Per-account state of the Marketing API fake. */
const accounts = new Map();
/** access token → { account, expiresAt (ms, 0 = never), valid, kind }. */
const accessTokens = new Map();
/** refresh token → { account, clientId, valid, expiresAt }. */
const refreshTokens = new Map();
/** access token → Set of nonces seen with it. */
const nonces = new Map();
/** authorization codes already exchanged. */
const usedCodes = new Set();
let seededKeys = false;

function account(id, env) {
	let state = accounts.get(id);
	if (state === undefined) {
		state = {
			script: [],
			failRate: Number(env?.FAKE_FAIL_RATE ?? 0) || 0,
			faults: ["code10000", "http500", "throw"],
			random: Math.random,
			callsPerMinute: Number(env?.FAKE_CALLS_PER_MINUTE ?? 4000) || 4000,
			window: 0,
			windowCalls: 0,
			accepted: [],
			seen: new Set(),
			duplicates: 0,
			calls: [],
			refused: [],
			poison: new Set(),
			poisonMode: "refuse-call",
			accessTtlSeconds: 86_400,
			oauthDelayMs: 0,
			authorizations: 0,
			refreshes: 0,
			generation: 0,
		};
		accounts.set(id, state);
	}
	return state;
}

/** DATANEXUS_KEYS: {"<account_id>": "<permanent key>"} — the keys the fake accepts forever. */
function seedKeys(env) {
	if (seededKeys) return;
	seededKeys = true;
	let keys = {};
	try {
		keys = JSON.parse(env.DATANEXUS_KEYS ?? "{}");
	} catch {
		keys = {};
	}
	for (const [acct, key] of Object.entries(keys)) {
		accessTokens.set(key, { account: String(acct), expiresAt: 0, valid: true, kind: "datanexus" });
	}
}

function oauthClients(env) {
	try {
		return JSON.parse(env.OAUTH_CLIENTS ?? "{}");
	} catch {
		return {};
	}
}

const randomToken = (prefix) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;

function issuePair(acct, clientId, state) {
	const access = randomToken("fake-at-");
	const refresh = randomToken("fake-rt-");
	const now = Date.now();
	accessTokens.set(access, {
		account: acct,
		expiresAt: now + state.accessTtlSeconds * 1000,
		valid: true,
		kind: "oauth",
	});
	refreshTokens.set(refresh, { account: acct, clientId, valid: true, expiresAt: now + 2_592_000_000 });
	state.generation++;
	return {
		access_token: access,
		refresh_token: refresh,
		access_token_expires_in: state.accessTtlSeconds,
		refresh_token_expires_in: 2_592_000,
	};
}

async function handleOAuth(url, env) {
	const p = url.searchParams;
	const clientId = p.get("client_id") ?? "";
	const client = oauthClients(env)[clientId];
	if (client === undefined || client.secret !== p.get("client_secret")) {
		return json({ code: 11004, message: "unknown client or wrong client_secret" });
	}
	const acct = String(client.account_id);
	const state = account(acct, env);
	if (state.oauthDelayMs > 0) await sleep(state.oauthDelayMs);
	const grant = p.get("grant_type");
	if (grant === "authorization_code") {
		const code = p.get("authorization_code") ?? "";
		if (code === "" || usedCodes.has(code) || !p.get("redirect_uri")) {
			return json({ code: 11002, message: "invalid authorization_code" });
		}
		usedCodes.add(code);
		state.authorizations++;
		return json({ code: 0, message: "", data: issuePair(acct, clientId, state) });
	}
	if (grant === "refresh_token") {
		const old = refreshTokens.get(p.get("refresh_token") ?? "");
		if (old === undefined || !old.valid || old.account !== acct || old.expiresAt < Date.now()) {
			return json({ code: 11002, message: "invalid refresh_token" });
		}
		// docs/conversion/marketing-api-v3.md "Token sources": refreshing invalidates both old tokens.
		old.valid = false;
		for (const info of accessTokens.values())
			if (info.account === acct && info.kind === "oauth") info.valid = false;
		state.refreshes++;
		return json({ code: 0, message: "", data: issuePair(acct, clientId, state) });
	}
	return json({ code: 11004, message: "grant_type must be authorization_code or refresh_token" });
}

function v3Answer(body, state, extraHeaders = {}) {
	const day = 100;
	const minute = Math.max(0, Math.floor(100 * (1 - state.windowCalls / state.callsPerMinute)));
	return json(body, 200, {
		"x-tsa-trace-id": crypto.randomUUID(),
		"x-ratelimit-remaining": `${day},${minute}`,
		...extraHeaders,
	});
}

function byteLength(text) {
	return new TextEncoder().encode(text).byteLength;
}

/** Checks one action; returns a list of "field: problem" strings (empty = valid). */
function actionProblems(action, mode, state) {
	const problems = [];
	if (action === null || typeof action !== "object" || Array.isArray(action))
		return ["action must be an object"];
	if (typeof action.outer_action_id !== "string" || !OUTER_ID.test(action.outer_action_id)) {
		problems.push("outer_action_id: letters, digits and _ only, 1–255 bytes");
	} else if (state.poison.has(action.outer_action_id)) {
		problems.push("outer_action_id: refused by the test (poisoned)");
	}
	if (
		!Number.isInteger(action.action_time) ||
		action.action_time < 1_000_000_000 ||
		action.action_time > 9_999_999_999
	) {
		problems.push("action_time: Unix seconds");
	}
	if (typeof action.action_type !== "string" || !/^[A-Z][A-Z0-9_]*$/.test(action.action_type)) {
		problems.push("action_type: an enum value");
	}
	if (action.action_type === "CUSTOM") {
		const n = typeof action.custom_action === "string" ? byteLength(action.custom_action) : 0;
		if (n < 1 || n > 128) problems.push("custom_action: 1–128 bytes with CUSTOM");
	}
	if (action.user_id !== undefined) {
		if (action.user_id === null || typeof action.user_id !== "object") problems.push("user_id: an object");
		else {
			for (const [k, v] of Object.entries(action.user_id)) {
				if (!USER_ID_KEYS.has(k) || typeof v !== "string" || v === "" || v.length > 64) {
					problems.push(`user_id.${k}: unknown key or bad value`);
				}
			}
		}
	}
	const clickId = action.trace?.click_id;
	if (
		action.trace !== undefined &&
		(typeof clickId !== "string" || clickId.length < 1 || byteLength(clickId) > 64)
	) {
		problems.push("trace.click_id: 1–64 bytes");
	}
	if (mode === "direct" && action.user_id === undefined && action.trace === undefined) {
		problems.push("user_id or trace.click_id is required");
	}
	if (action.action_param !== undefined) {
		if (action.action_param === null || typeof action.action_param !== "object")
			problems.push("action_param: an object");
		else if (byteLength(JSON.stringify(action.action_param)) > 204_800)
			problems.push("action_param: ≤ 204,800 bytes");
	}
	return problems;
}

async function v3Fault(kind, record) {
	switch (kind) {
		case "http500":
			return new Response("upstream exploded", { status: 500 });
		case "http503":
			return new Response("busy", { status: 503 });
		case "http429":
			return new Response("slow down", { status: 429 });
		case "garbage":
			return new Response("<html>gateway</html>", { status: 200 });
		case "throw":
			throw new Error("connection reset (injected)");
		case "timeout":
			await sleep(STALL_MS);
			return json({ code: 10000, message: "late" });
		case "accept-timeout": {
			// Tencent recorded the actions; the answer comes too late for the caller.
			const answer = record();
			await sleep(STALL_MS);
			return answer;
		}
		case "stall-body":
			// Recorded, answered with headers, and then the body stalls.
			record();
			return stallingAnswer('{"code":', "0}");
		default:
			if (/^http[0-9]{3}$/.test(kind))
				return new Response(`status ${kind}`, { status: Number(kind.slice(4)) });
			if (/^code[0-9]+$/.test(kind)) {
				const code = Number(kind.slice(4));
				return json({ code, message: `scripted ${code}`, message_cn: "脚本" }, 200, {
					"x-tsa-trace-id": `trace-${code}`,
				});
			}
			return json({ code: 10000, message: `unknown fault ${kind}` });
	}
}

async function handleUserActions(request, url, env) {
	seedKeys(env);
	const q = url.searchParams;
	const mode = q.has("cb") ? "callback" : "direct";
	const names = (env.CALLBACK_HEADER_NAMES ?? "access-token,timestamp,nonce").split(",");
	const token = mode === "direct" ? q.get("access_token") : request.headers.get(names[0]);
	const timestamp = mode === "direct" ? q.get("timestamp") : request.headers.get(names[1]);
	const nonce = mode === "direct" ? q.get("nonce") : request.headers.get(names[2]);
	const bodyText = new TextDecoder().decode(await request.arrayBuffer());
	const info = accessTokens.get(token ?? "");
	const acct = info?.account ?? "unknown";
	const state = account(acct, env);
	const call = { nonce, mode, actions: 0, bytes: byteLength(bodyText), code: null, at: Date.now() };
	state.calls.push(call);
	const answer = (code, message, extra = {}) => {
		call.code = code;
		return v3Answer({ code, message, message_cn: message, ...extra }, state);
	};

	if (info === undefined || !info.valid) return answer(11002, "access token invalid");
	if (info.expiresAt !== 0 && info.expiresAt < Date.now()) return answer(11000, "access token expired");
	const ts = Number(timestamp);
	if (!/^[0-9]{10}$/.test(timestamp ?? "") || Math.abs(ts - Date.now() / 1000) > 300) {
		return answer(11004, "timestamp must be Unix seconds within 300 s of now");
	}
	if (typeof nonce !== "string" || nonce.length < 1 || nonce.length > 32)
		return answer(11004, "nonce: 1–32 characters");
	const used = nonces.get(token) ?? new Set();
	nonces.set(token, used);
	if (used.has(nonce)) return answer(11004, "The nonce has been used before");
	used.add(nonce);

	const minute = Math.floor(Date.now() / 60_000);
	if (state.window !== minute) {
		state.window = minute;
		state.windowCalls = 0;
	}
	state.windowCalls++;
	if (state.windowCalls > state.callsPerMinute) {
		call.code = 11017;
		return json({ code: 11017, message: "per-minute limit" }, 200, {
			"x-tsa-trace-id": crypto.randomUUID(),
			"x-ratelimit-remaining": "100,0",
		});
	}

	if (call.bytes > MAX_BODY_BYTES) return answer(11004, "body larger than 50 KB");
	let body;
	try {
		body = JSON.parse(bodyText);
	} catch {
		return answer(11004, "body is not JSON");
	}
	const actions = Array.isArray(body?.actions) ? body.actions : null;
	if (actions === null || actions.length === 0) return answer(11005, "actions is empty");
	if (actions.length > MAX_ACTIONS) return answer(11004, "more than 50 actions");
	call.actions = actions.length;
	let set;
	if (mode === "direct") {
		if (String(body.account_id) !== acct) return answer(11014, "account_id is not the token's account");
		if (!Number.isInteger(body.user_action_set_id)) return answer(11004, "user_action_set_id is required");
		set = String(body.user_action_set_id);
	} else {
		const conv = q.get("conv_id") ?? q.get("link_id");
		if (conv === null) return answer(20001, "bad callback URL");
		set = `${q.has("conv_id") ? "conv_id" : "link_id"}=${conv}|cb=${q.get("cb")}`;
	}

	const invalid = new Map();
	actions.forEach((a, i) => {
		const problems = actionProblems(a, mode, state);
		if (problems.length > 0) invalid.set(i, problems);
	});
	const record = () => {
		for (const [i, action] of actions.entries()) {
			if (invalid.has(i)) continue;
			const key = `${set}|${action.outer_action_id}|${action.action_type}`;
			if (state.seen.has(key)) {
				state.duplicates++;
				continue;
			}
			state.seen.add(key);
			state.accepted.push({ mode, set, nonce, action });
		}
		const errors = [...invalid].map(([i, problems]) => ({
			type: "PARAM_ERROR",
			common_param_exception_spec: { error_fields: [`actions[${i}]`], error_user_msg: problems.join("; ") },
		}));
		return answer(0, "", errors.length > 0 ? { errors } : {});
	};

	// Faults, then the action checks.
	const scripted = state.script.shift();
	let kind = scripted;
	if (kind === undefined && state.failRate > 0 && state.random() < state.failRate) {
		kind = state.faults[Math.floor(state.random() * state.faults.length)];
	}
	if (kind !== undefined && kind !== "ok") {
		call.code = `fault:${kind}`;
		return v3Fault(kind, record);
	}
	if (invalid.size > 0 && state.poisonMode === "refuse-call") {
		state.refused.push({ nonce, invalid: [...invalid.keys()] });
		const errors = [...invalid].map(([i, problems]) => ({
			type: "PARAM_ERROR",
			common_param_exception_spec: { error_fields: [`actions[${i}]`], error_user_msg: problems.join("; ") },
		}));
		return answer(11004, "invalid actions", { errors });
	}
	return record();
}

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const conv = /^\/conv\/app\/([^/]+)\/conv$/.exec(url.pathname);
		if (conv && request.method === "POST") return handleConversion(request, env, decodeURIComponent(conv[1]));
		if (url.pathname === "/v3.0/user_actions/add" && request.method === "POST") {
			return handleUserActions(request, url, env);
		}
		if (url.pathname === "/oauth/token" && request.method === "GET") return handleOAuth(url, env);
		if (url.pathname === "/__control" && request.method === "POST") {
			const c = await request.json();
			const state = appState(String(c.appid), env);
			if (c.failRate !== undefined) state.failRate = c.failRate;
			if (c.faults !== undefined) state.faults = c.faults;
			if (c.seed !== undefined) state.random = seeded(c.seed);
			if (c.script !== undefined) state.script = [...c.script];
			return json({ ok: true });
		}
		if (url.pathname === "/__reports" && request.method === "GET") {
			const state = appState(url.searchParams.get("appid") ?? "", env);
			return json({ accepted: state.accepted, rejected: state.rejected, requests: state.requests });
		}
		if (url.pathname === "/__v3/control" && request.method === "POST") {
			const c = await request.json();
			const id = String(c.account_id);
			if (c.reset) accounts.delete(id);
			const state = account(id, env);
			if (c.script !== undefined) state.script = [...c.script];
			if (c.failRate !== undefined) state.failRate = c.failRate;
			if (c.faults !== undefined) state.faults = c.faults;
			if (c.seed !== undefined) state.random = seeded(c.seed);
			if (c.callsPerMinute !== undefined) state.callsPerMinute = c.callsPerMinute;
			if (c.poison !== undefined) state.poison = new Set(c.poison);
			if (c.poisonMode !== undefined) state.poisonMode = c.poisonMode;
			if (c.accessTtlSeconds !== undefined) state.accessTtlSeconds = c.accessTtlSeconds;
			if (c.oauthDelayMs !== undefined) state.oauthDelayMs = c.oauthDelayMs;
			if (c.expireTokens) {
				for (const t of accessTokens.values()) if (t.account === id && t.kind === "oauth") t.expiresAt = 1;
			}
			return json({ ok: true });
		}
		if (url.pathname === "/__v3/actions" && request.method === "GET") {
			const state = account(url.searchParams.get("account_id") ?? "", env);
			// ?summary=1: counts only, cheap enough to poll.
			if (url.searchParams.get("summary") === "1") {
				return json({
					accepted: state.accepted.length,
					duplicates: state.duplicates,
					calls: state.calls.length,
				});
			}
			return json({
				accepted: state.accepted,
				duplicates: state.duplicates,
				calls: state.calls,
				refused: state.refused,
			});
		}
		if (url.pathname === "/__v3/oauth" && request.method === "GET") {
			const state = account(url.searchParams.get("account_id") ?? "", env);
			return json({
				authorizations: state.authorizations,
				refreshes: state.refreshes,
				generation: state.generation,
			});
		}
		if (url.pathname === "/" && request.method === "GET") {
			const form = {};
			for (const [appid, s] of apps)
				form[appid] = { accepted: s.accepted.length, rejected: s.rejected.length, requests: s.requests };
			const v3 = {};
			for (const [id, s] of accounts)
				v3[id] = { accepted: s.accepted.length, duplicates: s.duplicates, calls: s.calls.length };
			return json({
				fake: "tencent-conversion-endpoints",
				failRate: Number(env.FAKE_FAIL_RATE ?? 0),
				form_api: form,
				marketing_api: v3,
			});
		}
		return json({ ret: -4, msg: "unknown path" }, 404);
	},
};
