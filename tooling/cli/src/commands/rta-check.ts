/**
 * `txad rta check`: Tencent's manual single test (docs/rta/admission.md step 6) — real protobuf requests for
 * sample device ids; positives must be taken (`code` 0), negatives refused (non-zero `code`).
 * @module
 */
import { resolve } from "node:path";
import { create } from "@bufbuild/protobuf";
import { DEVICE_ID_KINDS } from "@txad/muid";
import { encodeRtaRequest, RtaRequestSchema } from "@txad/proto";
import { type Command, headerFlags, numberFlag, optionalString, parseFlags, urlFlag } from "../args.ts";
import { CliError, EXIT_FAIL, EXIT_OK } from "../errors.ts";
import type { Io } from "../io.ts";
import type { DeviceRef } from "../lib/device-ids.ts";
import { readIdFile } from "../lib/id-file.ts";
import { readOpenidFile, WECHAT_APPID } from "../lib/openid-file.ts";
import { createRandom } from "../lib/prng.ts";
import { requestForDevice, requestForOpenid } from "../lib/request-generator.ts";
import { createRtaClient, type RtaClient, type RtaOutcome } from "../lib/rta-client.ts";
import { describeCode } from "../lib/rta-codes.ts";
import { formatTable } from "../lib/table.ts";

/** RTA admission guide step 6 asks for 少量 (a few) samples; more is a load test. */
export const MAX_SAMPLES = 1000;
/** docs/rta/http-behaviour.md "Budget": 60 ms end-to-end budget; slower answers are flagged. */
const BUDGET_MS = 60;

const HELP = `txad rta check — Tencent's manual single test (docs/rta/admission.md step 6) against your responder

Usage: txad rta check --url URL [--positive FILE] [--negative FILE] [flags]

  --url URL          responder RTA endpoint (your BidURL), e.g. http://127.0.0.1:8787/rta
  --positive FILE    ids that must be taken (answer code 0)
  --negative FILE    ids that must be refused (answer code ≠ 0)
  --kind KIND        kind of ids whose line does not say (${DEVICE_ID_KINDS.join(", ")}, or
                     <kind>_md5 for hashes); raw IMEIs and IDFAs are detected
  --os ios|android   tells OAIDs from IDFAs when detecting
  --openid-appid ID  openid mode (交互方式 openid): the files hold openids, sent as they are in
                     device.wx_openid under this WeChat appid (wx + 16 hex, the responder's
                     OPENID_APPID)
  --timeout-ms MS    give up on an answer after MS (default 1000; over 60 ms is flagged)
  --header "K: V"    add a header (repeatable), e.g. the registered RTA header signature
  --is-test          mark requests is_test, as Tencent's debug tool does
  --json             print the rows as JSON

Files: one id per line, raw or md5, optionally "kind,id" / "kind:id" (imei:8652…,
oaid_md5,3f2a…); or CSV with a header (id,kind or one column per kind). "#" starts a comment.
With --openid-appid: one openid per line (optionally "openid,<id>"; an "openid" header line is
skipped). Up to ${MAX_SAMPLES} ids per file. A ping (is_ping) is sent first.

Exit 0 when every positive is taken and every negative refused, 1 otherwise.
`;

/** One sample id: a device id (kind + md5) or, in openid mode, an openid. */
type Sample = { line: number; id: DeviceRef } | { line: number; openid: string };

/** One checked sample. */
export interface CheckRow {
	set: "ping" | "positive" | "negative";
	line: number;
	kind: string;
	/** The md5 of a device id, or the openid. */
	hash: string;
	expected: "answer" | "taken" | "refused";
	outcome: RtaOutcome;
	pass: boolean;
}

async function loadSamples(
	path: string,
	flag: string,
	kind: string | undefined,
	os: "ios" | "android" | undefined,
	io: Io,
) {
	const samples: Sample[] = [];
	for await (const record of readIdFile(resolve(io.cwd, path), {
		...(kind === undefined ? {} : { kind }),
		...(os === undefined ? {} : { os }),
	})) {
		if (!record.ok) {
			throw new CliError("INPUT", `${path}:${record.line}: ${record.reason}: ${record.detail}`, {
				field: flag,
			});
		}
		if (record.id.kind === "unknown") {
			throw new CliError(
				"INPUT",
				`${path}:${record.line}: a hash without its kind; write e.g. "imei_md5,${record.id.hash}" or pass --kind imei_md5`,
				{ field: flag },
			);
		}
		samples.push({ line: record.line, id: record.id });
		if (samples.length > MAX_SAMPLES) {
			throw new CliError(
				"INPUT",
				`${path}: more than ${MAX_SAMPLES} ids; use txad rta loadtest --ids for volume`,
				{ field: flag },
			);
		}
	}
	if (samples.length === 0) throw new CliError("INPUT", `${path}: no device id found`, { field: flag });
	return samples;
}

async function loadOpenids(path: string, flag: string, io: Io): Promise<Sample[]> {
	const samples: Sample[] = [];
	for await (const record of readOpenidFile(resolve(io.cwd, path))) {
		if (!record.ok) throw new CliError("INPUT", `${path}:${record.line}: ${record.detail}`, { field: flag });
		samples.push({ line: record.line, openid: record.openid });
		if (samples.length > MAX_SAMPLES) {
			throw new CliError(
				"INPUT",
				`${path}: more than ${MAX_SAMPLES} openids; use txad rta loadtest for volume`,
				{
					field: flag,
				},
			);
		}
	}
	if (samples.length === 0) throw new CliError("INPUT", `${path}: no openid found`, { field: flag });
	return samples;
}

function describeOutcome(o: RtaOutcome): { http: string; code: string; targets: string } {
	if (o.kind === "ok") {
		return {
			http: "200",
			code: describeCode(o.response.code),
			targets:
				o.response.outTargetId.join(" ") ||
				(o.response.targetInfos.length > 0 ? `${o.response.targetInfos.length} target_infos` : ""),
		};
	}
	if (o.kind === "timeout") return { http: "-", code: "-", targets: "timeout" };
	return { http: o.status === undefined ? "-" : String(o.status), code: "-", targets: o.reason };
}

async function checkOne(
	client: RtaClient,
	sample: Sample,
	appid: string | undefined,
	isTest: boolean,
	seq: number,
): Promise<RtaOutcome> {
	const id = `txad-check-${seq}-${createRandom(Date.now() + seq).hex(6)}`;
	const request =
		"openid" in sample
			? requestForOpenid(sample.openid, appid ?? "", id, isTest)
			: requestForDevice(sample.id, id, isTest);
	return client.send(encodeRtaRequest(request), id);
}

/** `txad rta check`. */
export const rtaCheck: Command = {
	name: "rta check",
	summary: "single test (docs/rta/admission.md step 6): positives taken, negatives refused, as a table",
	help: HELP,
	async run(argv, io) {
		const { values } = parseFlags("rta check", argv, {
			url: { type: "string" },
			positive: { type: "string" },
			negative: { type: "string" },
			kind: { type: "string" },
			os: { type: "string" },
			"openid-appid": { type: "string" },
			"timeout-ms": { type: "string" },
			header: { type: "string", multiple: true },
			"is-test": { type: "boolean" },
			json: { type: "boolean" },
		});
		const url = urlFlag(values, "url");
		const positive = optionalString(values, "positive");
		const negative = optionalString(values, "negative");
		if (positive === undefined && negative === undefined) {
			throw new CliError("USAGE", "give --positive FILE and/or --negative FILE", { field: "--positive" });
		}
		const os = optionalString(values, "os");
		if (os !== undefined && os !== "ios" && os !== "android") {
			throw new CliError("USAGE", `--os must be ios or android, got "${os}"`, { field: "--os" });
		}
		const kind = optionalString(values, "kind");
		const appid = optionalString(values, "openid-appid");
		if (appid !== undefined && !WECHAT_APPID.test(appid)) {
			throw new CliError("USAGE", `--openid-appid must be a WeChat appid (wx + 16 hex), got "${appid}"`, {
				field: "--openid-appid",
			});
		}
		if (appid !== undefined && (kind !== undefined || os !== undefined)) {
			throw new CliError("USAGE", "--openid-appid reads openids: --kind and --os are for device ids", {
				field: "--openid-appid",
			});
		}
		const load = (path: string, flag: string) =>
			appid === undefined ? loadSamples(path, flag, kind, os, io) : loadOpenids(path, flag, io);
		const timeoutMs = numberFlag(values, "timeout-ms", 1000, { min: 1, max: 30_000, integer: true });
		const isTest = values["is-test"] === true;
		const sets: { set: "positive" | "negative"; samples: Sample[] }[] = [];
		if (positive !== undefined) sets.push({ set: "positive", samples: await load(positive, "--positive") });
		if (negative !== undefined) sets.push({ set: "negative", samples: await load(negative, "--negative") });

		const client = createRtaClient({ url, headers: headerFlags(values), timeoutMs, connections: 4 });
		const rows: CheckRow[] = [];
		try {
			const pingId = `txad-check-ping-${createRandom(Date.now()).hex(6)}`;
			const ping = await client.send(
				encodeRtaRequest(create(RtaRequestSchema, { id: pingId, isPing: true })),
				pingId,
			);
			if (ping.kind === "error" && ping.status === undefined) {
				throw new CliError("NETWORK", `cannot reach ${url.href}: ${ping.reason}`, { field: "--url" });
			}
			rows.push({
				set: "ping",
				line: 0,
				kind: "-",
				hash: "(is_ping)",
				expected: "answer",
				outcome: ping,
				pass: ping.kind === "ok",
			});
			let seq = 0;
			for (const { set, samples } of sets) {
				for (const sample of samples) {
					const outcome = await checkOne(client, sample, appid, isTest, seq++);
					const taken = outcome.kind === "ok" && outcome.response.code === 0;
					const refused = outcome.kind === "ok" && outcome.response.code !== 0;
					rows.push({
						set,
						line: sample.line,
						kind: "openid" in sample ? "openid" : sample.id.kind,
						hash: "openid" in sample ? sample.openid : sample.id.hash,
						expected: set === "positive" ? "taken" : "refused",
						outcome,
						pass: set === "positive" ? taken : refused,
					});
				}
			}
		} finally {
			client.close();
		}

		const failed = rows.filter((r) => !r.pass).length;
		const slow = rows.filter((r) => r.outcome.ms > BUDGET_MS).length;
		if (values.json === true) {
			io.out(
				`${JSON.stringify(
					rows.map((r) => ({
						set: r.set,
						line: r.line,
						kind: r.kind,
						hash: r.hash,
						expected: r.expected,
						outcome: r.outcome.kind,
						ms: Math.round(r.outcome.ms * 100) / 100,
						...describeOutcome(r.outcome),
						pass: r.pass,
					})),
					null,
					2,
				)}\n`,
			);
		} else {
			io.out(
				formatTable(
					[
						"set",
						"line",
						"kind",
						appid === undefined ? "md5" : "openid",
						"http",
						"code",
						"ms",
						"targets / reason",
						"expected",
						"result",
					],
					rows.map((r) => {
						const d = describeOutcome(r.outcome);
						return [
							r.set,
							r.line === 0 ? "" : String(r.line),
							r.kind,
							r.hash,
							d.http,
							d.code,
							r.outcome.ms.toFixed(1),
							d.targets,
							r.expected,
							r.pass ? "PASS" : "FAIL",
						];
					}),
					[1, 6],
				),
			);
			io.out(
				`\n${rows.length - failed}/${rows.length} as expected${slow > 0 ? `; ${slow} answer(s) over the ${BUDGET_MS} ms budget` : ""}\n${failed === 0 ? "READY" : "NOT READY"}: ${failed === 0 ? "positives taken, negatives refused" : `${failed} sample(s) not as expected`}\n`,
			);
		}
		return failed === 0 ? EXIT_OK : EXIT_FAIL;
	},
};
