/**
 * `txad audience build` + `publish` end to end into REAL local KV (wrangler's --local state in a
 * throw-away directory, the responder's wrangler.jsonc): shards first and manifest last, deltas
 * folded, replaced snapshots and folded deltas deleted after the grace period.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	DELTA_KEY_PREFIX,
	fingerprint,
	MANIFEST_KEY,
	newDeltaKey,
	openShard,
	parseManifest,
	SHARD_KEY_PREFIX,
	serializeDelta,
	shardKey,
	shardOf,
} from "@txad/audience";
import { hashDeviceId } from "@txad/muid";
import { afterAll, beforeAll, describe, it } from "vitest";
import { captureIo } from "../src/io.ts";
import { WranglerKv } from "../src/lib/kv-target.ts";
import { publishSnapshot } from "../src/lib/publish.ts";
import { SnapshotDir } from "../src/lib/snapshot-dir.ts";
import { main } from "../src/main.ts";

const CONFIG = new URL("../../../apps/rta-responder/wrangler.jsonc", import.meta.url).pathname;
const IMEI_A = hashDeviceId("imei", "354649050046412");
const IMEI_B = hashDeviceId("imei", "861234567890123");
let dir: string;
let kv: WranglerKv;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "txad-publish-"));
	kv = new WranglerKv({
		mode: "local",
		config: CONFIG,
		persistTo: join(dir, "state"),
		cwd: dir,
		env: process.env,
	});
	await writeFile(join(dir, "new.txt"), "354649050046412\n861234567890123\n");
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

async function build(out: string): Promise<string> {
	const io = captureIo({ cwd: dir });
	const code = await main(["audience", "build", "new.txt=new_user", "--out", out, "--quiet"], io);
	if (code !== 0) throw new Error(io.stderr());
	const snap = await SnapshotDir.open(join(dir, out));
	const id = snap.manifest.snapshotId;
	snap.close();
	return id;
}

describe("txad audience publish --local (real local KV)", () => {
	it("publishes into a wrangler environment's namespace with --env, and reports as JSON", async ({
		expect,
	}) => {
		const id = await build("env-v1");
		const io = captureIo({ cwd: dir });
		const args = [
			"--local",
			"--config",
			CONFIG,
			"--persist-to",
			"state-env",
			"--env",
			"production",
			"--quiet",
		];
		expect(await main(["audience", "publish", "env-v1", ...args, "--json"], io), io.stderr()).toBe(0);
		const report = JSON.parse(io.stdout());
		expect(report).toMatchObject({
			snapshot_id: id,
			result: "written",
			previous: null,
			deleted_snapshots: [],
		});
		expect(report.target).toContain("binding RTA_KV (env production)");
		expect(report.shards_written).toBe(report.shard_count);
		const persistTo = join(dir, "state-env");
		const production = new WranglerKv({
			mode: "local",
			config: CONFIG,
			environment: "production",
			persistTo,
			cwd: dir,
			env: process.env,
		});
		const topLevel = new WranglerKv({ mode: "local", config: CONFIG, persistTo, cwd: dir, env: process.env });
		expect(parseManifest((await production.getText([MANIFEST_KEY])).get(MANIFEST_KEY) ?? "").snapshotId).toBe(
			id,
		);
		// The local-dev namespace (the top level's all-zero id) was not touched.
		expect((await topLevel.getText([MANIFEST_KEY])).get(MANIFEST_KEY) ?? null).toBeNull();
		const again = captureIo({ cwd: dir });
		expect(await main(["audience", "publish", "env-v1", ...args, "--json"], again)).toBe(0);
		expect(JSON.parse(again.stdout())).toMatchObject({ result: "current", previous: id });
	});

	it("publishes, folds deltas, switches, and cleans up after the grace period", { timeout: 300_000 }, async ({
		expect,
	}) => {
		const v1 = await build("v1");
		let io = captureIo({ cwd: dir });
		const args = ["--local", "--config", CONFIG, "--persist-to", "state", "--quiet"];
		expect(await main(["audience", "publish", "v1", ...args], io), io.stderr()).toBe(0);
		expect(io.stdout()).toContain(`previous      none`);
		expect(io.stdout()).toContain(`then audience:manifest → ${v1}`);
		const m1 = parseManifest((await kv.getText([MANIFEST_KEY])).get(MANIFEST_KEY) ?? "");
		expect(m1.snapshotId).toBe(v1);
		expect((await kv.list(`${SHARD_KEY_PREFIX}${v1}:`)).length).toBe(m1.shardCount);

		// Publishing the same snapshot again writes nothing.
		io = captureIo({ cwd: dir });
		expect(await main(["audience", "publish", "v1", ...args], io)).toBe(0);
		expect(io.stdout()).toContain("already the current snapshot");

		// Two admin writes after v1's cut-off (5 min before its publish): one older than v2's
		// settle window (60 s), one too young to fold.
		const now = Date.now();
		const oldKey = newDeltaKey(now - 120_000);
		const youngKey = newDeltaKey(now);
		await kv.put([
			{
				key: oldKey,
				value: serializeDelta(
					[
						{ op: "merge", type: "imei_md5", value: IMEI_A, segments: [["vip", 0]] },
						{ op: "delete", type: "imei_md5", value: IMEI_B },
					],
					new Date(now - 120_000),
				),
			},
			{
				key: youngKey,
				value: serializeDelta(
					[{ op: "merge", type: "openid", value: "o_young", segments: [["x", 0]] }],
					new Date(now),
				),
			},
		]);

		const v2 = await build("v2");
		io = captureIo({ cwd: dir });
		expect(
			await main(["audience", "publish", "v2", ...args, "--delta-settle-seconds", "60"], io),
			io.stderr(),
		).toBe(0);
		expect(io.stdout(), io.stdout()).toContain("deltas        1 folded (2 changes");
		expect(io.stdout()).toContain("1 newer stay active");
		expect(io.stdout()).toContain(`kept          ${v1} until`);
		const m2 = parseManifest((await kv.getText([MANIFEST_KEY])).get(MANIFEST_KEY) ?? "");
		expect(m2.snapshotId).toBe(v2);
		expect(m2.deltasFoldedUntil).toBeGreaterThanOrEqual(now - 120_000);
		expect(m2.deltasFoldedUntil).toBeLessThan(now);
		expect(m2.document.history?.map((h) => h.snapshot_id)).toEqual([v1]);
		// The folded shard as stored: A gained vip, B is gone.
		const local = await SnapshotDir.open(join(dir, "v2"));
		const shardOfA = shardOf(fingerprint("imei_md5", IMEI_A).shardWord, m2.shardBits);
		local.close();
		const stored = await readShard(shardKey(v2, shardOfA));
		const view = openShard(stored, m2.layout, shardOfA);
		const fa = fingerprint("imei_md5", IMEI_A);
		expect(m2.memberships[view.find(fa.keyHi, fa.keyLo)]?.names).toEqual(["new_user", "vip"]);
		const fb = fingerprint("imei_md5", IMEI_B);
		const shardOfB = shardOf(fb.shardWord, m2.shardBits);
		expect(
			openShard(await readShard(shardKey(v2, shardOfB)), m2.layout, shardOfB).find(fb.keyHi, fb.keyLo),
		).toBe(-1);
		// Both deltas are still there: v1 readers (grace) need the folded one.
		expect((await kv.list(DELTA_KEY_PREFIX)).sort()).toEqual([oldKey, youngKey].sort());

		// Two hours later: v1 is past the grace period, the delta folded into v2 is no longer needed.
		const v3 = await build("v3");
		const snap3 = await SnapshotDir.open(join(dir, "v3"));
		const report = await publishSnapshot(snap3, kv, {
			now: now + 2 * 3_600_000,
			graceMs: 3_600_000,
			settleMs: 300_000,
			fold: true,
			force: false,
			dryRun: false,
		});
		snap3.close();
		expect(report.previous).toBe(v2);
		expect(report.deletedSnapshots).toEqual([v1]);
		expect(report.deletedDeltas).toBe(1);
		expect(report.deltasFolded).toBe(1); // the young one
		expect(await kv.list(`${SHARD_KEY_PREFIX}${v1}:`)).toEqual([]);
		expect(await kv.list(DELTA_KEY_PREFIX)).toEqual([youngKey]);
		const m3 = parseManifest((await kv.getText([MANIFEST_KEY])).get(MANIFEST_KEY) ?? "");
		expect(m3.snapshotId).toBe(v3);
		expect(m3.document.history?.map((h) => h.snapshot_id)).toEqual([v2]);
	});

	it("refuses a damaged snapshot before writing anything", async ({ expect }) => {
		await build("bad");
		const { open } = await import("node:fs/promises");
		const f = await open(join(dir, "bad", "shards.bin"), "r+");
		await f.write(new Uint8Array([0xff]), 0, 1, 40);
		await f.close();
		const io = captureIo({ cwd: dir });
		expect(
			await main(["audience", "publish", "bad", "--local", "--config", CONFIG, "--persist-to", "state2"], io),
		).toBe(2);
		expect(io.stderr()).toMatch(/CHECKSUM_MISMATCH: shard \d+: records checksum does not match/);
	});
});

/** Reads a binary value from local KV through wrangler (kv key get prints raw bytes). */
async function readShard(key: string): Promise<Uint8Array> {
	const { execFileSync } = await import("node:child_process");
	const { createRequire } = await import("node:module");
	const bin = join(createRequire(import.meta.url).resolve("wrangler/package.json"), "../bin/wrangler.js");
	return new Uint8Array(
		execFileSync(
			process.execPath,
			[
				bin,
				"kv",
				"key",
				"get",
				key,
				"--binding",
				"RTA_KV",
				"--local",
				"--persist-to",
				join(dir, "state"),
				"--config",
				CONFIG,
			],
			{
				cwd: dir,
				env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
			},
		),
	);
}
