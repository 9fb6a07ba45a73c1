import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { detectLayout, type IdRecord, readIdFile, splitCsvLine } from "./id-file.ts";

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-idfile-"));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

async function read(name: string, text: string, options = {}): Promise<IdRecord[]> {
	const path = join(dir, name);
	await writeFile(path, text);
	const out: IdRecord[] = [];
	for await (const r of readIdFile(path, options)) out.push(r);
	return out;
}

describe("splitCsvLine", () => {
	it("handles quotes, escaped quotes and empty cells", ({ expect }) => {
		expect(splitCsvLine('a,"b,c","d""e",,f')).toEqual(["a", "b,c", 'd"e', "", "f"]);
		expect(splitCsvLine('"open')).toBeUndefined();
		expect(splitCsvLine('"a"b,c')).toBeUndefined();
	});
});

describe("detectLayout", () => {
	it("recognises headers and plain text", ({ expect }) => {
		expect(detectLayout("id,kind")).toMatchObject({ type: "id-kind", idCol: 0, kindCol: 1 });
		expect(detectLayout("imei,oaid_md5,name")).toMatchObject({ type: "per-kind", width: 3 });
		expect(detectLayout("354649050046412")).toEqual({ type: "text" });
		expect(detectLayout("imei,354649050046412")).toEqual({ type: "text" });
	});
});

describe("readIdFile", () => {
	it("reads plain text with kind prefixes, comments, BOM and CRLF, numbering lines", async ({ expect }) => {
		const records = await read(
			"plain.txt",
			"\uFEFF# samples\r\n354649050046412\r\n\r\nidfa:1e2dfa89-496a-47fd-9941-df1fc4e6484a\r\noaid_md5,c255f553281332cae783606cdf6e23a6\r\nmac:02:00:00:00:00:00\r\n",
		);
		expect(records.map((r) => [r.line, r.ok ? r.id.kind : r.reason])).toEqual([
			[2, "imei"],
			[4, "idfa"],
			[5, "oaid"],
			[6, "non_device"],
		]);
	});

	it("reads id,kind CSV and reports malformed lines by number", async ({ expect }) => {
		const records = await read(
			"ids.csv",
			"id,kind\n354649050046412,imei\nc255f553281332cae783606cdf6e23a6,oaid_md5\nbad\n",
		);
		expect(records.map((r) => (r.ok ? r.id.hash : `${r.line}:${r.reason}`))).toEqual([
			"b496ec1169770ea274a2b4f42ca4fb71",
			"c255f553281332cae783606cdf6e23a6",
			"4:malformed",
		]);
	});

	it("reads one column per kind, every non-empty cell", async ({ expect }) => {
		const records = await read(
			"wide.csv",
			"imei,oaid,idfa_md5\n354649050046412,f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f,\n,,40c7084b4845eebce9d07b8a18a055fc\n,,\n",
		);
		expect(
			records.map((r) => (r.ok ? `${r.line}:${r.id.kind}:${r.id.hash}` : `${r.line}:${r.reason}`)),
		).toEqual([
			"2:imei:b496ec1169770ea274a2b4f42ca4fb71",
			"2:oaid:c255f553281332cae783606cdf6e23a6",
			"3:idfa:40c7084b4845eebce9d07b8a18a055fc",
			"4:empty",
		]);
	});

	it("applies the default kind to unlabelled lines", async ({ expect }) => {
		const records = await read("oaids.txt", "f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f\n", { kind: "oaid" });
		expect(records[0]).toMatchObject({
			ok: true,
			id: { kind: "oaid", hash: "c255f553281332cae783606cdf6e23a6" },
		});
	});

	it("names the file it cannot open", async ({ expect }) => {
		const gen = readIdFile(join(dir, "missing.txt"));
		await expect(gen.next()).rejects.toThrow(/cannot read .*missing\.txt/);
	});
});
