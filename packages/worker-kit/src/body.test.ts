import { describe, it } from "vitest";
import { type BodySource, readBodyLimited, readBytesWithin, readJsonWithin, readTextWithin } from "./body.ts";

/** A stream of the given chunks; `stall` leaves it open after them, like a peer that went silent. */
function streamOf(chunks: Uint8Array[], stall = false): ReadableStream<Uint8Array> {
	return new ReadableStream<Uint8Array>({
		start(controller) {
			for (const chunk of chunks) controller.enqueue(chunk);
			if (!stall) controller.close();
		},
	});
}

/** A body source whose stream counts how many chunks were pulled from it. */
function counted(
	chunks: Uint8Array[],
	headers: Record<string, string> = {},
): BodySource & { pulls: () => number } {
	let pulls = 0;
	let i = 0;
	const body = new ReadableStream<Uint8Array>(
		{
			pull(controller) {
				pulls++;
				const chunk = chunks[i++];
				if (chunk === undefined) controller.close();
				else controller.enqueue(chunk);
			},
			// No read ahead: a pull happens only when the reader asks.
		},
		{ highWaterMark: 0 },
	);
	return { headers: new Headers(headers), body, pulls: () => pulls };
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const cjk = utf8("字".repeat(100)); // 300 bytes, 100 characters

describe("readBodyLimited", () => {
	it("counts bytes, not characters", async ({ expect }) => {
		expect((await readBodyLimited(streamOf([cjk]), 299)).kind).toBe("too_large");
		const ok = await readBodyLimited(streamOf([cjk.slice(0, 150), cjk.slice(150)]), 300);
		expect(ok.kind === "ok" && new TextDecoder().decode(ok.bytes)).toBe("字".repeat(100));
		expect(await readBodyLimited(null, 10)).toEqual({ kind: "ok", bytes: new Uint8Array() });
	});

	it("stops at the chunk that passes the limit and never reads the rest", async ({ expect }) => {
		const source = counted([new Uint8Array(6), new Uint8Array(6), new Uint8Array(6), new Uint8Array(6)]);
		expect(await readBodyLimited(source.body, 10)).toEqual({ kind: "too_large", limit: 10 });
		expect(source.pulls()).toBeLessThanOrEqual(3);
	});

	it("gives up on a stalled stream when the signal aborts, and cancels it with the reason", async ({
		expect,
	}) => {
		let cancelled: unknown;
		const stalled = new ReadableStream<Uint8Array>({
			start: (controller) => controller.enqueue(new Uint8Array([1])),
			cancel: (reason) => {
				cancelled = reason ?? "cancelled";
			},
		});
		const deadline = new AbortController();
		const reason = new Error("deadline");
		setTimeout(() => deadline.abort(reason), 30);
		const started = Date.now();
		await expect(readBodyLimited(stalled, 100, deadline.signal)).rejects.toBe(reason);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(cancelled).toBeDefined();
	});

	it("rejects at once when the signal has already aborted", async ({ expect }) => {
		const controller = new AbortController();
		controller.abort(new Error("too late"));
		await expect(readBodyLimited(streamOf([], true), 100, controller.signal)).rejects.toThrow("too late");
	});
});

describe("readBytesWithin", () => {
	it("reads the bytes as they are, up to the limit", async ({ expect }) => {
		const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0xff, 0x00]);
		expect(await readBytesWithin(counted([bytes.slice(0, 2), bytes.slice(2)]), 5)).toEqual({
			kind: "ok",
			bytes,
		});
		expect(await readBytesWithin(counted([bytes]), 4)).toEqual({ kind: "too_large", limit: 4 });
	});

	it("reads a declared length at once, and still refuses more bytes than the limit", async ({ expect }) => {
		const bytes = new Uint8Array([1, 2, 3, 4, 5]);
		// As a request from the network arrives: with its content-length.
		const headers = { "content-length": "5" };
		const request = new Request("https://kit.test/", { method: "POST", body: bytes, headers });
		expect(await readBytesWithin(request, 5)).toEqual({ kind: "ok", bytes });
		const again = new Request("https://kit.test/", { method: "POST", body: bytes, headers });
		expect(await readBytesWithin(again, 4)).toEqual({ kind: "too_large", limit: 4 });
		// A declared length that understates the body: the bytes are counted all the same.
		const lying = {
			headers: new Headers({ "content-length": "2" }),
			body: null,
			arrayBuffer: async () => bytes.buffer,
		};
		expect(await readBytesWithin(lying, 4)).toEqual({ kind: "too_large", limit: 4 });
	});

	it("refuses a declared content-length over the limit without reading", async ({ expect }) => {
		const source = counted([utf8("x")], { "content-length": "65537" });
		expect(await readBytesWithin(source, 65_536)).toEqual({ kind: "too_large", limit: 65_536 });
		expect(source.pulls()).toBe(0);
	});
});

describe("readTextWithin", () => {
	it("reads UTF-8 text up to the limit in bytes", async ({ expect }) => {
		const request = new Request("https://kit.test/", { method: "POST", body: cjk });
		expect(await readTextWithin(request, 300)).toEqual({ kind: "ok", text: "字".repeat(100) });
		const again = new Request("https://kit.test/", { method: "POST", body: cjk });
		expect(await readTextWithin(again, 299)).toEqual({ kind: "too_large", limit: 299 });
	});

	it("reads a declared length at once, and still refuses more bytes than the limit", async ({ expect }) => {
		const bytes = new Uint8Array([1, 2, 3, 4, 5]);
		// As a request from the network arrives: with its content-length.
		const headers = { "content-length": "5" };
		const request = new Request("https://kit.test/", { method: "POST", body: bytes, headers });
		expect(await readBytesWithin(request, 5)).toEqual({ kind: "ok", bytes });
		const again = new Request("https://kit.test/", { method: "POST", body: bytes, headers });
		expect(await readBytesWithin(again, 4)).toEqual({ kind: "too_large", limit: 4 });
		// A declared length that understates the body: the bytes are counted all the same.
		const lying = {
			headers: new Headers({ "content-length": "2" }),
			body: null,
			arrayBuffer: async () => bytes.buffer,
		};
		expect(await readBytesWithin(lying, 4)).toEqual({ kind: "too_large", limit: 4 });
	});

	it("refuses a declared content-length over the limit without reading", async ({ expect }) => {
		const source = counted([utf8("{}")], { "content-length": "1001" });
		expect(await readTextWithin(source, 1000)).toEqual({ kind: "too_large", limit: 1000 });
		expect(source.pulls()).toBe(0);
	});

	it("counts the bytes when the declared length is wrong", async ({ expect }) => {
		const source = counted([cjk], { "content-length": "10" });
		expect(await readTextWithin(source, 100)).toEqual({ kind: "too_large", limit: 100 });
	});

	it("drops a byte-order mark and refuses any other invalid UTF-8", async ({ expect }) => {
		expect(await readTextWithin(counted([new Uint8Array([0xef, 0xbb, 0xbf, 0x61])]), 10)).toEqual({
			kind: "ok",
			text: "a",
		});
		expect(await readTextWithin(counted([new Uint8Array([0x61, 0xff, 0x62])]), 10)).toEqual({
			kind: "not_utf8",
		});
		// A character cut between two chunks is still one character.
		expect(await readTextWithin(counted([cjk.slice(0, 1), cjk.slice(1, 3)]), 10)).toEqual({
			kind: "ok",
			text: "字",
		});
	});

	it("reads an empty body as empty text", async ({ expect }) => {
		expect(await readTextWithin({ headers: new Headers(), body: null }, 10)).toEqual({
			kind: "ok",
			text: "",
		});
	});
});

describe("readJsonWithin", () => {
	it("parses any JSON value", async ({ expect }) => {
		expect(await readJsonWithin(counted([utf8('{"a":[1,"字"]}')]), 100)).toEqual({
			kind: "ok",
			value: { a: [1, "字"] },
		});
		expect(await readJsonWithin(counted([utf8("[1]")]), 100)).toEqual({ kind: "ok", value: [1] });
	});

	it("gives the parser's reason for text that is not JSON", async ({ expect }) => {
		const read = await readJsonWithin(counted([utf8("{not json")]), 100);
		expect(read.kind).toBe("invalid_json");
		expect(read.kind === "invalid_json" && read.reason.length).toBeGreaterThan(0);
		expect((await readJsonWithin({ headers: new Headers(), body: null }, 10)).kind).toBe("invalid_json");
	});

	it("passes on too_large and not_utf8", async ({ expect }) => {
		expect(await readJsonWithin(counted([cjk]), 299)).toEqual({ kind: "too_large", limit: 299 });
		expect(await readJsonWithin(counted([new Uint8Array([0x22, 0xc3, 0x22])]), 10)).toEqual({
			kind: "not_utf8",
		});
	});
});
