/**
 * `txad rta decode`: an RTA body back into readable JSON — a raw log line of the responder (event
 * `rta_raw`, as Workers Logs, Logpush or `wrangler tail` print it: both bodies), or one body given
 * as base64, hex or a file. The line format is `@txad/proto`'s (`readRtaRawLog`), the decoder its
 * strict one, so what is shown is what the responder read.
 * @module
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { type JsonValue, toJson } from "@bufbuild/protobuf";
import {
	decodeBase64,
	decodeRtaRequest,
	decodeRtaResponse,
	isProtoError,
	RtaRequestSchema,
	RtaResponseSchema,
	readRtaRawLog,
	readRtaRequest,
} from "@txad/proto";
import { type Command, optionalString, parseFlags } from "../args.ts";
import { CliError, EXIT_OK } from "../errors.ts";

const HELP = `txad rta decode — an RTA request or response (or a raw log line) as readable JSON

Usage: txad rta decode [--response] [--hex | --base64] TEXT
       txad rta decode [--response] --file PATH      (PATH "-" = stdin)

  TEXT         a raw log line of the responder ({"event":"rta_raw",…}, also inside a Workers Logs,
               Logpush or wrangler tail record): both bodies are decoded; or one body as base64
               (standard or URL alphabet) or hex — told apart by their characters unless
               --hex / --base64 says.
  --file PATH  a body as raw protobuf bytes, or a file of log lines (every rta_raw line in it is
               decoded, one JSON object per line).
  --response   the body is an RtaResponse (default: an RtaRequest). Raw log lines say themselves.

Output: protobuf JSON with the proto field names (uint64 as decimal strings); a request id that is
not UTF-8 also as "id_hex". Exit status 2 when the input is not what it claims to be.

Examples:
  txad rta decode CgJyMSokGiBiNDk2ZWMxMTY5NzcwZWEyNzRhMmI0ZjQyY2E0ZmI3MVAB
  txad rta decode --response --hex 0a027231100438901c
  npx wrangler tail --format json | grep rta_raw > raw.log; txad rta decode --file raw.log
`;

/**
 * One body as JSON.
 * @param bytes - the body
 * @param kind - which message it is
 * @returns protobuf JSON with proto field names, plus `id_hex` for a request id that is not UTF-8
 * @throws CliError `INPUT` when the bytes are not that message
 */
export function decodeBody(bytes: Uint8Array, kind: "request" | "response"): JsonValue {
	try {
		if (kind === "response")
			return toJson(RtaResponseSchema, decodeRtaResponse(bytes), { useProtoFieldName: true });
		const json = toJson(RtaRequestSchema, decodeRtaRequest(bytes), { useProtoFieldName: true }) as Record<
			string,
			JsonValue
		>;
		const idBytes = readRtaRequest(bytes).idBytes;
		if (!isUtf8(idBytes)) json.id_hex = toHex(idBytes);
		return json;
	} catch (e) {
		if (isProtoError(e))
			throw new CliError("INPUT", `not an Rta${kind === "request" ? "Request" : "Response"}: ${e.message}`);
		throw e;
	}
}

/**
 * A raw log line with both bodies decoded.
 * @param line - the line
 * @returns the line's fields, `request` and `response` as JSON instead of base64
 * @throws CliError `INPUT` when it is no raw log line or a body does not decode
 */
export function decodeRawLogLine(line: string): JsonValue {
	let raw: ReturnType<typeof readRtaRawLog>;
	try {
		raw = readRtaRawLog(line);
	} catch (e) {
		if (isProtoError(e)) throw new CliError("INPUT", e.message);
		throw e;
	}
	const {
		request_b64: _request,
		response_b64: _response,
		...fields
	} = raw.fields as unknown as Record<string, JsonValue>;
	// An undecodable request is logged too (code 1): show its bytes instead of failing.
	let request: JsonValue;
	try {
		request = decodeBody(raw.request, "request");
	} catch {
		request = { undecodable_hex: toHex(raw.request) };
	}
	return { ...fields, request, response: decodeBody(raw.response, "response") };
}

/**
 * The bytes of a body given as text.
 * @param text - base64 or hex
 * @param as - the encoding, or undefined to tell from the characters
 * @returns the bytes
 * @throws CliError `INPUT` when the text is neither
 */
export function bodyBytes(text: string, as: "hex" | "base64" | undefined): Uint8Array {
	const clean = text.replace(/\s+/g, "");
	const hex = /^(?:[0-9a-fA-F]{2})*$/.test(clean);
	if (as === "hex" || (as === undefined && hex && clean.length > 0)) {
		if (!hex) throw new CliError("INPUT", "not hex: an even number of 0-9 a-f characters expected");
		return Uint8Array.from(clean.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
	}
	try {
		return decodeBase64(clean, "the text");
	} catch (e) {
		if (isProtoError(e)) throw new CliError("INPUT", `${e.message} (nor hex, nor a raw log line)`);
		throw e;
	}
}

/** `txad rta decode`. */
export const rtaDecode: Command = {
	name: "rta decode",
	summary: "an RTA request/response (base64, hex, file) or a raw log line as readable JSON",
	help: HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags(
			"rta decode",
			argv,
			{
				file: { type: "string" },
				response: { type: "boolean" },
				hex: { type: "boolean" },
				base64: { type: "boolean" },
			},
			true,
		);
		const kind = values.response === true ? "response" : "request";
		if (values.hex === true && values.base64 === true)
			throw new CliError("USAGE", "give --hex or --base64, not both");
		const as = values.hex === true ? "hex" : values.base64 === true ? "base64" : undefined;
		const file = optionalString(values, "file");
		const print = (json: JsonValue) => io.out(`${JSON.stringify(json, null, 2)}\n`);
		if (file !== undefined) {
			if (positionals.length > 0) throw new CliError("USAGE", "give --file or a TEXT, not both");
			const bytes = readFileSync(file === "-" ? 0 : path.resolve(io.cwd, file));
			const text = new TextDecoder().decode(bytes);
			const lines = text.split("\n").filter((l) => l.includes('"rta_raw"') || l.includes('\\"rta_raw\\"'));
			if (lines.length > 0) {
				for (const line of lines) io.out(`${JSON.stringify(decodeRawLogLine(line))}\n`);
				return EXIT_OK;
			}
			print(decodeBody(new Uint8Array(bytes), kind));
			return EXIT_OK;
		}
		if (positionals.length !== 1)
			throw new CliError("USAGE", "give one TEXT (quote it) or --file PATH (see txad rta decode --help)");
		const text = (positionals[0] as string).trim();
		if (text.startsWith("{") && as === undefined) {
			print(decodeRawLogLine(text));
			return EXIT_OK;
		}
		print(decodeBody(bodyBytes(text, as), kind));
		return EXIT_OK;
	},
};

function isUtf8(bytes: Uint8Array): boolean {
	try {
		new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
		return bytes[0] !== 0xef || bytes[1] !== 0xbb || bytes[2] !== 0xbf;
	} catch {
		return false;
	}
}

function toHex(bytes: Uint8Array): string {
	return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
