/**
 * Prints the RTA_SIGN_HEADERS secret for the RTA responder from sign/get, end to end:
 *
 *   TXAD_RTA_DSPID=123 TXAD_RTA_TOKEN=… npx tsx packages/rta-admin/scripts/sign-sync.ts \
 *     | npx wrangler secret put RTA_SIGN_HEADERS -c apps/rta-responder/wrangler.jsonc
 *
 * The secret (JSON) goes to stdout and nothing else does; the task id and a summary go to stderr.
 * The token is read from the environment only, never from the command line (it would show in
 * `ps` and shell history). Exit codes: 0 done, 1 the API or the network failed, 2 bad usage.
 * `txad rta sign sync` calls the same `fetchSignHeadersSecret`.
 * @module
 */
import { createRtaAdminClient, fetchSignHeadersSecret, isRtaAdminError } from "../src/index.ts";

const USAGE = `usage: sign-sync.ts [--base-url URL] [--dspid ID] [--timeout-ms N]
  environment: TXAD_RTA_TOKEN (required), TXAD_RTA_DSPID, TXAD_RTA_ADMIN_URL
  default base URL: https://api.algo.com.cn (docs/rta/management-api.md); the local sandbox is http://127.0.0.1:8789`;

function fail(code: number, message: string): never {
	process.stderr.write(`${message}\n`);
	process.exit(code);
}

const options: Record<string, string> = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
	const arg = args[i] ?? "";
	if (arg === "-h" || arg === "--help") {
		process.stdout.write(`${USAGE}\n`);
		process.exit(0);
	}
	const [name, inline] = arg.split("=", 2);
	if (name !== "--base-url" && name !== "--dspid" && name !== "--timeout-ms")
		fail(2, `unknown option ${arg}\n${USAGE}`);
	const value = inline ?? args[++i];
	if (value === undefined) fail(2, `${name} needs a value`);
	options[name] = value;
}

const baseUrl = options["--base-url"] ?? process.env.TXAD_RTA_ADMIN_URL ?? "https://api.algo.com.cn";
const dspid = options["--dspid"] ?? process.env.TXAD_RTA_DSPID ?? "";
const token = process.env.TXAD_RTA_TOKEN ?? "";
const timeoutMs = Number(options["--timeout-ms"] ?? 10_000);
if (dspid === "") fail(2, `no dspid: pass --dspid or set TXAD_RTA_DSPID\n${USAGE}`);
if (token === "") fail(2, `no token: set TXAD_RTA_TOKEN\n${USAGE}`);

try {
	const client = createRtaAdminClient({ baseUrl, dspid, token, timeoutMs });
	const { headers, secret, taskid } = await fetchSignHeadersSecret(client);
	const count = Object.keys(headers).length;
	process.stdout.write(`${secret}\n`);
	process.stderr.write(
		count === 0
			? `sign/get: no header pairs registered (signature disabled); secret is {} (taskid ${taskid})\n`
			: `sign/get: ${count} header pair(s): ${Object.keys(headers).join(", ")} (taskid ${taskid})\n`,
	);
} catch (e) {
	if (isRtaAdminError(e))
		fail(e.code === "INVALID_ARGUMENT" ? 2 : 1, `sign sync failed: ${e.code}: ${e.message}`);
	throw e;
}
