import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import {
	decodeRtaRequest,
	encodeRtaRequest,
	encodeRtaResponse,
	RtaRequestSchema,
	RtaResponseSchema,
} from "@txad/proto";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createRtaClient } from "./rta-client.ts";

// A tiny stand-in target whose behaviour is chosen by the request id, to drive each outcome.
let server: Server;
let url: URL;
beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const rta = decodeRtaRequest(Buffer.concat(chunks));
			const answer = (bytes: Uint8Array, status = 200) => {
				res.writeHead(status, { "content-type": "application/x-protobuf" });
				res.end(bytes);
			};
			switch (rta.id) {
				case "slow":
					setTimeout(
						() => answer(encodeRtaResponse(create(RtaResponseSchema, { requestId: "slow", code: 0 }))),
						300,
					);
					return;
				case "500":
					return answer(new Uint8Array(), 500);
				case "garbage":
					return answer(new Uint8Array([0xff, 0xff, 0xff]));
				case "nocode":
					return answer(encodeRtaResponse(create(RtaResponseSchema, { requestId: "nocode" })));
				case "wrongid":
					return answer(encodeRtaResponse(create(RtaResponseSchema, { requestId: "other", code: 0 })));
				case "refuse":
					return answer(encodeRtaResponse(create(RtaResponseSchema, { requestId: "refuse", code: 1 })));
				default:
					return answer(
						encodeRtaResponse(create(RtaResponseSchema, { requestId: rta.id, code: 0, outTargetId: ["s1"] })),
					);
			}
		});
	});
	server.listen(0, "127.0.0.1");
	await once(server, "listening");
	url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/rta`);
});
afterAll(() => {
	server.closeAllConnections();
	server.close();
});

const body = (id: string) => encodeRtaRequest(create(RtaRequestSchema, { id }));

describe("createRtaClient", () => {
	it.for([
		["ok", "ok", undefined],
		["refuse", "ok", undefined],
		["slow", "timeout", undefined],
		["500", "error", "http_500"],
		["garbage", "error", "undecodable"],
		["nocode", "error", "code_missing"],
		["wrongid", "error", "request_id_mismatch"],
	] as const)("classifies %s as %s", async ([id, kind, reason], { expect }) => {
		const client = createRtaClient({ url, timeoutMs: 100 });
		try {
			const outcome = await client.send(body(id), id);
			expect(outcome.kind).toBe(kind);
			if (outcome.kind === "error") expect(outcome.reason).toBe(reason);
			if (outcome.kind === "timeout") expect(outcome.ms).toBeGreaterThanOrEqual(99);
			if (id === "refuse" && outcome.kind === "ok") expect(outcome.response.code).toBe(1);
		} finally {
			client.close();
		}
	});

	it("reports a refused connection as a network error without a status", async ({ expect }) => {
		const dead = createServer();
		dead.listen(0, "127.0.0.1");
		await once(dead, "listening");
		const port = (dead.address() as AddressInfo).port;
		dead.close();
		const client = createRtaClient({ url: new URL(`http://127.0.0.1:${port}/rta`), timeoutMs: 1000 });
		const outcome = await client.send(body("x"), "x");
		client.close();
		expect(outcome).toMatchObject({ kind: "error", reason: "ECONNREFUSED" });
		expect(outcome.kind === "error" ? outcome.status : 0).toBeUndefined();
	});

	it("sends the extra headers", async ({ expect }) => {
		const seen = once(server, "request");
		const client = createRtaClient({ url, timeoutMs: 1000, headers: [["x-rta-sign", "abc"]] });
		await client.send(body("ok"), "ok");
		client.close();
		const [req] = (await seen) as [{ headers: Record<string, string> }];
		expect(req.headers["x-rta-sign"]).toBe("abc");
		expect(req.headers["content-type"]).toBe("application/x-protobuf");
	});
});
