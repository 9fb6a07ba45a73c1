// The operator console of the RTA responder: plain DOM, no framework, no network access but this
// Worker's own admin API (the page's Content-Security-Policy allows 'self' only). The bearer token
// typed at login stays in sessionStorage (this tab) and goes with every admin call.

const TOKEN_KEY = "txad-console-token";
const $ = (id) => document.getElementById(id);

/** Creates an element with attributes/properties and children (strings become text nodes). */
function h(tag, props = {}, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(props)) {
		if (v === undefined || v === null) continue;
		if (k === "class") el.className = v;
		else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
		else if (k in el) el[k] = v;
		else el.setAttribute(k, v);
	}
	for (const c of children.flat())
		if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
	return el;
}

function token() {
	return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

/** Calls the admin API; returns { status, body } (body parsed as JSON when it is JSON). */
async function api(method, path, body, contentType = "application/json") {
	const headers = { authorization: `Bearer ${token()}` };
	if (body !== undefined) headers["content-type"] = contentType;
	const res = await fetch(path, {
		method,
		headers,
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let parsed = text;
	try {
		parsed = text === "" ? null : JSON.parse(text);
	} catch {
		// not JSON: keep the text
	}
	if (res.status === 401) {
		logout("The token was refused: log in again.");
		throw new Error("unauthorized");
	}
	return { status: res.status, body: parsed };
}

function errorText(body) {
	if (body && typeof body === "object" && body.error) {
		const e = body.error;
		return `${e.code}${e.field ? ` (${e.field})` : ""}: ${e.message}`;
	}
	return typeof body === "string" ? body : JSON.stringify(body);
}

const pct = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)} %`);
const orDash = (v) => (v === null || v === undefined || v === "" ? "–" : String(v));

// ---------------------------------------------------------------- login and views

const VIEWS = ["overview", "debug", "config", "audience"];

function show(view) {
	for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== `view-${view}`;
	for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.view === view);
	if (view === "overview") void loadOverview();
	if (view === "config" && $("config-text").value === "") void loadConfig();
}

function route() {
	if (token() === "") {
		$("nav").hidden = true;
		show("login");
		return;
	}
	$("nav").hidden = false;
	const view = location.hash.slice(1);
	show(VIEWS.includes(view) ? view : "overview");
}

function logout(message = "") {
	sessionStorage.removeItem(TOKEN_KEY);
	$("login-error").textContent = message;
	route();
}

async function login(event) {
	event.preventDefault();
	sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
	const res = await fetch("/admin/metrics?minutes=1", { headers: { authorization: `Bearer ${token()}` } });
	if (res.status !== 200) {
		const body = await res.json().catch(() => null);
		logout(res.status === 401 ? "Wrong token." : `Cannot log in: ${errorText(body)}`);
		return;
	}
	$("token").value = "";
	$("login-error").textContent = "";
	if (location.hash === "" || location.hash === "#login") location.hash = "#overview";
	route();
}

// ---------------------------------------------------------------- overview

function card(label, value, note) {
	return h(
		"div",
		{ class: "card" },
		h("div", { class: "label" }, label),
		h("div", { class: "value" }, value),
		note ? h("div", { class: "note" }, note) : null,
	);
}

async function loadOverview() {
	const [health, metrics] = await Promise.all([
		fetch("/healthz").then((r) => r.json()),
		api("GET", "/admin/metrics?minutes=60"),
	]);
	const a = health.audience ?? {};
	$("overview-cards").replaceChildren(
		card(
			"Health",
			health.ok ? "OK" : "BROKEN",
			health.ok ? `mode ${health.mode}` : `${health.field}: ${health.message}`,
		),
		card(
			"Config version",
			orDash(health.config_version),
			health.config_version === null ? "no valid config stored" : "answered with by this isolate",
		),
		card("Snapshot", orDash(a.snapshot_id), a.records ? `${a.records} ids, ${a.shard_count} shards` : ""),
		card("Deadline / fallback", `${health.deadline_ms} ms`, `fallback: ${health.fallback}`),
		card("Header check", health.sign_headers ?? "–", `admin API ${health.admin_api}`),
	);
	$("overview-cards").firstChild.classList.add(health.ok ? "good" : "bad");
	const m = metrics.body;
	$("overview-metrics").replaceChildren(
		card("Requests", String(m.requests), `${m.tests} is_test apart`),
		card("Accept rate", pct(m.accept_rate), `${m.takes} takes`),
		card("Processing p50 / p99", `${orDash(m.processing_ms.p50)} / ${orDash(m.processing_ms.p99)} ms`),
		card(
			"Fallbacks",
			String(m.fallbacks.deadline + m.fallbacks.storage_error),
			`deadline ${m.fallbacks.deadline}, storage ${m.fallbacks.storage_error}`,
		),
		card(
			"Storage tiers",
			`${m.tiers.memory} / ${m.tiers.cache_api} / ${m.tiers.kv}`,
			"memory / Cache API / KV",
		),
		card(
			"Analytics Engine",
			m.analytics.dataset,
			`${m.analytics.written} points written, ${m.analytics.failed} failed`,
		),
	);
	const codes = Object.entries(m.by_code).sort((x, y) => y[1] - x[1]);
	$("overview-codes").replaceChildren(
		h("tr", {}, h("th", {}, "code"), h("th", {}, "answers"), h("th", {}, "share")),
		...(codes.length === 0
			? [h("tr", {}, h("td", { colSpan: 3, class: "muted" }, "no answers yet"))]
			: codes.map(([name, n]) =>
					h(
						"tr",
						{},
						h("td", {}, name),
						h("td", { class: "num" }, String(n)),
						h("td", { class: "num" }, pct(n / m.requests)),
					),
				)),
	);
	$("overview-chart").replaceChildren(minuteChart(m.per_minute));
	const hits = a.hits ?? {};
	$("overview-audience").replaceChildren(
		h(
			"tr",
			{},
			h("th", {}, "memory hits"),
			h("th", {}, "Cache API reads"),
			h("th", {}, "KV reads"),
			h("th", {}, "previous snapshot"),
			h("th", {}, "shards in memory"),
			h("th", {}, "deltas"),
		),
		h(
			"tr",
			{},
			h("td", { class: "num" }, orDash(hits.memory)),
			h("td", { class: "num" }, orDash(hits.cache_api)),
			h("td", { class: "num" }, orDash(hits.kv)),
			h("td", { class: "num" }, orDash(hits.previous_snapshot)),
			h(
				"td",
				{ class: "num" },
				a.memory ? `${a.memory.shards} (${(a.memory.bytes / 1024).toFixed(0)} KiB)` : "–",
			),
			h("td", { class: "num" }, a.deltas ? `${a.deltas.blobs} blobs, ${a.deltas.ops} ops` : "–"),
		),
	);
}

/** Requests per minute as bars, p99 as dots, in inline SVG (no chart library). */
function minuteChart(minutes) {
	const ns = "http://www.w3.org/2000/svg";
	const svg = (tag, attrs, text) => {
		const el = document.createElementNS(ns, tag);
		for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
		if (text !== undefined) el.textContent = text;
		return el;
	};
	const W = 480;
	const H = 160;
	const root = svg("svg", {
		viewBox: `0 0 ${W} ${H + 30}`,
		role: "img",
		"aria-label": "requests and p99 per minute",
	});
	if (minutes.length === 0) {
		root.append(svg("text", { x: 10, y: 80, class: "muted" }, "no requests in the last hour"));
		return root;
	}
	const maxReq = Math.max(1, ...minutes.map((m) => m.requests));
	const maxMs = Math.max(1, ...minutes.map((m) => m.p99_ms ?? 0));
	const step = (W - 40) / minutes.length;
	minutes.forEach((m, i) => {
		const x = 30 + i * step;
		const bh = (m.requests / maxReq) * H;
		root.append(
			svg("rect", { x, y: H - bh + 10, width: Math.max(2, step - 2), height: bh, class: "bar" }, undefined),
		);
		if (m.p99_ms !== null)
			root.append(
				svg("circle", { cx: x + step / 2, cy: H - (m.p99_ms / maxMs) * H + 10, r: 3, class: "dot" }),
			);
	});
	root.append(svg("text", { x: 0, y: 12 }, String(maxReq)));
	root.append(
		svg(
			"text",
			{ x: 0, y: H + 25 },
			`${minutes[0].minute.slice(11, 16)} – ${minutes.at(-1).minute.slice(11, 16)} UTC · bars: requests · dots: p99 (max ${maxMs} ms)`,
		),
	);
	return root;
}

// ---------------------------------------------------------------- debug tool

const ID_TYPES = [
	"imei",
	"idfa",
	"oaid",
	"android_id",
	"mac",
	"caid",
	"imei_md5",
	"idfa_md5",
	"oaid_md5",
	"android_id_md5",
	"mac_md5",
	"caid_md5",
];

function addIdRow(type = "imei", value = "") {
	const row = h(
		"div",
		{ class: "row id-row" },
		h(
			"select",
			{ class: "id-type", "aria-label": "id type" },
			...ID_TYPES.map((t) => h("option", { value: t, selected: t === type }, t)),
		),
		h("input", {
			class: "id-value",
			"aria-label": "id value",
			value,
			placeholder: "raw id, or md5 for *_md5",
		}),
		h("button", { type: "button", class: "link", onclick: () => row.remove() }, "remove"),
	);
	$("debug-ids").append(row);
}

const PRESETS = {
	take: { ids: [["imei", "354649050046412"]], os: "android", cached: "IMEI_MD5", stage: "first", ads: "" },
	refuse: { ids: [["oaid", "demo-oaid-0001"]], os: "android", cached: "OAID_MD5", stage: "first", ads: "" },
	adlist: {
		ids: [["imei", "354649050046412"]],
		os: "android",
		cached: "IMEI_MD5",
		stage: "adlist",
		ads: "1001 7 st_new_user\n1002",
	},
};

function applyPreset(name) {
	const p = PRESETS[name];
	$("debug-ids").replaceChildren();
	for (const [t, v] of p.ids) addIdRow(t, v);
	$("debug-os").value = p.os;
	$("debug-cached").value = p.cached;
	$("debug-exps").value = "";
	$("debug-appid").value = "";
	$("debug-openid").value = "";
	for (const r of document.querySelectorAll("input[name=stage]")) r.checked = r.value === p.stage;
	$("debug-ads").value = p.ads;
	syncStage();
}

function syncStage() {
	$("debug-ads-label").hidden = document.querySelector("input[name=stage]:checked").value !== "adlist";
}

function debugForm() {
	const form = { is_test: $("debug-test").checked };
	const ids = [...document.querySelectorAll(".id-row")]
		.map((r) => ({
			type: r.querySelector(".id-type").value,
			value: r.querySelector(".id-value").value.trim(),
		}))
		.filter((x) => x.value !== "");
	if (ids.length > 0) form.ids = ids;
	if ($("debug-os").value !== "") form.os = $("debug-os").value;
	if ($("debug-cached").value !== "") form.cached_deviceid_type = $("debug-cached").value;
	const exps = $("debug-exps")
		.value.split(/[\s,]+/)
		.filter((x) => x !== "");
	if (exps.length > 0) form.exps = exps.map((x) => (/^\d+$/.test(x) ? Number(x) : x));
	if ($("debug-openid").value.trim() !== "")
		form.openids = [{ appid: $("debug-appid").value.trim(), openid: $("debug-openid").value.trim() }];
	form.stage = document.querySelector("input[name=stage]:checked").value;
	if (form.stage === "adlist") {
		form.ad_infos = $("debug-ads")
			.value.split("\n")
			.map((l) => l.trim())
			.filter((l) => l !== "")
			.map((line) => {
				const [adgroup, creatives, target] = line.split(/\s+/);
				const ad = { adgroup_id: adgroup };
				if (creatives) ad.creative_ids = creatives.split(",").filter((c) => c !== "");
				if (target) ad.out_target_id = target;
				return ad;
			});
	}
	return form;
}

async function runDebug(event) {
	event.preventDefault();
	$("debug-error").textContent = "";
	const { status, body } = await api("POST", "/admin/debug", debugForm());
	if (status !== 200) {
		$("debug-result").hidden = true;
		$("debug-error").textContent = errorText(body);
		return;
	}
	$("debug-result").hidden = false;
	const e = body.explain;
	const answer = body.response?.json ?? {};
	const taken = answer.code === undefined || answer.code === 0;
	const targets = answer.out_target_id ?? [];
	$("debug-summary").className = `verdict ${taken && targets.length > 0 ? "good" : "bad"}`;
	$("debug-summary").replaceChildren(
		h("b", {}, `code ${answer.code ?? 0} ${e.code_name}`),
		targets.length > 0 ? ` · strategies ${targets.join(", ")}` : "",
		` · ${e.reason ?? ""}`,
		` · HTTP ${body.http_status}, ${body.request.bytes} request bytes, ${body.response?.bytes ?? 0} answer bytes`,
		body.agrees
			? ""
			: h(
					"div",
					{ class: "note" },
					"/rta and explain differ: a change is still propagating to this isolate (CONFIG_REFRESH_SECONDS)",
				),
	);
	$("debug-response").textContent = JSON.stringify(answer, null, 2);
	$("debug-request").textContent = JSON.stringify(body.request.json, null, 2);
	$("debug-hex").textContent = body.request.hex;
	$("debug-b64").textContent = body.request.base64;
	$("debug-why").replaceChildren(...explainView(e).filter((x) => x !== null));
}

function explainView(e) {
	const out = [];
	const ids = e.ids ?? [];
	out.push(
		h("h4", {}, "Ids"),
		h(
			"table",
			{},
			h("tr", {}, h("th", {}, "id"), h("th", {}, "from"), h("th", {}, "active segments")),
			...ids.map((i) =>
				h(
					"tr",
					{},
					h("td", { class: "mono" }, i.key),
					h("td", {}, i.source),
					h(
						"td",
						{},
						i.effective ? i.effective.active_segments.join(", ") || "(none active)" : "not in the audience",
					),
				),
			),
			...(e.skipped_ids ?? []).map((s) =>
				h(
					"tr",
					{ class: "muted" },
					h("td", {}, s.type),
					h("td", {}, s.source),
					h("td", {}, `skipped: ${s.reason}`),
				),
			),
		),
	);
	if (ids.length === 0 && (e.skipped_ids ?? []).length === 0)
		out.push(h("p", { class: "muted" }, e.reason ?? "no ids"));
	if (e.segments) out.push(h("p", {}, h("b", {}, "United segments: "), e.segments.join(", ") || "(none)"));
	if (e.strategies) {
		out.push(
			h("h4", {}, "Strategies"),
			h(
				"table",
				{},
				h("tr", {}, h("th", {}, "strategy"), h("th", {}, "selected"), h("th", {}, "why")),
				...e.strategies.map((s) =>
					h(
						"tr",
						{ class: s.selected ? "good" : "" },
						h("td", {}, s.id),
						h("td", {}, s.selected ? "yes" : "no"),
						h("td", {}, s.reason),
					),
				),
			),
		);
	}
	if (e.ads) {
		const price = (x) =>
			[x.cpc_price !== null ? `CPC ${x.cpc_price}` : "", x.cpa_price != null ? `CPA ${x.cpa_price}` : ""]
				.filter((p) => p !== "")
				.join(", ") || "–";
		out.push(
			h("h4", {}, "Ads (second stage)"),
			e.second_stage_configured === false
				? h("p", { class: "muted" }, "the stored config has no second_stage rules")
				: null,
			h(
				"table",
				{ id: "debug-ads-trace" },
				h(
					"tr",
					{},
					h("th", {}, "ad group"),
					h("th", {}, "result"),
					h("th", {}, "rule"),
					h("th", {}, "effective price (fen)"),
				),
				...e.ads.map((ad) =>
					h(
						"tr",
						{ class: ad.result === "priced" ? "good" : "" },
						h("td", { class: "mono" }, ad.adgroup_id),
						h("td", {}, ad.result),
						h(
							"td",
							{},
							[ad.adgroup_rule, ...ad.creative_rules.map((c) => `${c.rule} (creative ${c.creative_id})`)]
								.filter(Boolean)
								.join("; ") || "–",
						),
						h("td", {}, ad.effective ? price(ad.effective.adgroup) : "–"),
					),
				),
			),
		);
	}
	if (e.config_version)
		out.push(
			h(
				"p",
				{ class: "muted" },
				`config ${e.config_version}; experiments ${(e.exp_ids ?? []).join(", ") || "none"}`,
			),
		);
	return out;
}

// ---------------------------------------------------------------- strategy config

let stored = null; // { version, updated_at, config } as GET /admin/config returns it

async function loadConfig() {
	const { status, body } = await api("GET", "/admin/config");
	$("config-errors").replaceChildren();
	$("config-diff-out").hidden = true;
	if (status === 404) {
		stored = null;
		$("config-version").textContent = "nothing stored";
		$("config-text").value = JSON.stringify({ response_cache_time: 7200, strategies: [] }, null, 2);
		return;
	}
	if (status !== 200) {
		$("config-status").textContent = errorText(body);
		return;
	}
	stored = body;
	$("config-version").textContent = `version ${body.version}`;
	$("config-status").textContent =
		`stored ${body.updated_at}; this isolate answers with ${orDash(body.loaded_version)}`;
	$("config-text").value = JSON.stringify(body.config, null, 2);
}

/**
 * Where each JSON path of a text is: a tolerant walk over the JSON that records, for every value,
 * its span (and for object members, the span from the key on) under the validator's path syntax
 * (`$.strategies[0].bid.cpc_factor`).
 */
function locatePaths(text) {
	const spans = new Map();
	let i = 0;
	const ws = () => {
		while (i < text.length && /\s/.test(text[i])) i++;
	};
	const str = () => {
		const start = i;
		i++;
		while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
		i++;
		return JSON.parse(text.slice(start, i));
	};
	const value = (path, from) => {
		ws();
		const start = i;
		const c = text[i];
		if (c === "{") {
			i++;
			ws();
			if (text[i] === "}") i++;
			else
				for (;;) {
					ws();
					const keyStart = i;
					const key = str();
					ws();
					i++; // :
					value(`${path}.${key}`, keyStart);
					ws();
					if (text[i] === ",") {
						i++;
						continue;
					}
					i++;
					break;
				}
		} else if (c === "[") {
			i++;
			ws();
			let n = 0;
			if (text[i] === "]") i++;
			else
				for (;;) {
					value(`${path}[${n++}]`, undefined);
					ws();
					if (text[i] === ",") {
						i++;
						continue;
					}
					i++;
					break;
				}
		} else if (c === '"') str();
		else while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
		spans.set(path, { start: from ?? start, end: i });
	};
	value("$", undefined);
	return spans;
}

function lineOf(text, offset) {
	return text.slice(0, offset).split("\n").length;
}

/** Selects the text of a JSON path in the editor (or its nearest existing parent). */
function selectPath(path) {
	const area = $("config-text");
	const spans = locatePaths(area.value);
	let p = path;
	while (!spans.has(p) && p !== "$") p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
	const span = spans.get(p);
	if (!span) return;
	area.focus();
	area.setSelectionRange(span.start, span.end);
	const line = lineOf(area.value, span.start);
	area.scrollTop = Math.max(0, (line - 3) * (area.scrollHeight / area.value.split("\n").length));
}

function editedConfig() {
	try {
		return { ok: true, value: JSON.parse($("config-text").value) };
	} catch (e) {
		return { ok: false, message: e.message };
	}
}

function showIssues(list, kind) {
	const text = $("config-text").value;
	let spans = new Map();
	try {
		spans = locatePaths(text);
	} catch {
		// a text the walk cannot follow: paths are still listed
	}
	$("config-errors").replaceChildren(
		...list.map((issue) => {
			const span = spans.get(issue.path);
			return h(
				"li",
				{ class: kind },
				h(
					"button",
					{ type: "button", class: "link path", onclick: () => selectPath(issue.path) },
					issue.path,
				),
				span ? h("span", { class: "muted" }, ` line ${lineOf(text, span.start)}`) : "",
				` — ${issue.message}`,
			);
		}),
	);
}

async function putConfig(dryRun) {
	$("config-diff-out").hidden = true;
	const edited = editedConfig();
	if (!edited.ok) {
		$("config-status").className = "error";
		$("config-status").textContent = `Not JSON: ${edited.message}`;
		$("config-errors").replaceChildren();
		return;
	}
	const before = stored?.version ?? null;
	const { status, body } = await api("PUT", `/admin/config${dryRun ? "?dry_run=1" : ""}`, edited.value);
	if (status === 400 && body?.error?.code === "INVALID_CONFIG") {
		$("config-status").className = "error";
		$("config-status").textContent = body.error.message;
		showIssues(body.error.errors, "error");
		return;
	}
	if (status !== 200) {
		$("config-status").className = "error";
		$("config-status").textContent = errorText(body);
		$("config-errors").replaceChildren();
		return;
	}
	$("config-status").className = "ok";
	showIssues(body.warnings ?? [], "warning");
	if (dryRun) {
		$("config-status").textContent =
			`Valid: ${body.strategies} strategies, response_cache_time ${body.response_cache_time} s, would be version ${body.version} (nothing stored)`;
		return;
	}
	$("config-status").textContent =
		`Saved version ${body.version}${before && before !== body.version ? ` (was ${before})` : before === body.version ? " (unchanged)" : ""}: ${body.strategies} strategies`;
	stored = { version: body.version, updated_at: body.updated_at, config: edited.value };
	$("config-version").textContent = `version ${body.version}`;
}

/** A line diff (longest common subsequence) of the stored config against the edited text. */
function diffLines(a, b) {
	const n = a.length;
	const m = b.length;
	const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
	for (let i = n - 1; i >= 0; i--)
		for (let j = m - 1; j >= 0; j--)
			lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
	const out = [];
	let i = 0;
	let j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && a[i] === b[j]) {
			out.push([" ", a[i]]);
			i++;
			j++;
		} else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) out.push(["+", b[j++]]);
		else out.push(["-", a[i++]]);
	}
	return out;
}

function showDiff() {
	const edited = editedConfig();
	const mine = edited.ok ? JSON.stringify(edited.value, null, 2) : $("config-text").value;
	const theirs = stored === null ? "" : JSON.stringify(stored.config, null, 2);
	const lines = diffLines(theirs === "" ? [] : theirs.split("\n"), mine.split("\n")).slice(0, 4000);
	const changed = lines.filter(([k]) => k !== " ").length;
	const out = $("config-diff-out");
	out.hidden = false;
	out.replaceChildren(
		h(
			"div",
			{ class: "muted" },
			changed === 0
				? "no difference from the stored version"
				: `${changed} changed line(s) against version ${stored?.version ?? "(none)"}`,
		),
		...lines
			.filter(([k], idx) => k !== " " || lines.slice(Math.max(0, idx - 2), idx + 3).some(([x]) => x !== " "))
			.map(([k, text]) => h("div", { class: k === "+" ? "add" : k === "-" ? "del" : "" }, `${k} ${text}`)),
	);
}

// ---------------------------------------------------------------- audience

async function lookup(event) {
	event.preventDefault();
	$("audience-error").textContent = "";
	const type = $("audience-type").value;
	const id = $("audience-id").value.trim();
	const { status, body } = await api(
		"GET",
		`/admin/audience/${encodeURIComponent(type)}/${encodeURIComponent(id)}`,
	);
	if (status === 404) {
		$("audience-result").replaceChildren(
			h("p", { class: "muted" }, `${type} ${id}: neither the snapshot nor a delta knows this id`),
		);
		return;
	}
	if (status !== 200) {
		$("audience-result").replaceChildren();
		$("audience-error").textContent = errorText(body);
		return;
	}
	const eff = body.effective;
	$("audience-result").replaceChildren(
		h("p", {}, h("b", {}, body.key)),
		h(
			"table",
			{},
			h("tr", {}, h("th", {}, "source"), h("th", {}, "segments"), h("th", {}, "active")),
			h(
				"tr",
				{},
				h(
					"td",
					{},
					body.snapshot ? `snapshot ${body.snapshot.snapshot_id} (shard ${body.snapshot.shard})` : "snapshot",
				),
				h("td", {}, body.snapshot?.record ? body.snapshot.record.segments.join(", ") : "not in it"),
				h("td", {}, body.snapshot?.record ? body.snapshot.record.active_segments.join(", ") : "–"),
			),
			...(body.deltas ?? []).map((d) =>
				h(
					"tr",
					{},
					h("td", {}, `delta ${d.created_at}`),
					h(
						"td",
						{ colSpan: 2, class: "mono" },
						d.ops.map((o) => `${o.op} ${(o.segments ?? []).join(", ")}`).join("; "),
					),
				),
			),
			h(
				"tr",
				{ class: "good" },
				h("td", {}, h("b", {}, "effective")),
				h("td", {}, eff ? eff.segments.join(", ") : "deleted"),
				h("td", {}, eff ? eff.active_segments.join(", ") : "–"),
			),
		),
	);
}

async function upload(event) {
	event.preventDefault();
	const file = $("upload-file").files[0];
	if (!file) return;
	if (file.size > 1024 * 1024) {
		$("upload-result").replaceChildren(
			h(
				"p",
				{ class: "error" },
				`${file.name} is ${file.size} bytes: use txad audience upload for more than 1 MiB`,
			),
		);
		return;
	}
	const { status, body } = await api(
		"POST",
		`/admin/audience?mode=${$("upload-mode").value}`,
		await file.text(),
		"application/x-ndjson",
	);
	if (typeof body !== "object" || body === null || body.error) {
		$("upload-result").replaceChildren(h("p", { class: "error" }, errorText(body)));
		return;
	}
	$("upload-result").replaceChildren(
		h(
			"p",
			{ class: status === 200 ? "ok" : "error" },
			`${body.lines} lines: ${body.accepted} stored${body.delta_key ? ` (${body.delta_key})` : ""}, ${body.rejected} rejected`,
		),
		...(body.errors.length === 0
			? []
			: [
					h(
						"ul",
						{ class: "errors" },
						...body.errors.map((e) =>
							h("li", { class: "error" }, `line ${e.line}${e.field ? ` (${e.field})` : ""}: ${e.message}`),
						),
					),
				]),
	);
}

// ---------------------------------------------------------------- wiring

$("login-form").addEventListener("submit", (e) => void login(e));
$("logout").addEventListener("click", () => logout());
$("overview-refresh").addEventListener("click", () => void loadOverview());
$("debug-form").addEventListener("submit", (e) => void runDebug(e));
$("debug-add-id").addEventListener("click", () => addIdRow());
for (const b of document.querySelectorAll(".preset"))
	b.addEventListener("click", () => applyPreset(b.dataset.preset));
for (const r of document.querySelectorAll("input[name=stage]")) r.addEventListener("change", syncStage);
$("config-validate").addEventListener("click", () => void putConfig(true));
$("config-save").addEventListener("click", () => void putConfig(false));
$("config-diff").addEventListener("click", showDiff);
$("config-reload").addEventListener("click", () => void loadConfig());
$("audience-form").addEventListener("submit", (e) => void lookup(e));
$("upload-form").addEventListener("submit", (e) => void upload(e));
window.addEventListener("hashchange", route);
window.addEventListener("unhandledrejection", (e) => {
	if (e.reason?.message !== "unauthorized") console.error(e.reason);
});
applyPreset("take");
route();
