/**
 * `txad rta sign sync`: reads the registered header "signature" with the RTA management API
 * (docs/rta/management-api.md 签名管理, sign/get) through @txad/rta-admin and prints the responder's
 * RTA_SIGN_HEADERS secret, ready to pipe into `wrangler secret put`.
 * @module
 */
import { createRtaAdminClient, fetchSignHeadersSecret, isRtaAdminError } from "@txad/rta-admin";
import { type Command, isLoopbackHost, optionalString, parseFlags } from "../args.ts";
import { CliError, EXIT_OK } from "../errors.ts";

/** RTA management API (API请求约定): the management API's origin. */
export const DEFAULT_RTA_API_URL = "https://api.algo.com.cn";

const HELP = `txad rta sign sync — turn the registered RTA header signature into RTA_SIGN_HEADERS

Usage: txad rta sign sync --dspid ID [--token T] [--base-url URL] [--secret-only | --json]

  --dspid ID       your DSPID / RTAID (docs/rta/management-api.md auth.dspid) (or env TXAD_RTA_DSPID)
  --token T        management API token (or env TXAD_RTA_TOKEN, which keeps it out of history)
  --base-url URL   API origin (default ${DEFAULT_RTA_API_URL}, or env TXAD_RTA_API_URL)
  --secret-only    print only the secret's JSON text, for a pipe
  --json           print {headers, secret, taskid}

Calls sign/get, lower-cases and sorts the header names, and prints the JSON object the responder
checks every request against. An empty set ({}) turns the check off. Then, from apps/rta-responder
(the same --base-url, if you gave one):

  npx txad rta sign sync --dspid 123 --secret-only | npx wrangler secret put RTA_SIGN_HEADERS --env production

Tencent propagates sign/set changes over hours: when rotating, keep the old value in
RTA_SIGN_HEADERS_PREVIOUS and set RTA_SIGN_HEADERS_GRACE_UNTIL (docs/rta/http-behaviour.md
"Header signature").
`;

/**
 * What to run next to store the secret. The printed command reads the same API as this run did
 * (a sandbox stays a sandbox), and says where the secret goes: a loopback API is a local stand-in
 * (apps/rta-admin-sandbox), whose headers belong in the local responder's `.dev.vars`, never in a
 * deployed Worker.
 * @param dspid - the account
 * @param baseUrl - the API origin this run used
 * @param fromFlag - whether it came from --base-url (else the default or TXAD_RTA_API_URL)
 * @returns the lines to print
 */
export function storeHint(dspid: string, baseUrl: string, fromFlag: boolean): string[] {
	const base = baseUrl === DEFAULT_RTA_API_URL && !fromFlag ? "" : ` --base-url ${baseUrl}`;
	const command = `npx txad rta sign sync --dspid ${dspid}${base} --secret-only`;
	let loopback = false;
	try {
		loopback = isLoopbackHost(new URL(baseUrl).hostname);
	} catch {
		// An unparsable URL never gets here: the client refused it already.
	}
	if (loopback) {
		return [
			"this came from a local API (a sandbox): use it for local dev only, in apps/rta-responder/.dev.vars:",
			`  echo "RTA_SIGN_HEADERS='$(${command})'" >> apps/rta-responder/.dev.vars`,
		];
	}
	return [
		"store it (from apps/rta-responder; --env staging or production, docs/deploy.md):",
		`  ${command} | npx wrangler secret put RTA_SIGN_HEADERS --env production`,
	];
}

/** `txad rta sign sync`. */
export const rtaSignSync: Command = {
	name: "rta sign sync",
	summary: "read the registered header signature (sign/get) and print the RTA_SIGN_HEADERS secret",
	help: HELP,
	async run(argv, io) {
		const { values } = parseFlags("rta sign sync", argv, {
			dspid: { type: "string" },
			token: { type: "string" },
			"base-url": { type: "string" },
			"secret-only": { type: "boolean" },
			json: { type: "boolean" },
		});
		const dspid = optionalString(values, "dspid") ?? io.env.TXAD_RTA_DSPID;
		if (dspid === undefined || !/^\d+$/.test(dspid)) {
			throw new CliError(
				"USAGE",
				`--dspid is required and must be digits${dspid === undefined ? "" : `, got "${dspid}"`}`,
				{
					field: "--dspid",
				},
			);
		}
		const token = optionalString(values, "token") ?? io.env.TXAD_RTA_TOKEN;
		if (token === undefined || token === "") {
			throw new CliError("USAGE", "--token is required (or set TXAD_RTA_TOKEN)", { field: "--token" });
		}
		const baseUrl = optionalString(values, "base-url") ?? io.env.TXAD_RTA_API_URL ?? DEFAULT_RTA_API_URL;
		let result: Awaited<ReturnType<typeof fetchSignHeadersSecret>>;
		try {
			result = await fetchSignHeadersSecret(createRtaAdminClient({ baseUrl, dspid, token }));
		} catch (e) {
			if (!isRtaAdminError(e)) throw e;
			const field = e.field === "baseUrl" ? "--base-url" : e.code === "API_ERROR" ? "--token" : "--base-url";
			const code = e.code === "INVALID_ARGUMENT" && e.field === "baseUrl" ? "USAGE" : "NETWORK";
			throw new CliError(code, `sign/get failed (${e.code}): ${e.message}`, { field, cause: e });
		}
		const hint = storeHint(dspid, baseUrl, optionalString(values, "base-url") !== undefined);
		if (values["secret-only"] === true) {
			io.out(`${result.secret}\n`);
		} else if (values.json === true) {
			io.out(`${JSON.stringify(result, null, 2)}\n`);
		} else {
			const names = Object.keys(result.headers);
			io.out(
				[
					`sign/get taskid ${result.taskid}: ${names.length === 0 ? "no header pairs registered (the check is off)" : `${names.length} header pair(s): ${names.join(", ")}`}`,
					"",
					"RTA_SIGN_HEADERS:",
					result.secret,
					"",
					...hint,
					"",
				].join("\n"),
			);
		}
		return EXIT_OK;
	},
};
