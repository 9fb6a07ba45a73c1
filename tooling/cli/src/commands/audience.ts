/**
 * `txad audience build` / `txad audience upload`: read device-id files (CSV/TXT, raw or md5,
 * streamed), normalise and hash with @txad/muid, drop invalid and placeholder ids with a count
 * per reason, dedupe, and write wrangler KV bulk JSON or upload to the responder's admin API.
 * @module
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DEVICE_ID_KINDS, type DeviceIdKind } from "@txad/muid";
import {
	type Command,
	type FlagSpec,
	type FlagValues,
	numberFlag,
	optionalString,
	parseFlags,
	requiredString,
	urlFlag,
} from "../args.ts";
import { CliError, EXIT_FAIL, EXIT_OK } from "../errors.ts";
import type { Io } from "../io.ts";
import {
	AUDIENCE_UPLOAD_PATH,
	type AudienceValue,
	kvEntry,
	MAX_UPLOAD_LINES,
	SEGMENT_PATTERN,
	uploadLine,
} from "../lib/audience-record.ts";
import { DROP_REASONS, type DropReason, parseKindLabel } from "../lib/device-ids.ts";
import { Md5Set } from "../lib/hash-set.ts";
import { readIdFile } from "../lib/id-file.ts";
import { bar, createProgress } from "../lib/progress.ts";
import { formatTable } from "../lib/table.ts";

const INPUT_HELP = `Input: FILE... — plain text (one id per line, raw or md5; "kind,id" or "kind:id" lines
allowed) or CSV with a header: "id,kind" (kind column optional) or one column per kind
(imei,idfa,oaid,android_id,mac,caid and <kind>_md5 for hashes; every non-empty cell counts).
Lines starting with "#" are comments.

  --kind KIND        kind of ids the file does not label (${DEVICE_ID_KINDS.join(", ")} or
                     <kind>_md5); raw IMEIs and IDFAs are detected, 32-hex values are hashes
  --os ios|android   tells OAIDs from IDFAs when detecting
  --segments NAMES   comma-separated audience segments stored with every device (required;
                     the responder's strategy config maps segments to out_target_ids)
  --quiet            no progress bar

Dropped ids are counted per reason: empty, invalid_hash, non_device (placeholders such as
zeros, "null", md5 of ""), unknown_kind (also: a hash whose kind the file does not say —
the responder keys records by id type), bad_kind, malformed (CSV), duplicate (same id type and
hash). Dedupe keeps
~21–43 bytes per unique hash in memory (10 million ids ≈ 0.3 GB).`;

const BUILD_HELP = `txad audience build — turn device-id files into wrangler KV bulk JSON for the responder

Usage: txad audience build FILE... --out kv.json --segments NAMES [flags]

  --out PATH         write a JSON array for \`wrangler kv bulk put PATH --binding AUDIENCE\`
  --ttl-days N       expire entries after N days (expiration_ttl)
  --dry-run          only count (no --out needed)
${INPUT_HELP}
`;

const UPLOAD_HELP = `txad audience upload — send device-id files to the responder's admin API in batches

Usage: txad audience upload FILE... --url BASE --token T --segments NAMES [flags]

  --url BASE         responder base URL, e.g. http://127.0.0.1:8787 (POST BASE${AUDIENCE_UPLOAD_PATH})
  --token T          admin bearer token (or env TXAD_ADMIN_TOKEN)
  --mode MODE        replace (default: each device's record becomes --segments) or merge (adds
                     --segments to what is stored)
  --batch-size N     records per request (default and max 1000; 500 in merge mode — the
                     responder's per-request limit)
  --ttl-days N       the responder drops each record after N days (ttl_seconds)
  --retries N        retries per batch on network errors, 429 and 5xx (default 5; exponential
                     backoff from 250 ms, honouring Retry-After)
${INPUT_HELP}
`;

const INPUT_FLAGS: FlagSpec = {
	kind: { type: "string" },
	os: { type: "string" },
	segments: { type: "string" },
	quiet: { type: "boolean" },
};

/** Counts of one run. */
export interface AudienceStats {
	lines: number;
	ids: number;
	kept: number;
	dropped: Record<DropReason, number>;
	/** First few drops with their line, to show what went wrong. */
	samples: string[];
}

/**
 * Reads all inputs, calling `emit` once per unique kept hash.
 * @param files - input paths
 * @param values - parsed flags (kind, os, quiet)
 * @param io - console
 * @param emit - receives each unique (kind, hash); may apply back-pressure by returning a promise
 * @returns the counts
 */
export async function collectAudience(
	files: string[],
	values: FlagValues,
	io: Io,
	emit: (kind: DeviceIdKind, hash: string) => void | Promise<void>,
): Promise<AudienceStats> {
	const kind = optionalString(values, "kind");
	if (kind !== undefined && parseKindLabel(kind) === undefined) {
		throw new CliError(
			"USAGE",
			`--kind must be one of ${DEVICE_ID_KINDS.join(", ")} or <kind>_md5, got "${kind}"`,
			{
				field: "--kind",
			},
		);
	}
	const os = optionalString(values, "os");
	if (os !== undefined && os !== "ios" && os !== "android") {
		throw new CliError("USAGE", `--os must be ios or android, got "${os}"`, { field: "--os" });
	}
	if (files.length === 0) throw new CliError("USAGE", "give at least one input file");
	const sizes: number[] = [];
	for (const file of files) {
		try {
			sizes.push((await stat(resolve(io.cwd, file))).size);
		} catch (cause) {
			throw new CliError(
				"INPUT",
				`cannot read ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
				{ cause },
			);
		}
	}
	const totalBytes = sizes.reduce((a, b) => a + b, 0);
	const progress = createProgress(io, {
		quiet: values.quiet === true,
		intervalMs: io.errIsTty ? 150 : 10_000,
	});
	// One set per id type: the responder keys records by `<id type>:<hash>`.
	const seen = new Map<DeviceIdKind, Md5Set>();
	let unique = 0;
	const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
	const samples: string[] = [];
	let ids = 0;
	let lines = 0;
	let doneBytes = 0;
	const show = (fileBytes: number) => {
		const f = totalBytes === 0 ? 1 : (doneBytes + fileBytes) / totalBytes;
		return `${bar(f)} ${(f * 100).toFixed(0).padStart(3)} %  ${ids} ids, ${unique} unique, ${ids - unique} dropped`;
	};
	for (const [index, file] of files.entries()) {
		for await (const record of readIdFile(resolve(io.cwd, file), {
			...(kind === undefined ? {} : { kind }),
			...(os === undefined ? {} : { os }),
			onBytes: (b) => progress.update(show(b)),
		})) {
			ids++;
			lines = Math.max(lines, record.line);
			if (!record.ok) {
				dropped[record.reason]++;
				if (samples.length < 10) samples.push(`${file}:${record.line}: ${record.reason}: ${record.detail}`);
				continue;
			}
			const kind = record.id.kind;
			if (kind === "unknown") {
				dropped.unknown_kind++;
				if (samples.length < 10) {
					samples.push(
						`${file}:${record.line}: unknown_kind: a hash without its kind; add a kind column or pass --kind imei_md5 (or oaid_md5, …)`,
					);
				}
				continue;
			}
			let set = seen.get(kind);
			if (set === undefined) {
				set = new Md5Set(1 << 16);
				seen.set(kind, set);
			}
			if (!set.add(record.id.hash)) {
				dropped.duplicate++;
				continue;
			}
			unique++;
			const pending = emit(kind, record.id.hash);
			if (pending !== undefined) await pending;
		}
		doneBytes += sizes[index] ?? 0;
	}
	progress.done(show(0));
	return { lines, ids, kept: unique, dropped, samples };
}

function segmentsFrom(values: FlagValues): AudienceValue {
	const raw = requiredString(values, "segments");
	const segments = [
		...new Set(
			raw
				.split(",")
				.map((t) => t.trim())
				.filter((t) => t !== ""),
		),
	];
	if (segments.length === 0)
		throw new CliError("USAGE", "--segments needs at least one name", { field: "--segments" });
	for (const t of segments) {
		if (!SEGMENT_PATTERN.test(t)) {
			throw new CliError("USAGE", `--segments: "${t}" is not a segment name (1–64 of A-Z a-z 0-9 _ . : -)`, {
				field: "--segments",
			});
		}
	}
	return { segments };
}

/**
 * Formats the counts.
 * @param stats - counts
 * @param what - what happened to kept ids ("written to kv.json")
 * @returns text
 */
export function formatAudienceStats(stats: AudienceStats, what: string): string {
	const rows = DROP_REASONS.filter((r) => stats.dropped[r] > 0).map((r) => [r, String(stats.dropped[r])]);
	const droppedTotal = DROP_REASONS.reduce((n, r) => n + stats.dropped[r], 0);
	return [
		`ids read      ${stats.ids}`,
		`kept          ${stats.kept} unique ${what}`,
		`dropped       ${droppedTotal}`,
		...(rows.length > 0 ? ["", formatTable(["reason", "count"], rows, [1]).trimEnd()] : []),
		...(stats.samples.length > 0 ? ["", "first drops:", ...stats.samples.map((s) => `  ${s}`)] : []),
		"",
	].join("\n");
}

function write(stream: WriteStream, text: string): Promise<void> | undefined {
	return stream.write(text) ? undefined : new Promise((r) => stream.once("drain", () => r()));
}

/** `txad audience build`. */
export const audienceBuild: Command = {
	name: "audience build",
	summary: "device-id files → deduped md5 audience as wrangler KV bulk JSON, drops counted",
	help: BUILD_HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags(
			"audience build",
			argv,
			{
				...INPUT_FLAGS,
				out: { type: "string" },
				"ttl-days": { type: "string" },
				"dry-run": { type: "boolean" },
			},
			true,
		);
		const dryRun = values["dry-run"] === true;
		const out = dryRun ? undefined : requiredString(values, "out");
		const ttlDays =
			optionalString(values, "ttl-days") === undefined
				? undefined
				: numberFlag(values, "ttl-days", undefined, { min: 1, max: 3650, integer: true });
		const value = segmentsFrom(values);
		let stream: WriteStream | undefined;
		if (out !== undefined) {
			const path = resolve(io.cwd, out);
			await mkdir(dirname(path), { recursive: true });
			stream = createWriteStream(path);
			await new Promise<void>((ok, fail) => {
				stream?.once("open", () => ok());
				stream?.once("error", (cause) =>
					fail(
						new CliError("INPUT", `--out: cannot write ${out}: ${cause.message}`, { field: "--out", cause }),
					),
				);
			});
			await write(stream, "[");
		}
		let first = true;
		const stats = await collectAudience(positionals, values, io, (kind, hash) => {
			if (stream === undefined) return;
			const entry = JSON.stringify(
				kvEntry(kind, hash, value, ttlDays === undefined ? undefined : ttlDays * 86_400),
			);
			const text = first ? `\n${entry}` : `,\n${entry}`;
			first = false;
			return write(stream, text);
		});
		if (stream !== undefined) {
			const s = stream;
			await new Promise<void>((ok, fail) => {
				s.once("error", fail);
				s.end(first ? "]\n" : "\n]\n", () => ok());
			});
		}
		io.out(formatAudienceStats(stats, out === undefined ? "(dry run)" : `written to ${out}`));
		if (out !== undefined)
			io.out(`next: npx wrangler kv bulk put ${out} --binding RTA_KV (from apps/rta-responder)\n`);
		return EXIT_OK;
	},
};

/** Result of sending one batch. */
export interface BatchResult {
	attempts: number;
	/** Lines the API rejected (its `rejected` count), with its first messages. */
	rejected: number;
	errors: { line: number; field: string; message: string }[];
}

/**
 * Posts one NDJSON batch, retrying network errors, 429 and 5xx with exponential backoff.
 * @param url - admin endpoint
 * @param token - bearer token
 * @param body - NDJSON
 * @param retries - retries after the first attempt
 * @returns attempts used
 * @throws CliError `NETWORK` when retries run out or the API refuses the batch (4xx)
 */
export async function postBatch(
	url: URL,
	token: string,
	body: string,
	retries: number,
	baseDelayMs = 250,
): Promise<BatchResult> {
	for (let attempt = 1; ; attempt++) {
		let retryAfterMs: number | undefined;
		let problem: string;
		try {
			const res = await fetch(url, {
				method: "POST",
				headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
				body,
				signal: AbortSignal.timeout(30_000),
			});
			const text = await res.text();
			if (res.ok) {
				// The responder answers {accepted, rejected, errors:[{line, field, message}]}; other APIs may not.
				let rejected = 0;
				let errors: BatchResult["errors"] = [];
				try {
					const json = JSON.parse(text) as { rejected?: unknown; errors?: unknown };
					if (typeof json.rejected === "number") rejected = json.rejected;
					if (Array.isArray(json.errors)) errors = json.errors as BatchResult["errors"];
				} catch {
					// not JSON: nothing to count
				}
				return { attempts: attempt, rejected, errors };
			}
			problem = `HTTP ${res.status}: ${text.slice(0, 300)}`;
			if (res.status !== 429 && res.status < 500) {
				throw new CliError("NETWORK", `${url.href} refused the batch: ${problem}`, {
					field: res.status === 401 || res.status === 403 ? "--token" : "--url",
				});
			}
			const ra = Number(res.headers.get("retry-after"));
			if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra * 1000, 60_000);
		} catch (e) {
			if (e instanceof CliError) throw e;
			problem =
				e instanceof Error
					? `${e.name}: ${(e.cause as { code?: string } | undefined)?.code ?? e.message}`
					: String(e);
		}
		if (attempt > retries)
			throw new CliError("NETWORK", `upload to ${url.href} failed after ${attempt} attempts: ${problem}`, {
				field: "--url",
			});
		// Full jitter keeps parallel uploaders from retrying in lock-step.
		await sleep(retryAfterMs ?? Math.random() * baseDelayMs * 2 ** (attempt - 1));
	}
}

/** `txad audience upload`. */
export const audienceUpload: Command = {
	name: "audience upload",
	summary: "device-id files → the responder's admin API in NDJSON batches with retries",
	help: UPLOAD_HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags(
			"audience upload",
			argv,
			{
				...INPUT_FLAGS,
				url: { type: "string" },
				token: { type: "string" },
				"batch-size": { type: "string" },
				retries: { type: "string" },
				mode: { type: "string" },
				"ttl-days": { type: "string" },
			},
			true,
		);
		const base = urlFlag(values, "url");
		const mode = optionalString(values, "mode") ?? "replace";
		if (mode !== "replace" && mode !== "merge") {
			throw new CliError("USAGE", `--mode must be replace or merge, got "${mode}"`, { field: "--mode" });
		}
		const endpoint = new URL(AUDIENCE_UPLOAD_PATH, base);
		endpoint.searchParams.set("mode", mode);
		const token = optionalString(values, "token") ?? io.env.TXAD_ADMIN_TOKEN;
		if (token === undefined || token === "") {
			throw new CliError("USAGE", "--token is required (or set TXAD_ADMIN_TOKEN)", { field: "--token" });
		}
		const limit = MAX_UPLOAD_LINES[mode];
		const batchSize = numberFlag(values, "batch-size", limit, { min: 1, max: limit, integer: true });
		const retries = numberFlag(values, "retries", 5, { min: 0, max: 20, integer: true });
		const value = segmentsFrom(values);
		const ttlSeconds =
			optionalString(values, "ttl-days") === undefined
				? undefined
				: numberFlag(values, "ttl-days", undefined, { min: 1, max: 3650, integer: true }) * 86_400;
		let batch: string[] = [];
		let batches = 0;
		let retried = 0;
		let uploaded = 0;
		let rejected = 0;
		const rejections: string[] = [];
		const flush = async () => {
			if (batch.length === 0) return;
			const body = `${batch.join("\n")}\n`;
			const n = batch.length;
			batch = [];
			const result = await postBatch(endpoint, token, body, retries);
			const { attempts } = result;
			rejected += result.rejected;
			for (const e of result.errors) {
				if (rejections.length < 10)
					rejections.push(`batch ${batches + 1} line ${e.line}: ${e.field}: ${e.message}`);
			}
			batches++;
			retried += attempts - 1;
			uploaded += n;
		};
		const stats = await collectAudience(positionals, values, io, (kind, hash) => {
			batch.push(uploadLine(kind, hash, value, ttlSeconds));
			return batch.length >= batchSize ? flush() : undefined;
		});
		await flush();
		io.out(formatAudienceStats(stats, `uploaded to ${endpoint.href}`));
		io.out(`batches       ${batches} (${uploaded} records, ${retried} retries)\n`);
		if (rejected > 0) {
			io.out(`rejected      ${rejected} by the API\n${rejections.map((r) => `  ${r}\n`).join("")}`);
			return EXIT_FAIL;
		}
		return EXIT_OK;
	},
};
