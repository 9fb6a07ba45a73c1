/**
 * `txad sign dspb` and `txad sign conversion`: compute the DSP-B request `sign`
 * (docs/dspb/protocol.md 请求校验字段) and the conversion report `encstr`
 * (docs/conversion/form-api.md §5.4) with @txad/signing, showing the exact string
 * that was signed so a mismatch with Tencent can be debugged field by field.
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
	buildConversionSignString,
	buildDspbRequestParam,
	computeConversionEncstr,
	isSigningError,
	signDspbRequest,
} from "@txad/signing";
import { type Command, type FlagValues, optionalString, parseFlags } from "../args.ts";
import { CliError, EXIT_OK } from "../errors.ts";
import type { Io } from "../io.ts";

function secretFrom(values: FlagValues, flag: string, envName: string, io: Io): string {
	const value = optionalString(values, flag) ?? io.env[envName];
	if (value === undefined || value === "") {
		throw new CliError("USAGE", `--${flag} is required (or set ${envName} to keep it out of shell history)`, {
			field: `--${flag}`,
		});
	}
	return value;
}

/** A flag holding JSON text, or `@path` to read it from a file (read verbatim: bytes are signed). */
function jsonText(values: FlagValues, flag: string, io: Io): string {
	const value = optionalString(values, flag);
	if (value === undefined)
		throw new CliError("USAGE", `--${flag} is required (JSON text or @file)`, { field: `--${flag}` });
	if (!value.startsWith("@")) return value;
	try {
		return readFileSync(resolve(io.cwd, value.slice(1)), "utf8").trim();
	} catch (cause) {
		throw new CliError("INPUT", `--${flag}: cannot read ${value.slice(1)}`, { field: `--${flag}`, cause });
	}
}

function signingFailure(e: unknown, flagOf: (field: string) => string): never {
	if (isSigningError(e)) {
		const flag = e.field === undefined ? undefined : flagOf(e.field);
		throw new CliError("INPUT", flag === undefined ? e.message : `${flag}: ${e.message}`, {
			...(flag === undefined ? {} : { field: flag }),
			cause: e,
		});
	}
	throw e;
}

const DSPB_HELP = `txad sign dspb — compute the 优量汇 DSP-B request sign (docs/dspb/protocol.md "请求校验字段")

Usage: txad sign dspb --secret S --device JSON --media JSON --network JSON --pos JSON
                      [--time-stamp MS] [--json]

  --secret S        signing secret (or env TXAD_DSPB_SECRET)
  --device/--media/--network/--pos
                    the exact JSON text that goes into the query, or @file to read it
  --time-stamp MS   request time in ms since the epoch (default: now)
  --json            print {request_param, sign, time_stamp} as JSON

sign = hex(hmac_sha256(secret, "device=…&media=…&network=…&pos=…&time_stamp=…")).
`;

/** `txad sign dspb`. */
export const signDspb: Command = {
	name: "sign dspb",
	summary: "compute a DSP-B (优量汇) request sign and show the signed string",
	help: DSPB_HELP,
	async run(argv, io) {
		const { values } = parseFlags("sign dspb", argv, {
			secret: { type: "string" },
			device: { type: "string" },
			media: { type: "string" },
			network: { type: "string" },
			pos: { type: "string" },
			"time-stamp": { type: "string" },
			json: { type: "boolean" },
		});
		const secret = secretFrom(values, "secret", "TXAD_DSPB_SECRET", io);
		const parts = {
			device: jsonText(values, "device", io),
			media: jsonText(values, "media", io),
			network: jsonText(values, "network", io),
			pos: jsonText(values, "pos", io),
			time_stamp: optionalString(values, "time-stamp") ?? String(Date.now()),
		};
		const flagOf = (field: string) => (field === "time_stamp" ? "--time-stamp" : `--${field}`);
		let requestParam: string;
		let sign: string;
		try {
			requestParam = buildDspbRequestParam(parts);
			sign = await signDspbRequest(secret, parts);
		} catch (e) {
			signingFailure(e, flagOf);
		}
		if (values.json === true) {
			io.out(
				`${JSON.stringify({ request_param: requestParam, sign, time_stamp: String(parts.time_stamp) })}\n`,
			);
		} else {
			io.out(`request_param: ${requestParam}\nsign:          ${sign}\n`);
		}
		return EXIT_OK;
	},
};

const CONVERSION_HELP = `txad sign conversion — compute a conversion report encstr (docs/conversion/form-api.md §5.3–5.4)

Usage: txad sign conversion --app-type IOS|ANDROID|UNIONANDROID --muid HASH --sign-key K
                            [--click-id ID] [--client-ip IP] [--conv-time S] [--json]

  --app-type     as posted: IOS, ANDROID or UNIONANDROID
  --muid         32-hex device hash (use \`txad muid\` to make one)
  --sign-key     the conversion rule's sign_key (or env TXAD_SIGN_KEY)
  --click-id     matched click id (default empty)
  --client-ip    converting user's IP (default empty)
  --conv-time    conversion time, Unix seconds (default: now)

encstr = md5("app_type=…&click_id=…&client_ip=…&conv_time=…&muid=…&sign_key=…"), empty
fields kept.
`;

/** `txad sign conversion`. */
export const signConversion: Command = {
	name: "sign conversion",
	summary: "compute a conversion report encstr and show the signed string",
	help: CONVERSION_HELP,
	async run(argv, io) {
		const { values } = parseFlags("sign conversion", argv, {
			"app-type": { type: "string" },
			"click-id": { type: "string" },
			"client-ip": { type: "string" },
			"conv-time": { type: "string" },
			muid: { type: "string" },
			"sign-key": { type: "string" },
			json: { type: "boolean" },
		});
		const fields = {
			app_type: optionalString(values, "app-type") ?? "",
			click_id: optionalString(values, "click-id") ?? "",
			client_ip: optionalString(values, "client-ip") ?? "",
			conv_time: optionalString(values, "conv-time") ?? String(Math.floor(Date.now() / 1000)),
			muid: optionalString(values, "muid") ?? "",
			sign_key: secretFrom(values, "sign-key", "TXAD_SIGN_KEY", io),
		};
		if (fields.app_type !== "" && !["IOS", "ANDROID", "UNIONANDROID"].includes(fields.app_type)) {
			throw new CliError(
				"INPUT",
				`--app-type must be IOS, ANDROID or UNIONANDROID, got "${fields.app_type}"`,
				{
					field: "--app-type",
				},
			);
		}
		let signString: string;
		let encstr: string;
		try {
			signString = buildConversionSignString(fields);
			encstr = computeConversionEncstr(fields);
		} catch (e) {
			signingFailure(e, (field) => `--${field.replace(/_/g, "-")}`);
		}
		if (values.json === true) io.out(`${JSON.stringify({ sign_string: signString, encstr })}\n`);
		else io.out(`sign_string: ${signString}\nencstr:      ${encstr}\n`);
		return EXIT_OK;
	},
};
