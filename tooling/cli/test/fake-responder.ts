/**
 * A scripted stand-in for apps/rta-responder (plain node:http) that lets unit tests drive exact
 * outcomes — slow answers, errors — which the real responder would never produce on demand.
 * The end-to-end tests run against the real responder instead (responder.e2e.test.ts).
 * @module
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { decodeRtaRequest, encodeRtaResponse, RtaResponseSchema } from "@txad/proto";

/** Behaviour of the stand-in. */
export interface FakeResponderOptions {
	/**
	 * md5s to take — or openids, sent under `openidAppid` — everything else is refused with code 4
	 * (the responder's NO_STRATEGY).
	 */
	audience: ReadonlySet<string>;
	/** Openid mode: only openids under this appid are looked up. */
	openidAppid?: string;
	/** Every n-th request answers after `slowMs` (0 = never). */
	slowEvery?: number;
	slowMs?: number;
	/** Every n-th request gets HTTP 500 (0 = never). */
	failEvery?: number;
}

/** A running stand-in. */
export interface FakeResponder {
	url: URL;
	requests: () => number;
	close(): Promise<void>;
}

/**
 * Starts the stand-in on a free loopback port.
 * @param options - behaviour
 * @returns its URL and a close function
 */
export async function startFakeResponder(options: FakeResponderOptions): Promise<FakeResponder> {
	let count = 0;
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const n = ++count;
			if (options.failEvery && n % options.failEvery === 0) {
				res.writeHead(500).end();
				return;
			}
			const rta = decodeRtaRequest(Buffer.concat(chunks));
			const d = rta.device;
			const ids =
				d === undefined
					? []
					: options.openidAppid !== undefined
						? d.wxOpenid.filter((w) => w.appid === options.openidAppid).map((w) => w.openid)
						: [
								d.idfaMd5sum,
								d.imeiMd5sum,
								d.oaidMd5sum,
								d.androidIdMd5sum,
								...d.qaidInfos.map((q) => q.qaidMd5sum),
							];
			const hit = ids.some((id) => id !== "" && options.audience.has(id));
			const response = rta.isPing
				? create(RtaResponseSchema, { requestId: rta.id, code: 8 })
				: create(RtaResponseSchema, {
						requestId: rta.id,
						code: hit ? 0 : 4,
						...(hit ? { outTargetId: ["s1"] } : {}),
					});
			const send = () => {
				res.writeHead(200, { "content-type": "application/x-protobuf" });
				res.end(encodeRtaResponse(response));
			};
			if (options.slowEvery && n % options.slowEvery === 0) setTimeout(send, options.slowMs ?? 200);
			else send();
		});
	});
	server.listen(0, "127.0.0.1");
	await once(server, "listening");
	return {
		url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/rta`),
		requests: () => count,
		close: async () => {
			server.closeAllConnections();
			server.close();
			await once(server, "close");
		},
	};
}
