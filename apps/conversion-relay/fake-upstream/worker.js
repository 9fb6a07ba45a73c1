/**
 * A fake of Tencent's conversion endpoint (docs/conversion/form-api.md §5) for tests and local
 * runs. It checks what the real one would (path, app_type, conv_time, muid, encstr recomputed with
 * its own MD5 from WebCrypto) and what we promise on top (the §5.5 field order, encver 1.0),
 * records every accepted report, and can fail a share of requests on purpose.
 *
 * Plain JavaScript so Miniflare can load it without a build step (vitest.config.ts) and
 * `wrangler dev` can serve it on port 8790 (fake-upstream/wrangler.jsonc).
 *
 * Routes:
 *   POST /conv/app/:appid/conv      the endpoint
 *   POST /__control                 { appid, failRate?, seed?, faults?, script? } per app
 *   GET  /__reports?appid=…         { accepted: [...], rejected: [...], requests }
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

/** Per-appid behaviour and records; module state lives as long as the isolate. */
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

const json = (body, status = 200) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { "content-type": "application/json; charset=utf-8" },
	});

/** Runs one injected fault; returns a response, or throws to look like a dropped connection. */
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
			await new Promise((resolve) => setTimeout(resolve, 2000));
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

	// Scripted answers first (one per request), then random faults.
	const scripted = state.script.shift();
	if (scripted !== undefined && scripted !== "ok") return fault(scripted);
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
	return json({ ret: 0, msg: "" });
}

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		const conv = /^\/conv\/app\/([^/]+)\/conv$/.exec(url.pathname);
		if (conv && request.method === "POST") return handleConversion(request, env, decodeURIComponent(conv[1]));
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
		if (url.pathname === "/" && request.method === "GET") {
			const summary = {};
			for (const [appid, s] of apps)
				summary[appid] = { accepted: s.accepted.length, rejected: s.rejected.length, requests: s.requests };
			return json({
				fake: "tencent-conversion-endpoint",
				failRate: Number(env.FAKE_FAIL_RATE ?? 0),
				apps: summary,
			});
		}
		return json({ ret: -4, msg: "unknown path" }, 404);
	},
};
