/**
 * The 《RTA准入申请表》 of docs/rta/admission.md (RTA admission form) as data: English snake_case field names
 * mapped from the Chinese items, and the checks the guide states (required items, 缓存时间
 * 1–24 h, 交互方式 device id xor openid, appid for openid, 服务商 cannot use openid, 流量范围
 * values, BidURL, 8万/day spend threshold, the rules acknowledgement text).
 * @module
 */
import { groupDigits, parseAmount, parseDurationSeconds } from "./quantities.ts";

/** Severity of a finding: errors fail the check, warnings and notes do not. */
export type Severity = "error" | "warning" | "note";

/** One finding about the form. */
export interface FormIssue {
	severity: Severity;
	/** English field name (or "form"). */
	field: string;
	/** 1-based line of the field in the file, when known. */
	line?: number;
	message: string;
}

/** Definition of one form item. */
export interface FormField {
	/** English snake_case key. */
	key: string;
	/** The item's Chinese label in the RTA admission guide. */
	zh: string;
	/** Required by the RTA admission guide (必填项 是). */
	required: boolean;
	/** Other accepted keys (compared after lower-casing and removing spaces). */
	aliases?: readonly string[];
}

/** RTA admission guide 附件 《RTA准入申请表》, in the form's order, plus the access mode from the two flows. */
export const FORM_FIELDS: readonly FormField[] = [
	// Not a row of the form, but the admission guide has two flows (直客新接流程 / 服务商新接流程) with different rules.
	{ key: "integration_type", zh: "对接方式", required: false, aliases: ["接入方式", "access_mode"] },
	{ key: "rta_full_name", zh: "RTA全称", required: true, aliases: ["full_name"] },
	{ key: "rta_short_name", zh: "RTA简称", required: true, aliases: ["short_name"] },
	{ key: "traffic_scope", zh: "流量范围", required: true },
	{ key: "cache_time", zh: "缓存时间", required: true },
	{ key: "qps_limit", zh: "QPS限制", required: true, aliases: ["qps"] },
	{ key: "interaction_mode", zh: "交互方式", required: true },
	{ key: "appid", zh: "appid", required: false, aliases: ["app_id", "wechat_appid"] },
	{ key: "bid_url", zh: "BidURL", required: true, aliases: ["bidurl"] },
	{ key: "company_website", zh: "公司网址", required: false, aliases: ["website"] },
	{ key: "email", zh: "邮箱", required: false },
	{ key: "contact", zh: "联系人", required: false },
	{ key: "use_case", zh: "使用场景", required: true },
	{ key: "daily_spend", zh: "近期消耗量级/天", required: true, aliases: ["近期消耗量级"] },
	{
		key: "expected_revenue_uplift",
		zh: "预估开通RTA后提收金额",
		required: true,
		aliases: ["revenue_uplift"],
	},
	{ key: "entity_names", zh: "主体名称列表", required: true, aliases: ["entities"] },
	{ key: "rules_acknowledgement", zh: "考核规则签署", required: true, aliases: ["rules_acknowledgment"] },
	// RTA admission guide step 2: 1–2 methods of making RTA decisions more effective; not a form row either.
	{ key: "methodology", zh: "方法论", required: false, aliases: ["方法论简述", "rta决策提效方法论"] },
];

/** RTA admission guide 流量范围 可选范围, with English aliases. */
export const TRAFFIC_SCOPES: Readonly<Record<string, string>> = {
	微信: "微信",
	wechat: "微信",
	weixin: "微信",
	视频: "视频",
	video: "视频",
	tencent_video: "视频",
	新闻: "新闻",
	news: "新闻",
	tencent_news: "新闻",
	xq: "XQ",
	优量汇: "优量汇",
	ylh: "优量汇",
	youlianghui: "优量汇",
	union: "优量汇",
	tencent_ads_network: "优量汇",
};

/** RTA admission guide 交互方式: 设备号 or openid. */
const INTERACTION_MODES: Readonly<Record<string, "device_id" | "openid">> = {
	设备号: "device_id",
	device_id: "device_id",
	deviceid: "device_id",
	device: "device_id",
	openid: "openid",
	open_id: "openid",
};

const INTEGRATION_TYPES: Readonly<Record<string, "direct" | "service_provider">> = {
	direct: "direct",
	直客: "direct",
	直客对接: "direct",
	service_provider: "service_provider",
	服务商: "service_provider",
	服务商对接: "service_provider",
};

/** RTA admission guide 缓存时间: 下限1小时，上限24小时. */
export const CACHE_TIME_MIN_SECONDS = 3600;
/** RTA admission guide 缓存时间 upper bound. */
export const CACHE_TIME_MAX_SECONDS = 86_400;
/** RTA admission guide step 2: 建议近期投放规模>8W元/天. */
export const MIN_DAILY_SPEND = 80_000;
/** RTA admission guide 考核规则签署: the text to copy. */
export const RULES_TEXT = "已知晓RTA准入门槛及清退机制，并严格遵守";
// A WeChat appid: "wx" + 16 hex digits (RTA admission guide example "wx0102030405060708").
const WECHAT_APPID = /^wx[0-9a-f]{16}$/;

/** The form, normalised. */
export interface AdmissionForm {
	integration_type: "direct" | "service_provider";
	rta_full_name: string;
	rta_short_name: string;
	traffic_scope: string[];
	cache_time_seconds: number;
	qps_limit: number;
	interaction_mode: "device_id" | "openid";
	appid: string | undefined;
	bid_url: string;
	company_website: string | undefined;
	email: string | undefined;
	contact: string | undefined;
	use_case: string;
	daily_spend: number;
	expected_revenue_uplift: number;
	entity_names: string[];
	rules_acknowledgement: string;
	methodology: string | undefined;
}

/** Result of {@link checkAdmissionForm}. */
export interface AdmissionCheck {
	/** The normalised form; fields that failed validation are absent. */
	form: Partial<AdmissionForm>;
	issues: FormIssue[];
	/** Whether no issue is an error. */
	ok: boolean;
}

function normalizeKey(key: string): string {
	return key
		.trim()
		.toLowerCase()
		.replace(/[\s-]+/g, "_")
		.replace(/_+/g, "_");
}

const KEY_INDEX: ReadonlyMap<string, string> = new Map(
	FORM_FIELDS.flatMap((f) =>
		[f.key, f.zh, ...(f.aliases ?? [])].map((k) => [normalizeKey(k), f.key] as const),
	),
);

/**
 * Maps a key as written (English, alias or Chinese label) to the English field name.
 * @param key - the key in the file
 * @returns the field name, or undefined for an unknown key
 */
export function canonicalFieldKey(key: string): string | undefined {
	return KEY_INDEX.get(normalizeKey(key));
}

function asText(value: unknown): string | undefined {
	if (typeof value === "string") return value.trim() === "" ? undefined : value.trim();
	if (typeof value === "number" || typeof value === "bigint") return String(value);
	return undefined;
}

function asList(value: unknown): string[] | undefined {
	if (Array.isArray(value)) {
		const items = value.map(asText);
		return items.every((i): i is string => i !== undefined) ? items : undefined;
	}
	const text = asText(value);
	// The admission guide writes lists inline: "微信、优量汇".
	return text === undefined
		? undefined
		: text
				.split(/[、,，;；/\n]+/)
				.map((s) => s.trim())
				.filter((s) => s !== "");
}

function checkHttpUrl(text: string): string | undefined {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `"${text}" is not a URL (write e.g. "https://rta.example.com/rta")`;
	}
	if (url.protocol !== "http:" && url.protocol !== "https:")
		return `must be http:// or https://, got "${url.protocol}"`;
	if (url.hostname === "") return "has no host";
	if (url.username !== "" || url.password !== "") return "must not contain a user name or password";
	if (url.hash !== "") return "must not contain a #fragment (it is never sent)";
	return undefined;
}

function isPrivateHost(hostname: string): boolean {
	return (
		hostname === "localhost" ||
		/^(?:127|10)\./.test(hostname) ||
		/^192\.168\./.test(hostname) ||
		/^172\.(?:1[6-9]|2\d|3[01])\./.test(hostname) ||
		hostname === "[::1]" ||
		hostname.endsWith(".local")
	);
}

/**
 * Validates a parsed admission form.
 * @param raw - the parsed JSON/YAML object (keys in English, alias or Chinese form)
 * @param lineOf - gives the 1-based line of a key as written, when known
 * @returns normalised form and findings
 * @example checkAdmissionForm({ rta_full_name: "腾讯科技(深圳)有限公司", … }).ok
 */
export function checkAdmissionForm(
	raw: unknown,
	lineOf: (key: string) => number | undefined = () => undefined,
): AdmissionCheck {
	const issues: FormIssue[] = [];
	const form: Partial<AdmissionForm> = {};
	if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
		return {
			form,
			ok: false,
			issues: [{ severity: "error", field: "form", message: "the form must be a mapping of field: value" }],
		};
	}
	const values = new Map<string, { value: unknown; key: string }>();
	for (const [key, value] of Object.entries(raw)) {
		const field = canonicalFieldKey(key);
		const line = lineOf(key);
		const at = line === undefined ? {} : { line };
		if (field === undefined) {
			issues.push({ severity: "warning", field: key, ...at, message: `unknown field "${key}" is ignored` });
		} else if (values.has(field)) {
			issues.push({
				severity: "error",
				field,
				...at,
				message: `given twice (as "${values.get(field)?.key}" and "${key}")`,
			});
		} else {
			values.set(field, { value, key });
		}
	}
	const add = (severity: Severity, field: string, message: string) => {
		const written = values.get(field)?.key;
		const line = written === undefined ? undefined : lineOf(written);
		const zh = FORM_FIELDS.find((f) => f.key === field)?.zh;
		const label = zh === undefined || zh === field ? field : `${field} (${zh})`;
		issues.push({
			severity,
			field,
			...(line === undefined ? {} : { line }),
			message: `${label}: ${message}`,
		});
	};
	const get = (field: string) => values.get(field)?.value;

	const present = (field: string) => {
		const v = get(field);
		return (
			v !== undefined &&
			v !== null &&
			!(typeof v === "string" && v.trim() === "") &&
			!(Array.isArray(v) && v.length === 0)
		);
	};
	for (const f of FORM_FIELDS) {
		if (f.required && !present(f.key)) add("error", f.key, "is required (docs/rta/admission.md 必填项)");
	}

	// 对接方式 (direct or service provider).
	if (present("integration_type")) {
		const t = INTEGRATION_TYPES[normalizeKey(asText(get("integration_type")) ?? "")];
		if (t === undefined)
			add(
				"error",
				"integration_type",
				`must be direct (直客) or service_provider (服务商), got "${String(get("integration_type"))}"`,
			);
		else form.integration_type = t;
	} else {
		form.integration_type = "direct";
		issues.push({
			severity: "note",
			field: "integration_type",
			message: "integration_type not given: assuming direct (直客对接)",
		});
	}

	for (const field of ["rta_full_name", "rta_short_name", "use_case", "contact"] as const) {
		if (!present(field)) continue;
		const text = asText(get(field));
		if (text === undefined) add("error", field, "must be text");
		else form[field] = text;
	}

	if (present("traffic_scope")) {
		const list = asList(get("traffic_scope"));
		if (list === undefined) add("error", "traffic_scope", 'must be a list or text like "微信、优量汇"');
		else {
			const scopes: string[] = [];
			for (const item of list) {
				const scope = TRAFFIC_SCOPES[normalizeKey(item)] ?? TRAFFIC_SCOPES[item];
				if (scope === undefined)
					add(
						"error",
						"traffic_scope",
						`"${item}" is not one of 微信, 视频, 新闻, XQ, 优量汇 (or wechat, video, news, xq, ylh)`,
					);
				else if (!scopes.includes(scope)) scopes.push(scope);
			}
			if (scopes.length > 0) form.traffic_scope = scopes;
		}
	}

	if (present("cache_time")) {
		const parsed = parseDurationSeconds(get("cache_time"));
		if (!parsed.ok) add("error", "cache_time", parsed.reason);
		else if (parsed.value < CACHE_TIME_MIN_SECONDS || parsed.value > CACHE_TIME_MAX_SECONDS) {
			add(
				"error",
				"cache_time",
				`must be from 1 h to 24 h (docs/rta/admission.md: 下限1小时，上限24小时), got ${parsed.value / 3600} h`,
			);
		} else {
			form.cache_time_seconds = parsed.value;
			if (parsed.value % 3600 !== 0)
				add(
					"warning",
					"cache_time",
					`${parsed.value} s is not a whole number of hours; Tencent configures hours`,
				);
		}
	}

	if (present("qps_limit")) {
		const parsed = parseAmount(get("qps_limit"));
		if (!parsed.ok) add("error", "qps_limit", parsed.reason);
		else if (parsed.value < 1 || !Number.isInteger(parsed.value))
			add("error", "qps_limit", `must be a positive whole number, got ${parsed.value}`);
		else form.qps_limit = parsed.value;
	}

	if (present("interaction_mode")) {
		const list = asList(get("interaction_mode")) ?? [];
		const modes = [...new Set(list.map((m) => INTERACTION_MODES[normalizeKey(m)] ?? INTERACTION_MODES[m]))];
		if (modes.includes(undefined))
			add(
				"error",
				"interaction_mode",
				`must be 设备号 (device_id) or openid, got "${String(get("interaction_mode"))}"`,
			);
		else if (modes.length !== 1)
			add(
				"error",
				"interaction_mode",
				"choose one of 设备号 (device_id) or openid, not both (docs/rta/admission.md: 两者只能选一种)",
			);
		else if (modes[0] !== undefined) form.interaction_mode = modes[0];
	}

	if (present("appid")) {
		const appid = asText(get("appid"));
		if (appid === undefined || !WECHAT_APPID.test(appid))
			add(
				"error",
				"appid",
				`must be a WeChat appid: "wx" + 16 hex digits (e.g. wx0102030405060708), got "${String(get("appid"))}"`,
			);
		else form.appid = appid;
	}
	if (form.interaction_mode === "openid") {
		if (!present("appid"))
			add(
				"error",
				"appid",
				"is required when interaction_mode is openid (docs/rta/admission.md: 如选择openid交互，需提供appid)",
			);
		if (form.integration_type === "service_provider")
			add(
				"error",
				"interaction_mode",
				"service providers (服务商) can only use device ids, not openid (docs/rta/admission.md 服务商新接流程 step 3)",
			);
	} else if (form.interaction_mode === "device_id" && form.appid !== undefined) {
		add(
			"warning",
			"appid",
			"is not used with device-id interaction (docs/rta/admission.md: 设备号交互无须填写)",
		);
		form.appid = undefined;
	}

	if (present("bid_url")) {
		const text = asText(get("bid_url")) ?? "";
		const problem = checkHttpUrl(text);
		if (problem !== undefined) add("error", "bid_url", problem);
		else {
			form.bid_url = text;
			const url = new URL(text);
			if (isPrivateHost(url.hostname))
				add(
					"warning",
					"bid_url",
					`host ${url.hostname} is not reachable from Tencent; use the public address of the responder`,
				);
			if (url.protocol === "http:")
				add(
					"note",
					"bid_url",
					"plain http: Tencent also supports https (TLS 1.2/1.3), which keeps the header signature private",
				);
		}
	}

	if (present("company_website")) {
		const text = asText(get("company_website")) ?? "";
		const problem = checkHttpUrl(text);
		if (problem !== undefined) add("error", "company_website", problem);
		else form.company_website = text;
	}

	if (present("email")) {
		const text = asText(get("email")) ?? "";
		if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) add("error", "email", `"${text}" is not an e-mail address`);
		else form.email = text;
	}

	for (const field of ["daily_spend", "expected_revenue_uplift"] as const) {
		if (!present(field)) continue;
		const parsed = parseAmount(get(field));
		if (!parsed.ok) add("error", field, parsed.reason);
		else form[field] = parsed.value;
	}
	if (form.daily_spend !== undefined && form.daily_spend < MIN_DAILY_SPEND) {
		add(
			"warning",
			"daily_spend",
			`${groupDigits(form.daily_spend)} 元/天 is below 8万 (80,000) 元/天: docs/rta/admission.md step 2 says such applications are refused`,
		);
	}
	if (form.expected_revenue_uplift !== undefined && form.expected_revenue_uplift <= 0) {
		add(
			"warning",
			"expected_revenue_uplift",
			"is zero; docs/rta/admission.md asks for a reliable estimate of the uplift",
		);
	}

	if (present("entity_names")) {
		const list = asList(get("entity_names"));
		if (list === undefined || list.length === 0)
			add("error", "entity_names", "must list at least one legal entity name");
		else {
			const unique = [...new Set(list)];
			if (unique.length < list.length) add("warning", "entity_names", "lists the same entity more than once");
			form.entity_names = unique;
			if (form.integration_type === "service_provider") {
				add(
					"note",
					"entity_names",
					"service provider: each entity must authorise the whitelisting by e-mail from its corporate domain (docs/rta/admission.md)",
				);
			}
		}
	}

	if (present("rules_acknowledgement")) {
		const text = asText(get("rules_acknowledgement")) ?? "";
		const compact = text.replace(/\s+/g, "").replace(/,/g, "，");
		const signers = /AMS运营接口人[:：]?([^，,。_]+?)[，,]客户代表[:：]?([^，,。_]+?)[。.]?$/.exec(compact);
		if (!compact.includes(RULES_TEXT))
			add(
				"error",
				"rules_acknowledgement",
				`must contain the text "${RULES_TEXT}" (docs/rta/admission.md 考核规则签署)`,
			);
		else if (signers === null)
			add(
				"error",
				"rules_acknowledgement",
				'must end with "AMS运营接口人<name>，客户代表<name>" with both names filled in',
			);
		else form.rules_acknowledgement = text;
	}

	if (present("methodology")) {
		const text = asText(get("methodology"));
		if (text !== undefined) form.methodology = text;
	} else {
		issues.push({
			severity: "warning",
			field: "methodology",
			message:
				"methodology (方法论) missing: docs/rta/admission.md step 2 refuses applications without 1–2 RTA decision methods",
		});
	}
	if (form.integration_type === "service_provider") {
		issues.push({
			severity: "note",
			field: "integration_type",
			message:
				"a service provider may hold only one RTA integration, direct ones included (docs/rta/admission.md)",
		});
	}

	return { form, issues, ok: !issues.some((i) => i.severity === "error") };
}
