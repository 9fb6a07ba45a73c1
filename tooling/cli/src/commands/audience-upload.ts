/**
 * `txad audience upload`: device-id files → the responder's admin API (NDJSON batches with
 * retries). Each batch becomes one delta the responder applies on top of its snapshot within a
 * minute; publish a snapshot (`txad audience build` + `publish`) for bulk audiences.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { IdType } from "@txad/audience";
import { type Command, numberFlag, optionalString, parseFlags, urlFlag } from "../args.ts";
import { CliError, EXIT_FAIL, EXIT_OK } from "../errors.ts";
import {
	AUDIENCE_INPUT_FLAGS,
	AUDIENCE_INPUT_HELP,
	audienceStatsJson,
	formatAudienceStats,
	parseInputs,
	readAudienceInputs,
} from "../lib/audience-input.ts";
import { AUDIENCE_UPLOAD_PATH, MAX_UPLOAD_LINES, uploadLine } from "../lib/audience-record.ts";
import { Md5Set } from "../lib/hash-set.ts";

const HELP = `txad audience upload — send device-id files to the responder's admin API in batches

Usage: txad audience upload FILE[=SEGMENTS]... --url BASE --token T [--segments NAMES] [flags]

  --url BASE         responder base URL, e.g. http://127.0.0.1:8787 (POST BASE${AUDIENCE_UPLOAD_PATH})
  --token T          admin bearer token (or env TXAD_ADMIN_TOKEN)
  --mode MODE        replace (default: each id's segments become these) or merge (adds them to
                     what the snapshot and earlier deltas say)
  --batch-size N     lines per request (default and max ${MAX_UPLOAD_LINES}: one request is one delta)
  --retries N        retries per batch on network errors, 429 and 5xx (default 5; exponential
                     backoff from 250 ms, honouring Retry-After)
  --json             print the summary as JSON on stdout
${AUDIENCE_INPUT_HELP}

An id given twice is sent once (the first time). Each batch is one delta the responder applies
within a minute; for whole audiences build and publish a snapshot instead.
`;

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
 * @param baseDelayMs - first backoff
 * @returns attempts used and the API's rejections
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
	summary: "device-id files → the responder's admin API (deltas) in NDJSON batches with retries",
	help: HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags(
			"audience upload",
			argv,
			{
				...AUDIENCE_INPUT_FLAGS,
				url: { type: "string" },
				token: { type: "string" },
				"batch-size": { type: "string" },
				retries: { type: "string" },
				mode: { type: "string" },
				json: { type: "boolean" },
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
		const batchSize = numberFlag(values, "batch-size", MAX_UPLOAD_LINES, {
			min: 1,
			max: MAX_UPLOAD_LINES,
			integer: true,
		});
		const retries = numberFlag(values, "retries", 5, { min: 0, max: 20, integer: true });
		const inputs = parseInputs(positionals, io.cwd);
		let batch: string[] = [];
		let batches = 0;
		let retried = 0;
		let uploaded = 0;
		let rejected = 0;
		let duplicates = 0;
		const rejections: string[] = [];
		const flush = async () => {
			if (batch.length === 0) return;
			const body = `${batch.join("\n")}\n`;
			const n = batch.length;
			batch = [];
			const result = await postBatch(endpoint, token, body, retries);
			rejected += result.rejected;
			for (const e of result.errors) {
				if (rejections.length < 10)
					rejections.push(`batch ${batches + 1} line ${e.line}: ${e.field}: ${e.message}`);
			}
			batches++;
			retried += result.attempts - 1;
			uploaded += n;
		};
		const seenHashes = new Map<IdType, Md5Set>();
		const seenOpenids = new Set<string>();
		const stats = await readAudienceInputs(inputs, values, io, (id) => {
			if (id.type === "openid") {
				if (seenOpenids.has(id.value)) return duplicate();
				seenOpenids.add(id.value);
			} else {
				let set = seenHashes.get(id.type);
				if (set === undefined) {
					set = new Md5Set(1 << 12);
					seenHashes.set(id.type, set);
				}
				if (!set.add(id.value)) return duplicate();
			}
			batch.push(uploadLine(id.type, id.value, id.entries));
			return batch.length >= batchSize ? flush() : undefined;
		});
		function duplicate(): undefined {
			duplicates++;
			return undefined;
		}
		await flush();
		stats.kept -= duplicates;
		stats.dropped.duplicate += duplicates;
		if (values.json === true) {
			io.out(
				`${JSON.stringify(
					{
						...audienceStatsJson(stats),
						endpoint: endpoint.href,
						mode,
						batches,
						lines: uploaded,
						retries: retried,
						rejected,
						rejections,
					},
					null,
					2,
				)}\n`,
			);
			return rejected > 0 ? EXIT_FAIL : EXIT_OK;
		}
		io.out(formatAudienceStats(stats, `unique, uploaded to ${endpoint.href}`));
		io.out(`batches       ${batches} (${uploaded} lines, ${retried} retries)\n`);
		if (rejected > 0) {
			io.out(`rejected      ${rejected} by the API\n${rejections.map((r) => `  ${r}\n`).join("")}`);
			return EXIT_FAIL;
		}
		return EXIT_OK;
	},
};
