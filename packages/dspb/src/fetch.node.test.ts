// Node only (excluded from the workerd run and the portable tsconfig): a real HTTP exchange
// against a node:http server on 127.0.0.1 that checks the sign and fails the first attempt.
// biome-ignore lint/correctness/noNodejsModules: this end-to-end test needs a local server; it never ships in the package
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyDspbSign } from "@txad/signing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { isDspbError } from "./errors.ts";
import { fetchAds } from "./fetch.ts";
import { SECRET, seedAndroid } from "./request.testdata.ts";
import { buildAdRequest } from "./request.ts";
import { SEED_NATIVE_RESPONSE } from "./seed.testdata.ts";

interface Seen {
	url: string;
	xff: string | undefined;
	signValid: boolean;
}

let server: Server;
let endpoint: string;
const seen: Seen[] = [];
let plan: number[] = [];

async function check(req: IncomingMessage): Promise<Seen> {
	const q = new URL(req.url ?? "/", "http://127.0.0.1").searchParams;
	const parts = {
		device: q.get("device") ?? "",
		media: q.get("media") ?? "",
		network: q.get("network") ?? "",
		pos: q.get("pos") ?? "",
		time_stamp: q.get("time_stamp") ?? "",
	};
	const signValid = await verifyDspbSign(SECRET, parts, q.get("sign") ?? "");
	const xff = req.headers["x-forwarded-for"];
	return { url: req.url ?? "", xff: Array.isArray(xff) ? xff[0] : xff, signValid };
}

beforeAll(async () => {
	server = createServer((req, res) => {
		void check(req).then((s) => {
			seen.push(s);
			const status = plan.shift() ?? 200;
			res.writeHead(status, { "content-type": "application/json" });
			res.end(status === 200 ? (s.signValid ? SEED_NATIVE_RESPONSE : '{"ret":107073,"msg":"sign"}') : "");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
});

afterAll(async () => {
	await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

describe("fetchAds over real HTTP (Node)", () => {
	it("503 then 200: one retry, the server verifies the sign both times", async ({ expect }) => {
		seen.length = 0;
		plan = [503, 200];
		const req = await buildAdRequest({ secret: SECRET, endpoint }, seedAndroid);
		const { ads, attempts } = await fetchAds(req);
		expect(attempts).toBe(2);
		expect(ads.map((a) => a.title)).toEqual(["链家717,租房换新季!", "沙城传说"]);
		expect(seen).toHaveLength(2);
		expect(seen.every((s) => s.signValid && s.xff === "14.17.22.35")).toBe(true);
	});

	it("a wrong secret reaches the server's ret 107073", async ({ expect }) => {
		seen.length = 0;
		plan = [200];
		const req = await buildAdRequest({ secret: "wrong", endpoint }, seedAndroid);
		const e = await fetchAds(req).catch((x: unknown) => x);
		expect(isDspbError(e) && e.retMeaning).toBe("请求签名校验不通过");
		expect(seen).toHaveLength(1);
	});

	it("500 twice: HTTP_ERROR, two requests and no third", async ({ expect }) => {
		seen.length = 0;
		plan = [500, 500, 200];
		const e = await fetchAds(await buildAdRequest({ secret: SECRET, endpoint }, seedAndroid)).catch(
			(x: unknown) => x,
		);
		expect(isDspbError(e) && e.code).toBe("HTTP_ERROR");
		expect(seen).toHaveLength(2);
	});
});
