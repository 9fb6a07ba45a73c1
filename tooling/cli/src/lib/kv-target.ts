/**
 * Workers KV through wrangler's own commands (`wrangler kv bulk put|get|delete`, `kv key list`):
 * local (`--local`, the state `wrangler dev` and `npm start` read) or a Cloudflare namespace
 * (`--remote`). The publisher talks to a {@link KvTarget}; tests run it against real local KV.
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CliError } from "../errors.ts";

/** One value to write. */
export interface KvEntry {
	key: string;
	value: Uint8Array | string;
}

/** The KV operations publishing needs. */
export interface KvTarget {
	/** Where writes go, for messages. */
	readonly description: string;
	/** Text values of keys (null when absent). */
	getText(keys: readonly string[]): Promise<Map<string, string | null>>;
	/** Every key with a prefix. */
	list(prefix: string): Promise<string[]>;
	/** Writes values, in chunks, in the given order (entries are produced lazily). */
	put(entries: Iterable<KvEntry>): Promise<void>;
	/** Deletes keys. */
	delete(keys: readonly string[]): Promise<void>;
}

/** How to reach the namespace. */
export interface WranglerKvOptions {
	mode: "local" | "remote";
	/** wrangler config (default: wrangler.jsonc / wrangler.toml in cwd, as wrangler finds it). */
	config?: string | undefined;
	/** Binding name in the config (default RTA_KV) … */
	binding?: string | undefined;
	/** … or a namespace id. */
	namespaceId?: string | undefined;
	/** The config's environment (`--env`), whose kv_namespaces the binding is looked up in. */
	environment?: string | undefined;
	/** Local state directory (wrangler's --persist-to). */
	persistTo?: string | undefined;
	/** Working directory wrangler runs in. */
	cwd: string;
	env: Readonly<Record<string, string | undefined>>;
}

/** Most entries per bulk file; wrangler sends them in requests of 1,000 (KV takes ≤ 10,000 / < 100 MB). */
const PUT_CHUNK_ENTRIES = 5000;
/** Most JSON bytes per bulk file. */
const PUT_CHUNK_BYTES = 64 * 1024 * 1024;
/** KV bulk reads take at most 100 keys (docs/cloudflare/platform-facts.md "Limits"). */
const GET_CHUNK_KEYS = 100;

/** {@link KvTarget} over the wrangler CLI. */
export class WranglerKv implements KvTarget {
	readonly description: string;
	readonly #options: WranglerKvOptions;
	readonly #bin: string;

	constructor(options: WranglerKvOptions) {
		this.#options = options;
		this.#bin = join(
			dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
			"bin/wrangler.js",
		);
		const ns =
			options.namespaceId === undefined
				? `binding ${options.binding ?? "RTA_KV"}${options.environment === undefined ? "" : ` (env ${options.environment})`}`
				: `namespace ${options.namespaceId}`;
		this.description =
			options.mode === "local"
				? `local KV, ${ns}${options.persistTo === undefined ? "" : ` (state ${options.persistTo})`}`
				: `Cloudflare KV, ${ns}`;
	}

	async getText(keys: readonly string[]): Promise<Map<string, string | null>> {
		const out = new Map<string, string | null>();
		for (let i = 0; i < keys.length; i += GET_CHUNK_KEYS) {
			const chunk = keys.slice(i, i + GET_CHUNK_KEYS);
			const text = await this.#withFile(JSON.stringify(chunk), (file) => this.#run(["bulk", "get", file]));
			const data = parseJsonOutput(text, "kv bulk get") as Record<string, { value: string | null } | null>;
			for (const k of chunk) out.set(k, data[k]?.value ?? null);
		}
		return out;
	}

	async list(prefix: string): Promise<string[]> {
		const text = await this.#run(["key", "list", "--prefix", prefix]);
		return (parseJsonOutput(text, "kv key list") as { name: string }[]).map((k) => k.name);
	}

	async put(entries: Iterable<KvEntry>): Promise<void> {
		let chunk: string[] = [];
		let bytes = 0;
		const flush = async () => {
			if (chunk.length === 0) return;
			const body = `[${chunk.join(",")}]`;
			chunk = [];
			bytes = 0;
			await this.#withFile(body, (file) => this.#run(["bulk", "put", file]));
		};
		for (const e of entries) {
			const item = JSON.stringify(
				typeof e.value === "string"
					? { key: e.key, value: e.value }
					: {
							key: e.key,
							value: Buffer.from(e.value.buffer, e.value.byteOffset, e.value.byteLength).toString("base64"),
							base64: true,
						},
			);
			if (chunk.length >= PUT_CHUNK_ENTRIES || bytes + item.length > PUT_CHUNK_BYTES) await flush();
			chunk.push(item);
			bytes += item.length;
		}
		await flush();
	}

	async delete(keys: readonly string[]): Promise<void> {
		for (let i = 0; i < keys.length; i += PUT_CHUNK_ENTRIES) {
			const chunk = keys.slice(i, i + PUT_CHUNK_ENTRIES);
			await this.#withFile(JSON.stringify(chunk), (file) => this.#run(["bulk", "delete", file, "--force"]));
		}
	}

	async #withFile<T>(content: string, fn: (file: string) => Promise<T>): Promise<T> {
		const dir = await mkdtemp(join(tmpdir(), "txad-kv-"));
		const file = join(dir, "bulk.json");
		try {
			await writeFile(file, content);
			return await fn(file);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}

	#run(args: string[]): Promise<string> {
		const o = this.#options;
		const target = [
			...(o.namespaceId === undefined
				? ["--binding", o.binding ?? "RTA_KV"]
				: ["--namespace-id", o.namespaceId]),
			o.mode === "local" ? "--local" : "--remote",
			...(o.mode === "local" && o.persistTo !== undefined ? ["--persist-to", o.persistTo] : []),
			...(o.config === undefined ? [] : ["--config", o.config]),
			...(o.environment === undefined ? [] : ["--env", o.environment]),
		];
		const full = ["kv", ...args, ...target];
		return new Promise((resolvePromise, reject) => {
			const child = spawn(process.execPath, [this.#bin, ...full], {
				cwd: o.cwd,
				env: { ...o.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "1" },
				stdio: ["ignore", "pipe", "pipe"],
			});
			let stdout = "";
			let stderr = "";
			child.stdout.on("data", (c) => {
				stdout += c;
			});
			child.stderr.on("data", (c) => {
				stderr += c;
			});
			child.once("error", (cause) =>
				reject(new CliError("NETWORK", `cannot run wrangler: ${cause.message}`, { cause })),
			);
			child.once("close", (code) => {
				if (code === 0) resolvePromise(stdout);
				else
					reject(
						new CliError(
							"NETWORK",
							`wrangler kv ${args.slice(0, 2).join(" ")} (${this.description}) failed with exit ${code}:\n${(stderr || stdout).trim().slice(-1500)}`,
						),
					);
			});
		});
	}
}

function parseJsonOutput(text: string, what: string): unknown {
	const start = text.search(/[[{]/);
	try {
		return JSON.parse(start < 0 ? text : text.slice(start));
	} catch (cause) {
		throw new CliError(
			"NETWORK",
			`wrangler ${what} printed something that is not JSON: ${text.slice(0, 300)}`,
			{ cause },
		);
	}
}
