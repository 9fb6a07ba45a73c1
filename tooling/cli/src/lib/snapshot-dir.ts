/**
 * A built snapshot on disk, as `txad audience build` writes it and `txad audience publish` reads
 * it: `shards.bin` (every shard blob, in index order, each self-delimiting by its header) and
 * `manifest.json`, written last so a half-written build is never mistaken for a finished one.
 * @module
 */
import { closeSync, createWriteStream, openSync, readSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
	type BuiltSnapshot,
	isAudienceError,
	type Manifest,
	type ManifestDocument,
	openShard,
	parseManifest,
	peekShardHeader,
	SHARD_HEADER_BYTES,
	snapshotChecksum,
} from "@txad/audience";
import { CliError } from "../errors.ts";

/** File names inside a snapshot directory. */
export const SNAPSHOT_FILES = { manifest: "manifest.json", shards: "shards.bin" } as const;

/**
 * Writes a built snapshot: shards first, the manifest last.
 * @param dir - output directory (created)
 * @param built - the finished build
 * @param onShard - progress: shards written so far
 * @returns the manifest written
 */
export async function writeSnapshotDir(
	dir: string,
	built: BuiltSnapshot,
	onShard?: (done: number, total: number) => void,
): Promise<ManifestDocument> {
	await mkdir(dir, { recursive: true });
	await rm(join(dir, SNAPSHOT_FILES.manifest), { force: true });
	const partial = join(dir, `${SNAPSHOT_FILES.shards}.partial`);
	const out = createWriteStream(partial);
	await new Promise<void>((ok, fail) => {
		out.once("open", () => ok());
		out.once("error", (cause) =>
			fail(new CliError("INPUT", `--out: cannot write ${dir}: ${cause.message}`, { field: "--out", cause })),
		);
	});
	let done = 0;
	for (const shard of built.shards()) {
		if (!out.write(shard)) await new Promise<void>((r) => out.once("drain", () => r()));
		done++;
		if ((done & 1023) === 0) onShard?.(done, built.shardCount);
	}
	await new Promise<void>((ok, fail) => {
		out.once("error", fail);
		out.end(() => ok());
	});
	await rename(partial, join(dir, SNAPSHOT_FILES.shards));
	const manifest = built.manifest();
	await writeFile(join(dir, SNAPSHOT_FILES.manifest), `${JSON.stringify(manifest)}\n`);
	return manifest;
}

/** A snapshot directory opened for reading: manifest parsed, shard offsets indexed. */
export class SnapshotDir {
	readonly dir: string;
	readonly manifest: Manifest;
	readonly #fd: number;
	readonly #offsets: Float64Array;
	readonly #lengths: Uint32Array;

	private constructor(
		dir: string,
		manifest: Manifest,
		fd: number,
		offsets: Float64Array,
		lengths: Uint32Array,
	) {
		this.dir = dir;
		this.manifest = manifest;
		this.#fd = fd;
		this.#offsets = offsets;
		this.#lengths = lengths;
	}

	/**
	 * Opens a directory written by {@link writeSnapshotDir}, walking the shard headers.
	 * @param dir - the directory
	 * @returns the opened snapshot
	 * @throws CliError `INPUT` when a file is missing or does not match the manifest
	 */
	static async open(dir: string): Promise<SnapshotDir> {
		let text: string;
		try {
			text = await readFile(join(dir, SNAPSHOT_FILES.manifest), "utf8");
		} catch (cause) {
			throw new CliError(
				"INPUT",
				`${dir}: no ${SNAPSHOT_FILES.manifest} (build it with txad audience build --out ${dir})`,
				{ cause },
			);
		}
		let manifest: Manifest;
		try {
			manifest = parseManifest(text);
		} catch (cause) {
			throw new CliError("INPUT", `${dir}/${SNAPSHOT_FILES.manifest}: ${(cause as Error).message}`, {
				cause,
			});
		}
		let fd: number;
		try {
			fd = openSync(join(dir, SNAPSHOT_FILES.shards), "r");
		} catch (cause) {
			throw new CliError(
				"INPUT",
				`${dir}: cannot read ${SNAPSHOT_FILES.shards}: ${(cause as Error).message}`,
				{ cause },
			);
		}
		const n = manifest.shardCount;
		const offsets = new Float64Array(n);
		const lengths = new Uint32Array(n);
		const header = new Uint8Array(SHARD_HEADER_BYTES);
		let pos = 0;
		try {
			for (let i = 0; i < n; i++) {
				const got = readSync(fd, header, 0, SHARD_HEADER_BYTES, pos);
				const h = peekShardHeader(header.subarray(0, got));
				if (h.shardIndex !== i)
					throw new CliError(
						"INPUT",
						`${dir}/${SNAPSHOT_FILES.shards}: shard ${i} is missing (found ${h.shardIndex})`,
					);
				offsets[i] = pos;
				lengths[i] = h.byteLength;
				pos += h.byteLength;
			}
		} catch (cause) {
			closeSync(fd);
			if (cause instanceof CliError) throw cause;
			throw new CliError("INPUT", `${dir}/${SNAPSHOT_FILES.shards}: ${(cause as Error).message}`, { cause });
		}
		return new SnapshotDir(dir, manifest, fd, offsets, lengths);
	}

	/**
	 * The stored bytes of one shard.
	 * @param i - shard index
	 * @returns the blob
	 */
	readShard(i: number): Uint8Array {
		const bytes = new Uint8Array(this.#lengths[i] as number);
		readSync(this.#fd, bytes, 0, bytes.byteLength, this.#offsets[i] as number);
		return bytes;
	}

	/**
	 * Opens every shard against the manifest (checksums included) and checks the snapshot checksum.
	 * @param onProgress - shards checked so far
	 * @throws CliError `INPUT` naming the first bad shard
	 */
	verify(onProgress?: (done: number, total: number) => void): void {
		const m = this.manifest;
		const crcs = new Uint32Array(m.shardCount);
		for (let i = 0; i < m.shardCount; i++) {
			try {
				crcs[i] = openShard(this.readShard(i), m.layout, i).recordsCrc;
			} catch (cause) {
				throw new CliError(
					"INPUT",
					`${this.dir}: ${isAudienceError(cause) ? `${cause.code}: ${cause.message}` : String(cause)}`,
					{ cause },
				);
			}
			if ((i & 1023) === 1023) onProgress?.(i + 1, m.shardCount);
		}
		const sum = snapshotChecksum(crcs);
		if (sum !== m.document.checksum)
			throw new CliError(
				"INPUT",
				`${this.dir}: snapshot checksum ${sum} does not match the manifest's ${m.document.checksum}`,
			);
	}

	/** Closes the shard file. */
	close(): void {
		closeSync(this.#fd);
	}
}
