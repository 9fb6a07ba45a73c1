/**
 * `txad rta stats`: the numbers Tencent judges an RTA integration by — accept rate, refusals by
 * code, fallbacks, p50/p99 processing time per minute — from the responder's Workers Analytics
 * Engine dataset through the SQL API (docs/cloudflare/analytics-engine.md), or, with `--url`, from
 * one responder isolate's `GET /admin/metrics` (the same report shape, @txad/rta-metrics), which
 * is what works under `npm start`.
 * @module
 */
import {
	DEFAULT_DATASET,
	MAX_WINDOW_MINUTES,
	type RtaStats,
	type SqlJsonResult,
	statsFromResults,
	statsQueries,
} from "@txad/rta-metrics";
import { type Command, numberFlag, optionalString, parseFlags } from "../args.ts";
import { CliError, EXIT_OK } from "../errors.ts";
import type { Io } from "../io.ts";
import { formatTable } from "../lib/table.ts";

/** Cloudflare's API origin (the SQL API lives under it). */
export const DEFAULT_CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";

const HELP = `txad rta stats — accept rate, refusals by code, fallbacks, p50/p99 per minute

Usage: txad rta stats --account ID [--api-token T] [--dataset NAME] [--minutes N] [--json]
       txad rta stats --url RESPONDER_URL [--admin-token T] [--minutes N] [--json]

From the Analytics Engine dataset (every isolate, sampled counts):
  --account ID      Cloudflare account id (or env CLOUDFLARE_ACCOUNT_ID)
  --api-token T     API token with Account Analytics Read (or env CLOUDFLARE_API_TOKEN)
  --dataset NAME    dataset the responder writes (default ${DEFAULT_DATASET}, wrangler.jsonc)
  --api-url URL     API origin (default ${DEFAULT_CLOUDFLARE_API})

From one responder isolate (GET /admin/metrics; what works under npm start):
  --url URL         the responder's origin, e.g. http://127.0.0.1:8787
  --admin-token T   its ADMIN_TOKEN (or env TXAD_ADMIN_TOKEN)

  --minutes N       window ending now (default 60; at most ${MAX_WINDOW_MINUTES}, 60 with --url)
  --json            print the report as JSON (the same shape from both sources)

Live decisions only: is_test requests (Tencent's debug tool, the console's) are counted apart.
Pings and undecodable bodies are not decisions (the responder's /healthz counts them).
`;

/** `txad rta stats`. */
export const rtaStats: Command = {
	name: "rta stats",
	summary: "accept rate, refusals by code, fallbacks, p50/p99 per minute (Analytics Engine or one isolate)",
	help: HELP,
	async run(argv, io) {
		const { values } = parseFlags("rta stats", argv, {
			account: { type: "string" },
			"api-token": { type: "string" },
			dataset: { type: "string" },
			"api-url": { type: "string" },
			url: { type: "string" },
			"admin-token": { type: "string" },
			minutes: { type: "string" },
			json: { type: "boolean" },
		});
		const url = optionalString(values, "url");
		const minutes = numberFlag(values, "minutes", 60, {
			min: 1,
			max: url === undefined ? MAX_WINDOW_MINUTES : 60,
			integer: true,
		});
		const stats =
			url === undefined
				? await fromAnalyticsEngine(values, io, minutes)
				: await fromResponder(url, optionalString(values, "admin-token") ?? io.env.TXAD_ADMIN_TOKEN, minutes);
		io.out(
			values.json === true ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats, label(values, url)),
		);
		return EXIT_OK;
	},
};

function label(values: Record<string, unknown>, url: string | undefined): string {
	if (url !== undefined) return `one isolate of ${url} (GET /admin/metrics)`;
	return `Analytics Engine dataset ${(values.dataset as string | undefined) ?? DEFAULT_DATASET}, sampled estimates`;
}

async function fromAnalyticsEngine(
	values: Record<string, unknown>,
	io: Io,
	minutes: number,
): Promise<RtaStats> {
	const account = (values.account as string | undefined) ?? io.env.CLOUDFLARE_ACCOUNT_ID;
	if (account === undefined || !/^[0-9a-f]{32}$/.test(account))
		throw new CliError(
			"USAGE",
			`--account is required: the 32-hex Cloudflare account id (or CLOUDFLARE_ACCOUNT_ID)${account === undefined ? "" : `, got "${account}"`}; or --url for one responder`,
			{ field: "--account" },
		);
	const token = (values["api-token"] as string | undefined) ?? io.env.CLOUDFLARE_API_TOKEN;
	if (token === undefined || token === "")
		throw new CliError("USAGE", "--api-token is required (or set CLOUDFLARE_API_TOKEN)", {
			field: "--api-token",
		});
	const dataset = (values.dataset as string | undefined) ?? DEFAULT_DATASET;
	let queries: ReturnType<typeof statsQueries>;
	try {
		queries = statsQueries(dataset, minutes);
	} catch (e) {
		throw new CliError("USAGE", `--dataset: ${(e as Error).message}`, { field: "--dataset" });
	}
	const api = parseUrl((values["api-url"] as string | undefined) ?? DEFAULT_CLOUDFLARE_API, "--api-url");
	const endpoint = `${api.href.replace(/\/$/, "")}/accounts/${account}/analytics_engine/sql`;
	const toMs = Date.now();
	const ask = (sql: string) => postSql(endpoint, token, sql);
	const [totals, latency, perMinute] = await Promise.all([
		ask(queries.totals),
		ask(queries.latency),
		ask(queries.perMinute),
	]);
	try {
		return statsFromResults({ totals, latency, perMinute }, toMs - minutes * 60_000, toMs);
	} catch (e) {
		throw new CliError("NETWORK", `the SQL API answered something unexpected: ${(e as Error).message}`, {
			field: "--api-url",
		});
	}
}

async function postSql(endpoint: string, token: string, sql: string): Promise<SqlJsonResult> {
	let res: Response;
	try {
		res = await fetch(endpoint, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
			body: sql,
			signal: AbortSignal.timeout(30_000),
		});
	} catch (e) {
		throw new CliError("NETWORK", `cannot reach the SQL API at ${endpoint}: ${(e as Error).message}`, {
			field: "--api-url",
			cause: e,
		});
	}
	const text = await res.text();
	if (res.status === 401 || res.status === 403)
		throw new CliError(
			"NETWORK",
			`the SQL API refused the token (HTTP ${res.status}): it needs Account Analytics Read on this account`,
			{ field: "--api-token" },
		);
	if (!res.ok)
		throw new CliError("NETWORK", `the SQL API answered HTTP ${res.status}: ${text.slice(0, 300)}`, {
			field: "--dataset",
		});
	try {
		return JSON.parse(text) as SqlJsonResult;
	} catch {
		throw new CliError("NETWORK", `the SQL API answered non-JSON: ${text.slice(0, 200)}`, {
			field: "--api-url",
		});
	}
}

async function fromResponder(url: string, token: string | undefined, minutes: number): Promise<RtaStats> {
	const origin = parseUrl(url, "--url");
	if (token === undefined || token === "")
		throw new CliError("USAGE", "--admin-token is required with --url (or set TXAD_ADMIN_TOKEN)", {
			field: "--admin-token",
		});
	const endpoint = new URL(`/admin/metrics?minutes=${minutes}`, origin);
	let res: Response;
	try {
		res = await fetch(endpoint, {
			headers: { authorization: `Bearer ${token}` },
			signal: AbortSignal.timeout(10_000),
		});
	} catch (e) {
		throw new CliError("NETWORK", `cannot reach ${endpoint.href}: ${(e as Error).message}`, {
			field: "--url",
			cause: e,
		});
	}
	if (res.status === 401 || res.status === 503)
		throw new CliError("NETWORK", `the responder refused the admin token (HTTP ${res.status})`, {
			field: "--admin-token",
		});
	if (!res.ok)
		throw new CliError("NETWORK", `${endpoint.href} answered HTTP ${res.status}`, { field: "--url" });
	return (await res.json()) as RtaStats;
}

function parseUrl(raw: string, flag: string): URL {
	try {
		const url = new URL(raw);
		if (url.protocol === "http:" || url.protocol === "https:") return url;
	} catch {
		// reported below
	}
	throw new CliError("USAGE", `${flag} must be an http:// or https:// URL, got "${raw}"`, { field: flag });
}

const pct = (share: number | null) => (share === null ? "-" : `${(share * 100).toFixed(1)} %`);
const ms = (v: number | null) => (v === null ? "-" : String(v));

/**
 * The report as text: totals, refusals by code, fallbacks and tiers, then one row per minute.
 * @param s - the report
 * @param source - where it came from, for the first line
 * @returns the text
 */
export function formatStats(s: RtaStats, source: string): string {
	const lines = [
		`RTA decisions ${s.from} – ${s.to} (${s.minutes} min), ${source}`,
		`requests ${s.requests} (is_test ${s.tests}, not counted)   accept rate ${pct(s.accept_rate)}   p50 ${ms(s.processing_ms.p50)} ms   p99 ${ms(s.processing_ms.p99)} ms`,
		"",
	];
	const codes = Object.entries(s.by_code).sort((a, b) => b[1] - a[1]);
	lines.push(
		formatTable(
			["code", "requests", "share"],
			codes.map(([name, n]) => [name, String(n), pct(n / s.requests)]),
			[1, 2],
		),
	);
	lines.push(
		`fallbacks: ${Object.entries(s.fallbacks)
			.map(([k, v]) => `${k} ${v}`)
			.join(", ")}   tiers: ${Object.entries(s.tiers)
			.map(([k, v]) => `${k} ${v}`)
			.join(", ")}`,
		"",
	);
	if (s.per_minute.length === 0) lines.push("no requests in the window", "");
	else
		lines.push(
			formatTable(
				["minute (UTC)", "requests", "accept", "fallbacks", "p50 ms", "p99 ms"],
				s.per_minute.map((m) => [
					m.minute.slice(0, 16).replace("T", " "),
					String(m.requests),
					pct(m.accept_rate),
					String(m.fallbacks),
					ms(m.p50_ms),
					ms(m.p99_ms),
				]),
				[1, 2, 3, 4, 5],
			),
		);
	return lines.join("\n");
}
