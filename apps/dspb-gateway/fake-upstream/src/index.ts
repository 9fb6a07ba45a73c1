/**
 * A local stand-in for 优量汇's DSP-B ad server (docs/dspb/protocol.md), for the gateway's tests, its
 * benchmark and `npm start`; never deployed. It verifies `sign` (107073 / 107074 / 107075 like the
 * real one), checks the fields the guide requires per platform (checks.ts), answers ads of every
 * interact type and jump kind (catalog.ts), answers ret codes, HTTP errors and delays on demand
 * (accounts.ts `faultOf`), and logs every report and win/loss notice, decrypting the price with
 * the dev private key (dev-keys.ts, DEV ONLY).
 *
 *   GET  /api/v3                 the ad request endpoint
 *   GET  /win, /loss             win / loss notices (logged with the decrypted price)
 *   GET  /v/imp, /v/video, /c/click, /conv…   impression, video, click and conversion reports
 *   GET  /__requests?pos=…       the ad requests seen (attempts, X-Forwarded-For, ret)
 *   GET  /__notices?ad=…         the notices seen, prices decrypted
 *   GET  /__reports?ad=…         the reports seen
 * @module
 */
import { describeRet } from "@txad/dspb";
import { faultOf } from "./accounts.ts";
import { adsFor } from "./catalog.ts";
import { checkAdRequest } from "./checks.ts";
import { decryptPrice } from "./price.ts";

const MAX_RECORDS = 1000;

interface RequestRecord {
	at: string;
	pos_id: string | null;
	attempt: number;
	status: number;
	ret: number | null;
	ads: number;
	x_forwarded_for: string | null;
	user_agent: string | null;
	device_os: string | null;
	device_model: string | null;
	sign: string | null;
}

const requests: RequestRecord[] = [];
const notices: Record<string, unknown>[] = [];
const reports: Record<string, unknown>[] = [];
/** Attempts seen per signed request (the retry repeats the same URL, so the same sign). */
const attemptsBySign = new Map<string, number>();

function keep<T>(list: T[], item: T): void {
	list.push(item);
	if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
}

const json = (body: unknown, status = 200) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { "content-type": "application/json; charset=utf-8" },
	});

function log(event: string, fields: Record<string, unknown>): void {
	console.log(JSON.stringify({ source: "fake-dspb", event, ...fields }));
}

async function handleAdRequest(request: Request, url: URL): Promise<Response> {
	const q = url.searchParams;
	const sign = q.get("sign");
	const attempt = sign === null ? 1 : (attemptsBySign.get(sign) ?? 0) + 1;
	if (sign !== null) {
		attemptsBySign.set(sign, attempt);
		if (attemptsBySign.size > MAX_RECORDS)
			attemptsBySign.delete(attemptsBySign.keys().next().value as string);
	}
	const posId = /"id"\s*:\s*"?([0-9]+)/.exec(q.get("pos") ?? "")?.[1] ?? null;
	const device = (() => {
		try {
			return JSON.parse(q.get("device") ?? "{}") as Record<string, unknown>;
		} catch {
			return {};
		}
	})();
	const record: RequestRecord = {
		at: new Date().toISOString(),
		pos_id: posId,
		attempt,
		status: 200,
		ret: null,
		ads: 0,
		x_forwarded_for: request.headers.get("x-forwarded-for"),
		user_agent: request.headers.get("user-agent"),
		device_os: typeof device.os === "string" ? device.os : null,
		device_model: typeof device.model === "string" ? device.model : null,
		sign,
	};
	keep(requests, record);

	const fault = posId === null ? undefined : faultOf(posId);
	if (fault?.kind === "http" || (fault?.kind === "http_once" && attempt === 1)) {
		record.status = fault.status;
		log("ad_request", { pos_id: posId, attempt, status: fault.status });
		return new Response(`fake 优量汇: HTTP ${fault.status} on demand`, { status: fault.status });
	}
	if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));

	const checked = await checkAdRequest(q);
	if (!checked.ok) {
		record.ret = checked.ret;
		log("ad_request_rejected", { pos_id: posId, ret: checked.ret, msg: checked.msg });
		return json({ ret: checked.ret, msg: checked.msg, data: {} });
	}
	if (fault?.kind === "ret") {
		record.ret = fault.ret;
		log("ad_request", { pos_id: posId, attempt, ret: fault.ret });
		return json({ ret: fault.ret, msg: describeRet(fault.ret) ?? "on demand", data: {} });
	}
	const req = checked.request;
	const list = adsFor(req, url.origin, req.placement?.bidding ?? false);
	record.ret = 0;
	record.ads = list.length;
	log("ad_request", {
		pos_id: req.posId,
		attempt,
		ads: list.length,
		x_forwarded_for: record.x_forwarded_for,
	});
	return json({ ret: 0, msg: "", data: { [req.posId]: { list } } });
}

async function handleNotice(kind: "win" | "loss", url: URL): Promise<Response> {
	const q = url.searchParams;
	const raw = q.get("price") ?? "";
	const price = raw === "" ? undefined : await decryptPrice(raw);
	const notice = {
		at: new Date().toISOString(),
		kind,
		ad_id: q.get("ad"),
		pos_id: q.get("pos"),
		ad_kind: q.get("kind"),
		price_fen: price?.ok ? price.priceFen : null,
		price_padding: price?.ok ? price.padding : null,
		price_error: price !== undefined && !price.ok ? price.error : null,
		encrypted_price: raw === "" ? null : raw,
		...(kind === "loss" ? { loss_reason: q.get("loss") || null, seat_id: q.get("seat") || null } : {}),
		unfilled_macros: [...new Set(url.search.match(/__[A-Z][A-Z0-9_]*?__/g) ?? [])],
	};
	keep(notices, notice);
	log(`${kind}_notice`, notice);
	return json({ ret: 0, msg: "" });
}

function handleReport(kind: string, url: URL): Response {
	const q = url.searchParams;
	const report = {
		at: new Date().toISOString(),
		kind,
		ad_id: q.get("ad") ?? q.get("click_id")?.replace(/^fake/, "") ?? null,
		query: Object.fromEntries(q),
		unfilled_macros: [...new Set(decodeURIComponent(url.search).match(/__[A-Z][A-Z0-9_]*?__/g) ?? [])],
	};
	keep(reports, report);
	log(`${kind}_report`, report);
	// DSP-B guide 点击上报-响应处理流程: web-ad clicks answer 302 (to the landing page), download-ad clicks 200.
	if (kind === "click" && q.get("it") === "0") {
		return new Response(null, { status: 302, headers: { location: `${url.origin}/landing/${q.get("ad")}` } });
	}
	return json({ ret: 0, msg: "" });
}

function filtered(
	list: Record<string, unknown>[],
	key: string,
	value: string | null,
): Record<string, unknown>[] {
	return value === null ? list : list.filter((r) => r[key] === value);
}

export default {
	async fetch(request: Request): Promise<Response> {
		const url = new URL(request.url);
		const path = url.pathname;
		if (request.method === "GET" && path === "/api/v3") return handleAdRequest(request, url);
		if (request.method === "GET" && path === "/win") return handleNotice("win", url);
		if (request.method === "GET" && path === "/loss") return handleNotice("loss", url);
		if (request.method === "GET" && path === "/v/imp") return handleReport("impression", url);
		if (request.method === "GET" && path === "/v/video") return handleReport("video_view", url);
		if (request.method === "GET" && path === "/c/click") return handleReport("click", url);
		if (request.method === "GET" && path.startsWith("/conv")) return handleReport("conversion", url);
		if (path === "/__requests")
			return json(
				filtered(requests as unknown as Record<string, unknown>[], "pos_id", url.searchParams.get("pos")),
			);
		if (path === "/__notices") return json(filtered(notices, "ad_id", url.searchParams.get("ad")));
		if (path === "/__reports") return json(filtered(reports, "ad_id", url.searchParams.get("ad")));
		if (path.startsWith("/landing/")) {
			return new Response(`fake landing page of ad ${path.slice(9)}\n`, {
				headers: { "content-type": "text/plain" },
			});
		}
		if (path === "/") {
			return new Response(
				"fake 优量汇 (DSP-B) for local use: GET /api/v3, /win, /loss, /__requests, /__notices, /__reports\n",
				{ headers: { "content-type": "text/plain; charset=utf-8" } },
			);
		}
		return json({ ret: -1, msg: `no such route: ${request.method} ${path}` }, 404);
	},
};
