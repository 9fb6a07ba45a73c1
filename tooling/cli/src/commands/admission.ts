/**
 * `txad admission check FORM`: validates the RTA admission form of docs/rta/admission.md (JSON or
 * YAML, English or Chinese keys) and prints the responder's wrangler settings that follow from it.
 * @module
 */
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { type Command, parseFlags } from "../args.ts";
import { CliError, EXIT_FAIL, EXIT_OK } from "../errors.ts";
import {
	type AdmissionForm,
	checkAdmissionForm,
	FORM_FIELDS,
	type FormIssue,
} from "../lib/admission-form.ts";
import { groupDigits } from "../lib/quantities.ts";
import { formatTable } from "../lib/table.ts";

/**
 * Names of the responder's wrangler vars (apps/rta-responder/wrangler.jsonc "vars"); a test
 * checks they exist there so the two cannot drift.
 */
export const RESPONDER_VARS = {
	platformCacheTime: "PLATFORM_CACHE_TIME_SECONDS",
	interactionMode: "INTERACTION_MODE",
	openidAppid: "OPENID_APPID",
} as const;

const HELP = `txad admission check — validate the 《RTA准入申请表》 (docs/rta/admission.md) before sending it

Usage: txad admission check FORM.(json|yaml|yml) [--json]

Keys may be the English names or the Chinese labels of the form:
${FORM_FIELDS.map((f) => `  ${f.key.padEnd(24)} ${f.zh}${f.required ? "  (required)" : ""}`).join("\n")}

Checks: required items; cache_time 1–24 h ("1小时", "2h", "3600s", or a number of hours);
qps_limit and amounts as numbers or "20W"/"20万"/"200k"; interaction_mode 设备号|device_id xor
openid; openid needs appid (wx + 16 hex) and is refused for service providers; traffic_scope
within 微信/视频/新闻/XQ/优量汇 (aliases wechat/video/news/xq/ylh); bid_url an http(s) URL with
a host; daily_spend under 8万/天 is a warning; rules_acknowledgement carries the text to copy.

Prints the wrangler vars for apps/rta-responder. Exit 0 valid, 1 invalid, 2 unreadable file.
Sample: tooling/cli/examples/admission-form.yaml
`;

/** The responder settings a valid form implies. */
export function wranglerVarsFor(form: Partial<AdmissionForm>): Record<string, string> {
	const vars: Record<string, string> = {};
	if (form.cache_time_seconds !== undefined)
		vars[RESPONDER_VARS.platformCacheTime] = String(form.cache_time_seconds);
	if (form.interaction_mode !== undefined) vars[RESPONDER_VARS.interactionMode] = form.interaction_mode;
	vars[RESPONDER_VARS.openidAppid] = form.interaction_mode === "openid" ? (form.appid ?? "") : "";
	return vars;
}

/**
 * The 1-based line a `JSON.parse` error points at. V8 says "at position N" (and, in newer
 * versions, "(line L column C)"); "Unexpected end of JSON input" points past the last line.
 * @param text - the JSON text
 * @param message - the error message
 * @returns the line, when the message locates the error
 */
export function jsonErrorLine(text: string, message: string): number | undefined {
	const line = /\(line (\d+) column \d+\)/.exec(message);
	if (line !== null) return Number(line[1]);
	const position = /at position (\d+)/.exec(message);
	if (position !== null) return text.slice(0, Number(position[1])).split("\n").length;
	if (/end of JSON input/i.test(message)) return text.trimEnd().split("\n").length;
	return undefined;
}

/** Parses the form file, keeping each top-level key's line for messages. */
export function parseFormText(
	text: string,
	path: string,
): { data: unknown; lineOf: (key: string) => number | undefined } {
	const ext = extname(path).toLowerCase();
	const json = ext === ".json";
	if (json) {
		try {
			JSON.parse(text);
		} catch (cause) {
			const message = cause instanceof Error ? cause.message : String(cause);
			const line = jsonErrorLine(text, message);
			throw new CliError(
				"INPUT",
				`${path}${line === undefined ? "" : `:${line}`}: not valid JSON: ${message}`,
				{
					cause,
				},
			);
		}
	} else if (ext !== ".yaml" && ext !== ".yml") {
		throw new CliError("USAGE", `${path}: the form must be a .json, .yaml or .yml file`);
	}
	// JSON is parsed through the YAML parser too, for line numbers; strict JSON was checked above.
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
	if (doc.errors.length > 0) {
		const first = doc.errors[0];
		const line = first?.linePos?.[0]?.line;
		throw new CliError(
			"INPUT",
			// JSON that JSON.parse took can still fail here on a repeated key, which JSON allows and a form must not have.
			`${path}${line === undefined ? "" : `:${line}`}: not valid ${json ? "JSON" : "YAML"}: ${(first?.message ?? "parse error").split("\n")[0]}`,
		);
	}
	const lines = new Map<string, number>();
	if (isMap(doc.contents)) {
		for (const pair of doc.contents.items) {
			if (isScalar(pair.key) && pair.key.range)
				lines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
		}
	}
	return { data: doc.toJS({ maxAliasCount: 0 }), lineOf: (key) => lines.get(key) };
}

function formatIssue(path: string, issue: FormIssue): string {
	const where = issue.line === undefined ? path : `${path}:${issue.line}`;
	return `  ${issue.severity.padEnd(7)} ${where}  ${issue.message}`;
}

function describe(form: Partial<AdmissionForm>): string[][] {
	const rows: string[][] = [];
	const show = (key: keyof AdmissionForm, value: string | undefined) => {
		if (value === undefined) return;
		const zh = FORM_FIELDS.find((f) => f.key === key || `${f.key}_seconds` === key)?.zh ?? "";
		rows.push([key, zh, value]);
	};
	show("integration_type", form.integration_type);
	show("rta_full_name", form.rta_full_name);
	show("rta_short_name", form.rta_short_name);
	show("traffic_scope", form.traffic_scope?.join("、"));
	show(
		"cache_time_seconds",
		form.cache_time_seconds === undefined
			? undefined
			: `${form.cache_time_seconds} s (${form.cache_time_seconds / 3600} h)`,
	);
	show("qps_limit", form.qps_limit === undefined ? undefined : groupDigits(form.qps_limit));
	show("interaction_mode", form.interaction_mode);
	show("appid", form.appid);
	show("bid_url", form.bid_url);
	show("use_case", form.use_case);
	show("daily_spend", form.daily_spend === undefined ? undefined : `${groupDigits(form.daily_spend)} 元`);
	show(
		"expected_revenue_uplift",
		form.expected_revenue_uplift === undefined
			? undefined
			: `${groupDigits(form.expected_revenue_uplift)} 元`,
	);
	show("entity_names", form.entity_names?.join("; "));
	return rows;
}

/** `txad admission check`. */
export const admissionCheck: Command = {
	name: "admission check",
	summary: "validate the RTA admission form (准入申请表) and print the responder's wrangler vars",
	help: HELP,
	async run(argv, io) {
		const { values, positionals } = parseFlags("admission check", argv, { json: { type: "boolean" } }, true);
		if (positionals.length !== 1)
			throw new CliError("USAGE", "give exactly one form file: txad admission check FORM.yaml");
		const path = positionals[0] as string;
		let text: string;
		try {
			text = await readFile(resolve(io.cwd, path), "utf8");
		} catch (cause) {
			throw new CliError(
				"INPUT",
				`cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
				{ cause },
			);
		}
		const { data, lineOf } = parseFormText(text, path);
		const result = checkAdmissionForm(data, lineOf);
		const vars = result.ok ? wranglerVarsFor(result.form) : undefined;
		if (values.json === true) {
			io.out(
				`${JSON.stringify({ ok: result.ok, form: result.form, issues: result.issues, wrangler_vars: vars ?? null }, null, 2)}\n`,
			);
			return result.ok ? EXIT_OK : EXIT_FAIL;
		}
		const errors = result.issues.filter((i) => i.severity === "error").length;
		const warnings = result.issues.filter((i) => i.severity === "warning").length;
		io.out(formatTable(["field", "表单项", "value"], describe(result.form)));
		if (result.issues.length > 0) {
			io.out(`\n${result.issues.map((i) => formatIssue(path, i)).join("\n")}\n`);
		}
		io.out(`\n${result.ok ? "VALID" : "INVALID"}: ${errors} error(s), ${warnings} warning(s)\n`);
		if (vars !== undefined) {
			io.out(
				`\nwrangler settings for apps/rta-responder (wrangler.jsonc "vars", or --var on wrangler dev/deploy):\n${JSON.stringify(vars, null, "\t")}\n`,
			);
		}
		return result.ok ? EXIT_OK : EXIT_FAIL;
	},
};
