/**
 * Sample files of openids, for integrations in openid mode (docs/rta/admission.md 交互方式:
 * 设备号 or openid; step 6 asks for 设备号/openid samples): one openid per line, optionally written
 * `openid,<id>` / `openid:<id>`, an optional `openid` header line, `#` comments. Openids are sent
 * as they are (never hashed) in `Device.wx_openid` with the integration's WeChat appid
 * (docs/rta/wire-protocol.md Device #14). Length and placeholder rules are @txad/audience's, the
 * ones `/rta`, the admin API and `audience build` use.
 * @module
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { isPlaceholderOpenid, MAX_OPENID_LENGTH } from "@txad/audience";
import { CliError } from "../errors.ts";
/** The WeChat appid of the admission form (docs/rta/admission.md appid): `wx` + 16 hex. */
export const WECHAT_APPID = /^wx[0-9a-f]{16}$/;

/** One line of an openid file. */
export type OpenidRecord = { line: number } & ({ ok: true; openid: string } | { ok: false; detail: string });

/**
 * Checks one openid as written.
 * @param value - the openid (already trimmed)
 * @returns undefined when usable, else why not
 * @example checkOpenid("o6_bmjrPTlm6_2sgVt7hMZOPfL2M") // undefined
 */
export function checkOpenid(value: string): string | undefined {
	if (value === "") return "empty openid";
	if (value.length > MAX_OPENID_LENGTH) return `openid longer than ${MAX_OPENID_LENGTH} characters`;
	if (/[\s,;"]/.test(value)) return `"${value}" holds a space, comma, semicolon or quote: not an openid`;
	if (isPlaceholderOpenid(value)) return `"${value}" is a placeholder (null/unknown/zeros), not an openid`;
	return undefined;
}

/**
 * Reads openids from a file.
 * @param path - file path
 * @returns one record per non-comment line, in file order
 * @throws CliError `INPUT` when the file cannot be opened
 */
export async function* readOpenidFile(path: string): AsyncGenerator<OpenidRecord> {
	const stream = createReadStream(path);
	try {
		await new Promise<void>((resolve, reject) => {
			stream.once("open", () => resolve());
			stream.once("error", reject);
		});
	} catch (cause) {
		throw new CliError(
			"INPUT",
			`cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
			{ cause },
		);
	}
	let lineNo = 0;
	let first = true;
	for await (const raw of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
		lineNo++;
		const line = (lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw).trim();
		if (line === "" || line.startsWith("#")) continue;
		const isHeader = first && /^openid$/i.test(line);
		first = false;
		if (isHeader) continue;
		const value = line.replace(/^openid[,:\t]/i, "").trim();
		const problem = checkOpenid(value);
		yield problem === undefined
			? { line: lineNo, ok: true, openid: value }
			: { line: lineNo, ok: false, detail: problem };
	}
}
