import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fingerprint, type IdType, openShard, shardOf } from "@txad/audience";
import { hashDeviceId } from "@txad/muid";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../io.ts";
import { SnapshotDir } from "../lib/snapshot-dir.ts";
import { main } from "../main.ts";

let dir: string;
const LINES = 200_000;
// Every 10th line repeats an earlier id, every 1000th is a placeholder, every 5000th is junk.
const expected = { unique: 0, duplicate: 0, nonDevice: 0, invalid: 0 };

function imeiFor(i: number): string {
	return `86${String(i).padStart(13, "0")}`;
}

/** Segments a snapshot directory says an id has (null: not in it). */
async function lookup(snapshot: string, type: IdType, value: string): Promise<readonly string[] | null> {
	const snap = await SnapshotDir.open(snapshot);
	try {
		const m = snap.manifest;
		const f = fingerprint(type, value);
		const shard = shardOf(f.shardWord, m.shardBits);
		const set = openShard(snap.readShard(shard), m.layout, shard).find(f.keyHi, f.keyLo);
		return set < 0 ? null : (m.memberships[set]?.names ?? null);
	} finally {
		snap.close();
	}
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-audience-"));
	const out = createWriteStream(join(dir, "big.txt"));
	for (let i = 1; i <= LINES; i++) {
		let line: string;
		if (i % 5000 === 0) {
			line = "imei_md5,not-a-hash";
			expected.invalid++;
		} else if (i % 1000 === 0) {
			line = "000000000000000";
			expected.nonDevice++;
		} else if (i % 10 === 0) {
			line = imeiFor(i - 1);
			expected.duplicate++;
		} else {
			// Mix raw ids and their upper-case md5s: both must land on the same canonical hash.
			line = i % 3 === 0 ? `imei_md5,${hashDeviceId("imei", imeiFor(i)).toUpperCase()}` : imeiFor(i);
			expected.unique++;
		}
		if (!out.write(`${line}\n`)) await once(out, "drain");
	}
	out.end();
	await once(out, "close");
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("txad audience build", () => {
	it(`streams ${LINES} lines into a verified snapshot, drops counted per reason`, async ({ expect }) => {
		const io = captureIo({ cwd: dir });
		const code = await main(
			["audience", "build", "big.txt", "--out", "snap", "--segments", "new_user,vip", "--ttl-days", "30"],
			io,
		);
		expect(io.stderr()).not.toMatch(/error|warning/i);
		expect(code).toBe(0);
		expect((await readdir(join(dir, "snap"))).sort()).toEqual(["manifest.json", "shards.bin"]);
		const snap = await SnapshotDir.open(join(dir, "snap"));
		snap.verify();
		expect(snap.manifest.document.records).toBe(expected.unique);
		expect(snap.manifest.memberships).toHaveLength(1);
		const [membership] = snap.manifest.memberships;
		expect(membership?.names).toEqual(["new_user", "vip"]);
		const end = membership?.until[0] ?? 0;
		expect(Math.abs(end - (Date.now() / 1000 + 30 * 86_400))).toBeLessThan(120);
		snap.close();
		expect(await lookup(join(dir, "snap"), "imei_md5", hashDeviceId("imei", imeiFor(1)))).toEqual([
			"new_user",
			"vip",
		]);
		expect(await lookup(join(dir, "snap"), "imei_md5", hashDeviceId("imei", imeiFor(3)))).toEqual([
			"new_user",
			"vip",
		]);
		expect(await lookup(join(dir, "snap"), "imei_md5", hashDeviceId("imei", imeiFor(1000)))).toBeNull();
		const out = io.stdout();
		expect(out).toContain(`ids read      ${LINES}`);
		expect(out).toContain(
			`records       ${expected.unique} distinct ids (${expected.duplicate} listed more than once`,
		);
		expect(out).toMatch(new RegExp(`non_device\\s+${expected.nonDevice}`));
		expect(out).toMatch(new RegExp(`invalid_hash\\s+${expected.invalid}`));
		expect(out).toContain("big.txt:5000: invalid_hash");
		expect(out).toMatch(/shards {8}\d+ \(2\^\d+\), p50 \d+ B, max \d+ B, 8\.\d\d bytes per record/);
		expect(out).toContain("next: txad audience publish snap --local");
	});

	it("gives each file its own segments, rows their own, and unites an id listed twice", async ({
		expect,
	}) => {
		await writeFile(join(dir, "new.txt"), "354649050046412\nidfa:1e2dfa89-496a-47fd-9941-df1fc4e6484a\n");
		await writeFile(join(dir, "vip.txt"), "354649050046412\n");
		await writeFile(
			join(dir, "rows.csv"),
			'id,kind,segments,until\no_demo_openid_0001,openid,vip,\ndemo-oaid-0001,oaid,"new_user|installed",\ndemo-android-0001,android_id,lapsed vip,2999-01-01T00:00:00Z\n',
		);
		const io = captureIo({ cwd: dir });
		expect(
			await main(
				[
					"audience",
					"build",
					"new.txt=new_user",
					"vip.txt=vip@2999-01-01T00:00:00Z",
					"rows.csv",
					"--out",
					"mixed",
				],
				io,
			),
		).toBe(0);
		const snap = join(dir, "mixed");
		expect(await lookup(snap, "imei_md5", "b496ec1169770ea274a2b4f42ca4fb71")).toEqual(["new_user", "vip"]);
		expect(await lookup(snap, "idfa_md5", "40c7084b4845eebce9d07b8a18a055fc")).toEqual(["new_user"]);
		expect(await lookup(snap, "openid", "o_demo_openid_0001")).toEqual(["vip"]);
		expect(await lookup(snap, "oaid_md5", hashDeviceId("oaid", "demo-oaid-0001"))).toEqual([
			"new_user",
			"installed",
		]);
		// Names come in the snapshot's dictionary order ("vip" was seen first).
		expect(await lookup(snap, "android_id_md5", hashDeviceId("android_id", "demo-android-0001"))).toEqual([
			"vip",
			"lapsed",
		]);
		const opened = await SnapshotDir.open(snap);
		const ends = opened.manifest.memberships.flatMap((m) => m.until);
		opened.close();
		expect(ends).toContain(Date.parse("2999-01-01T00:00:00Z") / 1000);
	});

	it("reads CSV with per-kind columns and --dry-run writes nothing", async ({ expect }) => {
		await writeFile(
			join(dir, "wide.csv"),
			"imei,oaid,idfa_md5\n354649050046412,f6f7d3a8-0c5e-4b6e-9d1e-7a2b3c4d5e6f,\n354649050046412,,xyz\n",
		);
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", "wide.csv", "--dry-run", "--segments", "s"], io)).toBe(0);
		expect(io.stdout()).toContain("kept          3 ids added to the snapshot");
		expect(io.stdout()).toContain("records       2 distinct ids (1 listed more than once");
		expect(io.stdout()).toMatch(/invalid_hash\s+1/);
		expect(io.stdout()).toContain("(dry run, nothing written)");
	});

	it("prints the summary as JSON with --json", async ({ expect }) => {
		await writeFile(join(dir, "j.txt"), "354649050046412\n0\nimei:861234567890123\n354649050046412\n");
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", "j.txt=new_user", "--out", "j", "--json", "--quiet"], io)).toBe(
			0,
		);
		const r = JSON.parse(io.stdout());
		expect(r).toMatchObject({
			ids: 4,
			kept: 3,
			dropped: { non_device: 1 },
			records: 2,
			duplicates: 1,
			out: join(dir, "j"),
			dry_run: false,
			segments: 1,
		});
		expect(r.drop_samples).toEqual(['j.txt:2: non_device: "0" is a placeholder id']);
		expect(r.snapshot_id).toBe((await SnapshotDir.open(join(dir, "j"))).manifest.snapshotId);
		expect(r.shard_count).toBe(2 ** r.shard_bits);
	});

	it("drops rows with bad segment cells, counting them", async ({ expect }) => {
		await writeFile(
			join(dir, "badseg.csv"),
			"id,kind,segments\n354649050046412,imei,ok\n861234567890123,imei,bad name!\n",
		);
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", "badseg.csv", "--dry-run"], io)).toBe(0);
		expect(io.stdout()).toMatch(/bad_segments\s+1/);
		expect(io.stdout()).toContain('badseg.csv:3: bad_segments: "name!" is not a segment name');
	});

	it("keys by id type, keeps the same hash under two types, drops hashes without a kind", async ({
		expect,
	}) => {
		await writeFile(
			join(dir, "typed.txt"),
			"imei_md5,b496ec1169770ea274a2b4f42ca4fb71\noaid_md5,b496ec1169770ea274a2b4f42ca4fb71\nb496ec1169770ea274a2b4f42ca4fb71\n",
		);
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", "typed.txt", "--out", "typed", "--segments", "s"], io)).toBe(0);
		expect(await lookup(join(dir, "typed"), "imei_md5", "b496ec1169770ea274a2b4f42ca4fb71")).toEqual(["s"]);
		expect(await lookup(join(dir, "typed"), "oaid_md5", "b496ec1169770ea274a2b4f42ca4fb71")).toEqual(["s"]);
		expect(await lookup(join(dir, "typed"), "idfa_md5", "b496ec1169770ea274a2b4f42ca4fb71")).toBeNull();
		expect(io.stdout()).toMatch(/unknown_kind\s+1/);
		expect(io.stdout()).toContain("typed.txt:3: unknown_kind: a hash without its kind");
	});

	it.for([
		[["big.txt", "--segments", "s"], /--out is required/],
		[["big.txt", "--out", "x", "--segments", "s", "--kind", "phone"], /--kind must be one of/],
		[["missing.txt", "--out", "x", "--segments", "s"], /cannot read missing\.txt/],
		[["big.txt", "--out", "x", "--segments", "a b!"], /--segments: "b!" is not a segment name/],
		[["big.txt", "--out", "x"], /big\.txt: no segments for its ids/],
		[["big.txt", "--out", "x", "--segments", "s@2001-01-01T00:00:00Z"], /--segments: .* is in the past/],
		[["big.txt", "--out", "x", "--segments", "s", "--until", "soon"], /--until: "soon" is not an ISO 8601/],
		[["big.txt", "--out", "x", "--segments", "s", "--until", "2999-01-01", "--ttl-days", "1"], /not both/],
		[["--out", "x", "--segments", "s"], /give at least one input file/],
	] as const)("refuses %j (exit 2)", async ([args, message], { expect }) => {
		const io = captureIo({ cwd: dir });
		expect(await main(["audience", "build", ...args], io)).toBe(2);
		expect(io.stderr()).toMatch(message);
	});
});
