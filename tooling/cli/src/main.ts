/**
 * `txad` entry: picks the sub-command from the leading words, prints help, and maps errors to
 * exit statuses (0 ok/pass, 1 verdict fail, 2 usage or input error).
 * @module
 */
import { readFileSync } from "node:fs";
import type { Command } from "./args.ts";
import { admissionCheck } from "./commands/admission.ts";
import { audienceBuild } from "./commands/audience-build.ts";
import { audiencePublish } from "./commands/audience-publish.ts";
import { audienceUpload } from "./commands/audience-upload.ts";
import { muidCommand } from "./commands/muid.ts";
import { rtaCheck } from "./commands/rta-check.ts";
import { rtaDecode } from "./commands/rta-decode.ts";
import { rtaLoadtest } from "./commands/rta-loadtest.ts";
import { rtaSignSync } from "./commands/rta-sign-sync.ts";
import { rtaStats } from "./commands/rta-stats.ts";
import { signConversion, signDspb } from "./commands/sign.ts";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, isCliError } from "./errors.ts";
import { type Io, processIo } from "./io.ts";

/** Every command, in the order `txad --help` lists them. */
export const COMMANDS: readonly Command[] = [
	rtaCheck,
	rtaLoadtest,
	rtaSignSync,
	rtaDecode,
	rtaStats,
	audienceBuild,
	audiencePublish,
	audienceUpload,
	admissionCheck,
	muidCommand,
	signDspb,
	signConversion,
];

/**
 * The CLI's version, from its package.json (written by `changeset version`).
 * @returns e.g. "0.2.0"
 */
export function cliVersion(): string {
	const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
		version?: string;
	};
	return pkg.version ?? "0.0.0";
}

/** The command groups (`txad rta …`), with what they are for. */
const GROUPS: Record<string, string> = {
	rta: "check, load-test, configure an RTA responder and decode its traffic (docs/rta/admission.md steps 6–7)",
	audience: "build and load the responder's audience",
	admission: "the 《RTA准入申请表》 admission form",
	sign: "DSP-B and conversion signatures",
};

/** Commands whose name starts with these words (`["rta"]`, `["rta", "sign"]`). */
function commandsUnder(words: string[]): Command[] {
	return COMMANDS.filter((c) => c.name.startsWith(`${words.join(" ")} `));
}

function groupHelp(group: string): string {
	const members = commandsUnder(group.split(" "));
	const width = Math.max(...members.map((c) => c.name.length));
	return [
		`txad ${group} — ${GROUPS[group] ?? GROUPS[group.split(" ")[0] as string] ?? "commands"}`,
		"",
		`Usage: txad ${group} <command> [flags]     (txad ${group} <command> --help for its flags)`,
		"",
		...members.map((c) => `  txad ${c.name.padEnd(width)}  ${c.summary}`),
		"",
	].join("\n");
}

function topHelp(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	const lines = COMMANDS.map((c) => `  txad ${c.name.padEnd(width)}  ${c.summary}`);
	return [
		"txad — tools for going live with Tencent RTA (腾讯广告 RTA) on txad-edge",
		"",
		"Usage: txad <command> [flags]     (txad <command> --help for its flags)",
		"",
		...lines,
		"",
		"Exit status: 0 ok / pass, 1 verdict fail, 2 usage or input error. txad --version prints the version.",
		"",
	].join("\n");
}

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
	// Longest match first, so "rta check" wins over a hypothetical "rta".
	const sorted = [...COMMANDS].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
	for (const command of sorted) {
		const words = command.name.split(" ");
		if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
	}
	return undefined;
}

/**
 * Runs `txad` with the given arguments.
 * @param argv - arguments after the program name
 * @param io - console (the real one by default)
 * @returns the exit status
 * @example process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
	if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
		io.out(topHelp());
		return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
	}
	if (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version") {
		io.out(`txad ${cliVersion()} (@txad/cli, Node ${process.versions.node})\n`);
		return EXIT_OK;
	}
	const found = findCommand(argv);
	if (found === undefined) {
		const last = argv.at(-1) as string;
		const prefix = argv.slice(0, -1);
		if (["--help", "-h", "help"].includes(last) && prefix.length > 0 && commandsUnder(prefix).length > 0) {
			io.out(groupHelp(prefix.join(" ")));
			return EXIT_OK;
		}
		const group = commandsUnder([argv[0] as string]);
		const hint =
			group.length > 0
				? `\`txad ${argv[0]}\` needs a sub-command: ${group.map((c) => c.name.split(" ").slice(1).join(" ")).join(", ")}`
				: `unknown command "${argv.join(" ")}"`;
		io.err(`txad: ${hint}\n\n${group.length > 0 ? groupHelp(argv[0] as string) : topHelp()}`);
		return EXIT_USAGE;
	}
	const { command, rest } = found;
	if (rest.includes("--help") || rest.includes("-h")) {
		io.out(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
		return EXIT_OK;
	}
	try {
		return await command.run(rest, io);
	} catch (e) {
		if (isCliError(e)) {
			io.err(`txad ${command.name}: ${e.message}\n`);
			return e.code === "NETWORK" ? EXIT_FAIL : EXIT_USAGE;
		}
		io.err(
			`txad ${command.name}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
		);
		return EXIT_FAIL;
	}
}
