/**
 * `txad muid`: hash raw device ids the way Tencent does, or check hashes, and flag placeholder
 * (non-device) ids — the same @txad/muid rules the responder and the audience tools apply.
 * @module
 */
import {
	DEVICE_ID_KINDS,
	type DeviceIdKind,
	detectDeviceIdKind,
	hashDeviceId,
	isDeviceIdKind,
	isNonDeviceHash,
	isNonDeviceRawId,
	normalizeDeviceId,
} from "@txad/muid";
import { type Command, optionalString, parseFlags } from "../args.ts";
import { CliError, EXIT_OK } from "../errors.ts";
import { formatTable } from "../lib/table.ts";

const HELP = `txad muid — hash raw device ids as Tencent does (md5, 32 lower-case hex)

Usage: txad muid [--kind KIND] [--os ios|android] [--json] ID...

  --kind KIND   ${DEVICE_ID_KINDS.join(" | ")}; detected when omitted (IMEI/MEID by 1–15 hex
                digits, IDFA by UUID shape — OAID when --os android). A 32-hex value without
                --kind is taken as an existing hash and only normalised.
  --os OS       ios | android: tells an OAID from an IDFA when detecting.
  --json        one JSON object per id instead of a table.

Normalisation (docs/rta/http-behaviour.md "Device id hashing"): IMEI lower-cased, IDFA upper-cased,
others hashed as given.
Ids that are placeholders (empty, zeros, "null", md5 of those…) are flagged "non-device".

Example:
  txad muid 354649050046412 1e2dfa89-496a-47fd-9941-df1fc4e6484a
`;

/** What `txad muid` reports per input. */
export interface MuidRow {
	input: string;
	kind: DeviceIdKind | "hash";
	normalized: string;
	md5: string;
	nonDevice: boolean;
}

/**
 * Hashes or normalises one id.
 * @param input - raw id or hash
 * @param kind - the kind, or undefined to detect
 * @param os - OS hint for detection
 * @returns the row
 * @throws CliError `INPUT` when the kind cannot be detected
 */
export function muidRow(
	input: string,
	kind: DeviceIdKind | undefined,
	os: "ios" | "android" | undefined,
): MuidRow {
	const trimmed = input.trim();
	if (kind === undefined && /^[0-9a-fA-F]{32}$/.test(trimmed)) {
		const md5 = trimmed.toLowerCase();
		return { input, kind: "hash", normalized: md5, md5, nonDevice: isNonDeviceHash(md5) };
	}
	const resolved = kind ?? detectDeviceIdKind(trimmed, os === undefined ? {} : { os });
	if (resolved === null) {
		throw new CliError(
			"INPUT",
			`cannot tell the kind of "${input}": pass --kind (${DEVICE_ID_KINDS.join(", ")})`,
			{
				field: "--kind",
			},
		);
	}
	if (trimmed === "") {
		return { input, kind: resolved, normalized: "", md5: "", nonDevice: true };
	}
	const md5 = hashDeviceId(resolved, trimmed);
	return {
		input,
		kind: resolved,
		normalized: normalizeDeviceId(resolved, trimmed),
		md5,
		nonDevice: isNonDeviceRawId(trimmed) || isNonDeviceHash(md5),
	};
}

/** `txad muid`. */
export const muidCommand: Command = {
	name: "muid",
	summary: "hash raw device ids (IMEI/IDFA/OAID/…) into Tencent's md5 form",
	help: HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags(
			"muid",
			argv,
			{ kind: { type: "string" }, os: { type: "string" }, json: { type: "boolean" } },
			true,
		);
		const kindFlag = optionalString(values, "kind");
		if (kindFlag !== undefined && !isDeviceIdKind(kindFlag)) {
			throw new CliError("USAGE", `--kind must be one of ${DEVICE_ID_KINDS.join(", ")}, got "${kindFlag}"`, {
				field: "--kind",
			});
		}
		const os = optionalString(values, "os");
		if (os !== undefined && os !== "ios" && os !== "android") {
			throw new CliError("USAGE", `--os must be ios or android, got "${os}"`, { field: "--os" });
		}
		if (positionals.length === 0)
			throw new CliError("USAGE", "give at least one device id (see txad muid --help)");
		const rows = positionals.map((id) => muidRow(id, kindFlag, os));
		if (values.json === true) {
			for (const row of rows) io.out(`${JSON.stringify(row)}\n`);
		} else {
			io.out(
				formatTable(
					["input", "kind", "md5", "note"],
					rows.map((r) => [r.input, r.kind, r.md5, r.nonDevice ? "non-device (placeholder): drop it" : ""]),
				),
			);
		}
		return EXIT_OK;
	},
};
