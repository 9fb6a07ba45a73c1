/**
 * The RTA management API client (docs/rta/management-api.md):
 * `POST {baseUrl}/rta/{function}/{operate}` with a JSON body
 * `{ auth: { dspid, token }, sandbox, data: { <node>: … } }`, answered by the envelope
 * `{ code, msg, taskid, sandbox, data }`. `code` 0 is success, > 0 failure (thrown as `API_ERROR`),
 * < 0 partial success (returned, with per-record errors, by bind/set and bind/delete). Get
 * operations are retried with backoff on transport failures; set and delete operations never are,
 * because a lost answer does not mean the write did not happen.
 * @module
 */
import type { JsonObject, JsonValue, MessageInitShape } from "@bufbuild/protobuf";
import {
	type Response as ApiResponse,
	type Bind,
	type BindError,
	type BindSourceType,
	type BindType,
	create,
	fromManagementJson,
	isProtoError,
	type Request_DataSchema,
	RequestSchema,
	type Response_Data,
	type Response_Data_BindGet,
	type Response_Data_InfoGet,
	type Response_Data_TargetGet,
	Response_DataSchema,
	ResponseSchema,
	type Sign,
	type Target,
} from "@txad/proto";
import { parseApiJson, stringifyApiJson, toApiJsonValue } from "./api-json.ts";
import { invalidArgument, isRtaAdminError, RtaAdminError } from "./errors.ts";
import {
	bindTypeProblem,
	DEFAULT_PAGE_SIZE,
	type Int64Input,
	MAX_BIND_RECORDS,
	MAX_TARGET_DELETE,
	pageProblem,
	parseInt64,
	signsProblem,
	targetDescProblem,
	targetIdProblem,
} from "./validate.ts";

/** The `fetch` the client calls; inject one to route calls elsewhere (tests, proxies, SELF). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Settings for {@link createRtaAdminClient}. */
export interface RtaAdminClientOptions {
	/** Origin (and optional path prefix) of the API, e.g. `"https://api.algo.com.cn"`. */
	baseUrl: string;
	/** DSPID / RTAID (RTA management API auth.dspid). */
	dspid: string;
	/** API token (RTA management API auth.token). */
	token: string;
	/** Defaults to the global `fetch`. */
	fetch?: FetchLike;
	/** Per attempt, headers and body included; default 10 000 ms. */
	timeoutMs?: number;
	/** Extra attempts for get operations after a transport failure; default 2. Never used for set/delete. */
	retries?: number;
	/** First retry delay; doubles per retry, with jitter, capped at 5 s; default 250 ms. */
	retryDelayMs?: number;
	/** The request's `sandbox` flag (RTA management API: listed, "not yet supported" upstream); default false. */
	sandbox?: boolean;
}

/** Per-call settings. */
export interface CallOptions {
	/** Cancels the call (including retries and backoff). */
	signal?: AbortSignal;
	/** Overrides the client's per-attempt timeout. */
	timeoutMs?: number;
}

/** What every successful call reports besides its data. */
export interface RtaAdminAck {
	/** The envelope's code: 0, or < 0 for a partial success of bind/set and bind/delete. */
	code: number;
	/** The envelope's msg (or its `status` when msg is empty). */
	msg: string;
	/** Task id: log it; the API's operators look calls up by it. */
	taskid: string;
	/** The envelope's sandbox flag. */
	sandbox: boolean;
}

/** A successful call's data with the envelope around it. */
export interface RtaAdminResult<T> extends RtaAdminAck {
	data: T;
}

/** Every record of a list, collected over one get_all call or several pages. */
export interface AllRecords<T> {
	items: T[];
	/** `total` as the API reported it (last page). */
	total: number;
	/** Task ids of every request made, in order. */
	taskids: string[];
}

/** A strategy to create or update (RTA management API Target). */
export interface TargetInput {
	targetId: string;
	targetDesc?: string;
}

/** A binding to create or move (RTA management API Bind). */
export interface BindInput {
	bindId: Int64Input;
	bindType: BindType;
	targetId: string;
	/** The advertiser owning the bound object; 0 or omitted when not applicable. */
	accountId?: Int64Input;
	/** Usually left unset: the platform records where a binding came from. */
	bindSource?: BindSourceType;
}

/** A binding to remove (RTA management API Request.Data.BindDelete). */
export interface BindKeyInput {
	bindId: Int64Input;
	bindType: BindType;
}

/** Paging for target/get and bind/get. */
export interface PageInput {
	/** 1-based. */
	pageNum: number;
	/** 1 to `MAX_PAGE_SIZE`. */
	pageSize: number;
}

/** How the `*GetAll` helpers fetch. */
export interface GetAllOptions extends CallOptions {
	/**
	 * Omit to ask for everything in one request (`get_all: true`, one consistent snapshot). Give a
	 * size to walk pages instead (smaller answers; concurrent writes may shift records between pages).
	 */
	pageSize?: number;
}

/**
 * The outcome of bind/set or bind/delete when the API did not fail the whole request.
 * `status: "partial"` (code < 0, or any per-record error) means some records were NOT applied:
 * they are listed in `errors`. Check it, or call `assertBindComplete`.
 */
export interface BindWriteResult extends RtaAdminAck {
	status: "ok" | "partial";
	successNum: number;
	errorNum: number;
	errors: BindError[];
}

/** The typed RTA management API client. */
export interface RtaAdminClient {
	/** info/get: the RTA's registration (name, QPS limit, bid URL, cache time, traffic rules). */
	infoGet(options?: CallOptions): Promise<RtaAdminResult<Response_Data_InfoGet>>;
	/** sign/get: the header pairs Tencent adds to every RTA request. */
	signGet(options?: CallOptions): Promise<RtaAdminResult<Sign[]>>;
	/** sign/set: replaces the whole set; `[]` disables the header signature. */
	signSet(signs: readonly { key: string; value: string }[], options?: CallOptions): Promise<RtaAdminAck>;
	/** target/get: one page of strategies. */
	targetGet(page: PageInput, options?: CallOptions): Promise<RtaAdminResult<Response_Data_TargetGet>>;
	/** Every strategy: one get_all request, or pages when `pageSize` is given. */
	targetGetAll(options?: GetAllOptions): Promise<AllRecords<Target>>;
	/** Pages of strategies, lazily. */
	targetPages(options?: CallOptions & { pageSize?: number }): AsyncGenerator<Response_Data_TargetGet>;
	/** target/set: creates or updates one strategy. */
	targetSet(target: TargetInput, options?: CallOptions): Promise<RtaAdminAck>;
	/** target/delete: removes strategies by id. */
	targetDelete(targetIds: string | readonly string[], options?: CallOptions): Promise<RtaAdminAck>;
	/** bind/get: one page of bindings, optionally of one strategy. */
	bindGet(
		page: PageInput & { targetId?: string },
		options?: CallOptions,
	): Promise<RtaAdminResult<Response_Data_BindGet>>;
	/** Every binding (optionally of one strategy): one get_all request, or pages. */
	bindGetAll(options?: GetAllOptions & { targetId?: string }): Promise<AllRecords<Bind>>;
	/** Pages of bindings, lazily. */
	bindPages(
		options?: CallOptions & { pageSize?: number; targetId?: string },
	): AsyncGenerator<Response_Data_BindGet>;
	/** bind/set: binds objects to strategies; may partially succeed. */
	bindSet(binds: readonly BindInput[], options?: CallOptions): Promise<BindWriteResult>;
	/** bind/delete: removes bindings; may partially succeed. */
	bindDelete(binds: readonly BindKeyInput[], options?: CallOptions): Promise<BindWriteResult>;
	/**
	 * Any `function/operate` with a hand-written `data` object (for exp, bitmap, filter, which the
	 * RTA management API lists without a schema). Throws on code > 0 like every method; returns code < 0 as is.
	 */
	raw(
		fn: string,
		operate: string,
		data?: JsonObject,
		options?: CallOptions,
	): Promise<RtaAdminResult<JsonObject>>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 5_000;
/** Retry-After values above this are not waited for: the call fails instead. */
const MAX_RETRY_AFTER_MS = 10_000;
/** Guard for page walks whose `total` keeps moving. */
const MAX_PAGES = 100_000;

/** What one HTTP exchange produced. */
interface Envelope {
	response: Response;
	rawData: JsonObject;
	ack: RtaAdminAck;
}

interface SendContext {
	operation: string;
	attempt: number;
}

/** Marks the abort reason used for our own timeout. */
class TimeoutSignal extends Error {}

function isObject(v: JsonValue | undefined): v is JsonObject {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

function snippet(text: string): string {
	const flat = text.replace(/\s+/g, " ").trim();
	return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Resolves `promise`, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener("abort", onAbort, { once: true });
		promise.then(
			(v) => {
				signal.removeEventListener("abort", onAbort);
				resolve(v);
			},
			(e: unknown) => {
				signal.removeEventListener("abort", onAbort);
				reject(e);
			},
		);
	});
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (ms <= 0) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

/** Seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(response: Response | undefined): number | undefined {
	const header = response?.headers.get("retry-after");
	if (header === null || header === undefined) return undefined;
	if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
	const at = Date.parse(header);
	return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function isRetryable(e: RtaAdminError): boolean {
	if (e.code === "TIMEOUT" || e.code === "NETWORK_ERROR") return true;
	if (e.code === "HTTP_ERROR") return e.httpStatus === 429 || (e.httpStatus ?? 0) >= 500;
	return false;
}

function checkPage(page: PageInput): void {
	const problem = pageProblem(page.pageNum, page.pageSize);
	if (problem) throw invalidArgument(problem.field, problem.problem);
}

function checkTargetId(field: string, id: unknown): string {
	const problem = targetIdProblem(id);
	if (problem) throw invalidArgument(field, problem);
	return id as string;
}

function int64Arg(field: string, value: unknown, min: bigint): bigint {
	const n = parseInt64(value, min);
	if (typeof n === "string") throw invalidArgument(field, n);
	return n;
}

function checkBindKey(field: string, bind: BindKeyInput): { bindId: bigint; bindType: BindType } {
	if (typeof bind !== "object" || bind === null) throw invalidArgument(field, "must be an object");
	const bindId = int64Arg(`${field}.bind_id`, bind.bindId, 1n);
	const problem = bindTypeProblem(bind.bindType);
	if (problem) throw invalidArgument(`${field}.bind_type`, problem);
	return { bindId, bindType: bind.bindType };
}

function checkBindList<T>(field: string, list: readonly T[]): void {
	if (!Array.isArray(list) || list.length === 0) throw invalidArgument(field, "must be a non-empty array");
	if (list.length > MAX_BIND_RECORDS) {
		throw invalidArgument(field, `at most ${MAX_BIND_RECORDS} records per request; split the list`);
	}
}

function rejectDuplicateKeys(field: string, keys: readonly { bindId: bigint; bindType: BindType }[]): void {
	const seen = new Set<string>();
	for (const [i, k] of keys.entries()) {
		const id = `${k.bindType}:${k.bindId}`;
		if (seen.has(id)) {
			throw invalidArgument(`${field}[${i}]`, `bind_type ${k.bindType} bind_id ${k.bindId} appears twice`);
		}
		seen.add(id);
	}
}

/**
 * Builds a client for the RTA management API.
 * @param options - base URL, credentials, and transport settings
 * @returns the client
 * @throws RtaAdminError `INVALID_ARGUMENT` for a bad base URL, dspid, token or setting
 * @example
 * const rta = createRtaAdminClient({ baseUrl: "https://api.algo.com.cn", dspid: "123", token });
 * const { data: info, taskid } = await rta.infoGet();
 */
export function createRtaAdminClient(options: RtaAdminClientOptions): RtaAdminClient {
	let base: URL;
	try {
		base = new URL(options.baseUrl);
	} catch (cause) {
		throw new RtaAdminError("INVALID_ARGUMENT", `baseUrl: not a URL: ${options.baseUrl}`, {
			field: "baseUrl",
			cause,
		});
	}
	if (base.protocol !== "https:" && base.protocol !== "http:") {
		throw invalidArgument("baseUrl", "must be an http(s) URL");
	}
	if (typeof options.dspid !== "string" || options.dspid.length === 0) {
		throw invalidArgument("dspid", "must be a non-empty string");
	}
	if (typeof options.token !== "string" || options.token.length === 0) {
		throw invalidArgument("token", "must be a non-empty string");
	}
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalidArgument("timeoutMs", "must be > 0");
	const retries = options.retries ?? DEFAULT_RETRIES;
	if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
		throw invalidArgument("retries", "must be an integer from 0 to 10");
	}
	const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
	if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0)
		throw invalidArgument("retryDelayMs", "must be >= 0");
	const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
	const prefix = base.href.replace(/\/+$/, "");
	const auth = { dspid: options.dspid, token: options.token };
	const sandbox = options.sandbox ?? false;

	/** The request body: only the node this operation uses (RTA management API: other nodes are ignored). */
	function body(node: string | undefined, data: MessageInitShape<typeof Request_DataSchema>): string {
		const request = create(RequestSchema, { auth, sandbox, data });
		const json = toApiJsonValue(RequestSchema, request);
		const allData = isObject(json.data) ? json.data : {};
		const picked: JsonObject = {};
		if (node !== undefined) picked[node] = allData[node] ?? null;
		return stringifyApiJson(RequestSchema, { ...json, data: picked });
	}

	/** One HTTP exchange; throws RtaAdminError for anything but code <= 0. */
	async function exchange(url: string, text: string, ctx: SendContext, call: CallOptions): Promise<Envelope> {
		const controller = new AbortController();
		const limit = call.timeoutMs ?? timeoutMs;
		const timer = setTimeout(() => controller.abort(new TimeoutSignal()), limit);
		const onCallerAbort = () => controller.abort(call.signal?.reason);
		call.signal?.addEventListener("abort", onCallerAbort, { once: true });
		const fail = (code: "TIMEOUT" | "ABORTED" | "NETWORK_ERROR", cause: unknown): RtaAdminError => {
			const message =
				code === "TIMEOUT"
					? `${ctx.operation}: no answer within ${limit} ms`
					: code === "ABORTED"
						? `${ctx.operation}: aborted by the caller`
						: `${ctx.operation}: network error: ${cause instanceof Error ? cause.message : String(cause)}`;
			return new RtaAdminError(code, message, { operation: ctx.operation, attempts: ctx.attempt, cause });
		};
		const classify = (cause: unknown): RtaAdminError => {
			if (controller.signal.aborted && controller.signal.reason instanceof TimeoutSignal) {
				return fail("TIMEOUT", cause);
			}
			if (call.signal?.aborted) return fail("ABORTED", cause);
			return fail("NETWORK_ERROR", cause);
		};
		let response: Response;
		let responseText: string;
		try {
			if (call.signal?.aborted) throw call.signal.reason;
			response = await raceAbort(
				doFetch(url, {
					method: "POST",
					headers: { "content-type": "application/json; charset=utf-8", accept: "application/json" },
					body: text,
					signal: controller.signal,
				}),
				controller.signal,
			);
			responseText = await raceAbort(response.text(), controller.signal);
		} catch (cause) {
			throw classify(cause);
		} finally {
			clearTimeout(timer);
			call.signal?.removeEventListener("abort", onCallerAbort);
		}
		return readEnvelope(response, responseText, ctx);
	}

	function readEnvelope(response: Response, text: string, ctx: SendContext): Envelope {
		const base = { operation: ctx.operation, attempts: ctx.attempt, httpStatus: response.status };
		let json: JsonValue | undefined;
		try {
			json = parseApiJson(ResponseSchema, text);
		} catch {
			json = undefined;
		}
		const hasCode = isObject(json) && typeof json.code === "number" && Number.isInteger(json.code);
		if (!response.ok && !(hasCode && (json as JsonObject).code !== 0)) {
			const after = retryAfterMs(response);
			throw new RtaAdminError(
				"HTTP_ERROR",
				`${ctx.operation}: HTTP ${response.status}${text ? `: ${snippet(text)}` : ""}`,
				{ ...base, ...(after === undefined ? {} : { retryAfterMs: after }) },
			);
		}
		if (!isObject(json)) {
			throw new RtaAdminError(
				"INVALID_RESPONSE",
				`${ctx.operation}: answer is not a JSON object: ${snippet(text)}`,
				base,
			);
		}
		if (!hasCode) {
			throw new RtaAdminError("INVALID_RESPONSE", `${ctx.operation}: answer has no integer "code"`, base);
		}
		let envelope: ApiResponse;
		try {
			envelope = fromManagementJson(ResponseSchema, json);
		} catch (cause) {
			const detail = isProtoError(cause) ? cause.message : String(cause);
			throw new RtaAdminError("INVALID_RESPONSE", `${ctx.operation}: malformed envelope: ${detail}`, {
				...base,
				cause,
			});
		}
		const msg = envelope.msg || (typeof json.status === "string" ? json.status : "");
		const details = { ...base, apiCode: envelope.code, msg, taskid: envelope.taskid };
		if (envelope.code > 0) {
			const data = envelope.data;
			const bindErrors = data?.bindSet?.errors.length
				? data.bindSet.errors
				: (data?.bindDelete?.errors ?? []);
			throw new RtaAdminError(
				"API_ERROR",
				`${ctx.operation}: code ${envelope.code}: ${msg || "(no msg)"}${envelope.taskid ? ` (taskid ${envelope.taskid})` : ""}`,
				{ ...details, ...(data ? { data } : {}), bindErrors },
			);
		}
		// RTA management API 返回通用内容: "data 对象必然存在" — its absence on success means we cannot
		// trust the answer.
		if (!isObject(json.data)) {
			throw new RtaAdminError("INVALID_RESPONSE", `${ctx.operation}: answer has no "data" object`, details);
		}
		return {
			response,
			rawData: json.data,
			ack: { code: envelope.code, msg, taskid: envelope.taskid, sandbox: envelope.sandbox },
		};
	}

	/** Sends with the retry policy: gets retry transport failures; writes go out exactly once. */
	async function send(fn: string, operate: string, text: string, call: CallOptions = {}): Promise<Envelope> {
		const operation = `${fn}/${operate}`;
		const url = `${prefix}/rta/${fn}/${operate}`;
		const maxAttempts = operate === "get" ? retries + 1 : 1;
		for (let attempt = 1; ; attempt++) {
			try {
				return await exchange(url, text, { operation, attempt }, call);
			} catch (e) {
				if (!isRtaAdminError(e) || attempt >= maxAttempts || !isRetryable(e)) throw e;
				const exponential = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2 ** (attempt - 1));
				// Equal jitter: half fixed, half random, so concurrent clients spread out.
				let delay = exponential / 2 + (Math.random() * exponential) / 2;
				const after = e.retryAfterMs;
				if (after !== undefined) {
					if (after > MAX_RETRY_AFTER_MS) throw e;
					delay = Math.max(delay, after);
				}
				try {
					await sleep(delay, call.signal);
				} catch (cause) {
					throw new RtaAdminError("ABORTED", `${operation}: aborted by the caller`, {
						operation,
						attempts: attempt,
						cause,
					});
				}
			}
		}
	}

	function unexpectedPartial(env: Envelope, operation: string): void {
		if (env.ack.code < 0) {
			throw new RtaAdminError(
				"PARTIAL_FAILURE",
				`${operation}: code ${env.ack.code} (partial success) on an operation without per-record results: ${env.ack.msg}`,
				{
					operation,
					apiCode: env.ack.code,
					msg: env.ack.msg,
					taskid: env.ack.taskid,
					httpStatus: env.response.status,
				},
			);
		}
	}

	// Already validated as part of the envelope, so this cannot throw.
	function decodeData(env: Envelope): Response_Data {
		return fromManagementJson(Response_DataSchema, env.rawData);
	}

	function missingNode(env: Envelope, operation: string, node: string): RtaAdminError {
		return new RtaAdminError("INVALID_RESPONSE", `${operation}: answer has no data.${node}`, {
			operation,
			taskid: env.ack.taskid,
			httpStatus: env.response.status,
			apiCode: env.ack.code,
		});
	}

	async function bindWrite(
		operate: "set" | "delete",
		node: "bind_set" | "bind_delete",
		text: string,
		call: CallOptions | undefined,
	): Promise<BindWriteResult> {
		const operation = `bind/${operate}`;
		const env = await send("bind", operate, text, call);
		if (!isObject(env.rawData[node])) throw missingNode(env, operation, node);
		const data = decodeData(env);
		const result = operate === "set" ? data.bindSet : data.bindDelete;
		const successNum = result?.successNum ?? 0;
		const errorNum = result?.errorNum ?? 0;
		const errors = result?.errors ?? [];
		// code < 0 is the API's partial success; a code 0 that still lists errors is treated the same.
		const partial = env.ack.code < 0 || errorNum > 0 || errors.length > 0;
		return { ...env.ack, status: partial ? "partial" : "ok", successNum, errorNum, errors };
	}

	const client: RtaAdminClient = {
		async infoGet(call) {
			const env = await send("info", "get", body(undefined, {}), call);
			unexpectedPartial(env, "info/get");
			const info = decodeData(env).infoGet;
			if (!isObject(env.rawData.info_get) || info === undefined)
				throw missingNode(env, "info/get", "info_get");
			return { ...env.ack, data: info };
		},

		async signGet(call) {
			const env = await send("sign", "get", body(undefined, {}), call);
			unexpectedPartial(env, "sign/get");
			// An empty set may come back as [], null or no node at all: all mean "no signature".
			return { ...env.ack, data: decodeData(env).signGet };
		},

		async signSet(signs, call) {
			if (!Array.isArray(signs)) throw invalidArgument("sign_set", "must be an array (empty disables)");
			const problem = signsProblem(signs);
			if (typeof problem === "string") throw invalidArgument("sign_set", problem);
			if (problem) throw invalidArgument(`sign_set[${problem.index}].${problem.field}`, problem.problem);
			const text = body("sign_set", { signSet: signs.map((s) => ({ key: s.key, value: s.value })) });
			const env = await send("sign", "set", text, call);
			unexpectedPartial(env, "sign/set");
			return env.ack;
		},

		async targetGet(page, call) {
			checkPage(page);
			const text = body("target_get", { targetGet: { pageNum: page.pageNum, pageSize: page.pageSize } });
			const env = await send("target", "get", text, call);
			unexpectedPartial(env, "target/get");
			const data = decodeData(env).targetGet;
			if (data === undefined) throw missingNode(env, "target/get", "target_get");
			return { ...env.ack, data };
		},

		async *targetPages(options = {}) {
			const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
			yield* walkPages(
				(pageNum) => client.targetGet({ pageNum, pageSize }, options),
				(p) => p.targets.length,
			);
		},

		async targetGetAll(options = {}) {
			if (options.pageSize === undefined) {
				const text = body("target_get", { targetGet: { getAll: true } });
				const env = await send("target", "get", text, options);
				unexpectedPartial(env, "target/get");
				const data = decodeData(env).targetGet;
				if (data === undefined) throw missingNode(env, "target/get", "target_get");
				return { items: data.targets, total: data.total, taskids: [env.ack.taskid] };
			}
			checkPage({ pageNum: 1, pageSize: options.pageSize });
			return collect(
				(pageNum) => client.targetGet({ pageNum, pageSize: options.pageSize as number }, options),
				(p) => p.targets,
			);
		},

		async targetSet(target, call) {
			if (typeof target !== "object" || target === null)
				throw invalidArgument("target_set", "must be an object");
			const targetId = checkTargetId("target_set.target_id", target.targetId);
			const targetDesc = target.targetDesc ?? "";
			const problem = targetDescProblem(targetDesc);
			if (problem) throw invalidArgument("target_set.target_desc", problem);
			const env = await send(
				"target",
				"set",
				body("target_set", { targetSet: { targetId, targetDesc } }),
				call,
			);
			unexpectedPartial(env, "target/set");
			return env.ack;
		},

		async targetDelete(targetIds, call) {
			const ids = typeof targetIds === "string" ? [targetIds] : targetIds;
			if (!Array.isArray(ids) || ids.length === 0) {
				throw invalidArgument("target_delete", "must be a non-empty array");
			}
			if (ids.length > MAX_TARGET_DELETE) {
				throw invalidArgument("target_delete", `at most ${MAX_TARGET_DELETE} ids per request`);
			}
			const seen = new Set<string>();
			for (const [i, id] of ids.entries()) {
				checkTargetId(`target_delete[${i}].target_id`, id);
				if (seen.has(id)) throw invalidArgument(`target_delete[${i}].target_id`, `"${id}" appears twice`);
				seen.add(id);
			}
			const text = body("target_delete", { targetDelete: ids.map((targetId) => ({ targetId })) });
			const env = await send("target", "delete", text, call);
			unexpectedPartial(env, "target/delete");
			return env.ack;
		},

		async bindGet(page, call) {
			checkPage(page);
			const targetId = page.targetId === undefined ? "" : checkTargetId("bind_get.target_id", page.targetId);
			const text = body("bind_get", {
				bindGet: { pageNum: page.pageNum, pageSize: page.pageSize, targetId },
			});
			const env = await send("bind", "get", text, call);
			unexpectedPartial(env, "bind/get");
			const data = decodeData(env).bindGet;
			if (data === undefined) throw missingNode(env, "bind/get", "bind_get");
			return { ...env.ack, data };
		},

		async *bindPages(options = {}) {
			const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
			const targetId = options.targetId;
			yield* walkPages(
				(pageNum) =>
					client.bindGet({ pageNum, pageSize, ...(targetId === undefined ? {} : { targetId }) }, options),
				(p) => p.binds.length,
			);
		},

		async bindGetAll(options = {}) {
			const targetId = options.targetId;
			if (options.pageSize === undefined) {
				const id = targetId === undefined ? "" : checkTargetId("bind_get.target_id", targetId);
				const text = body("bind_get", { bindGet: { getAll: true, targetId: id } });
				const env = await send("bind", "get", text, options);
				unexpectedPartial(env, "bind/get");
				const data = decodeData(env).bindGet;
				if (data === undefined) throw missingNode(env, "bind/get", "bind_get");
				return { items: data.binds, total: data.total, taskids: [env.ack.taskid] };
			}
			const pageSize = options.pageSize;
			checkPage({ pageNum: 1, pageSize });
			return collect(
				(pageNum) =>
					client.bindGet({ pageNum, pageSize, ...(targetId === undefined ? {} : { targetId }) }, options),
				(p) => p.binds,
			);
		},

		async bindSet(binds, call) {
			checkBindList("bind_set", binds);
			const records = binds.map((b, i) => {
				const field = `bind_set[${i}]`;
				const key = checkBindKey(field, b);
				const targetId = checkTargetId(`${field}.target_id`, b.targetId);
				const accountId = b.accountId === undefined ? 0n : int64Arg(`${field}.account_id`, b.accountId, 0n);
				return {
					...key,
					targetId,
					accountId,
					...(b.bindSource === undefined ? {} : { bindSource: b.bindSource }),
				};
			});
			rejectDuplicateKeys("bind_set", records);
			return bindWrite("set", "bind_set", body("bind_set", { bindSet: records }), call);
		},

		async bindDelete(binds, call) {
			checkBindList("bind_delete", binds);
			const keys = binds.map((b, i) => checkBindKey(`bind_delete[${i}]`, b));
			rejectDuplicateKeys("bind_delete", keys);
			return bindWrite("delete", "bind_delete", body("bind_delete", { bindDelete: keys }), call);
		},

		async raw(fn, operate, data = {}, call) {
			if (!/^[a-z][a-z_]*$/.test(fn)) throw invalidArgument("function", "must be lower-case letters");
			if (!/^[a-z][a-z_]*$/.test(operate)) throw invalidArgument("operate", "must be lower-case letters");
			const text = stringifyApiJson(RequestSchema, { auth, sandbox, data });
			const env = await send(fn, operate, text, call);
			return { ...env.ack, data: env.rawData };
		},
	};
	return client;
}

/** Yields pages 1, 2, … until `total` records were seen or a page comes back empty. */
async function* walkPages<P extends { total: number }>(
	get: (pageNum: number) => Promise<RtaAdminResult<P>>,
	count: (page: P) => number,
): AsyncGenerator<P> {
	let seen = 0;
	for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
		const { data } = await get(pageNum);
		yield data;
		const n = count(data);
		seen += n;
		if (n === 0 || seen >= data.total) return;
	}
}

async function collect<P extends { total: number }, T>(
	get: (pageNum: number) => Promise<RtaAdminResult<P>>,
	items: (page: P) => T[],
): Promise<AllRecords<T>> {
	const out: AllRecords<T> = { items: [], total: 0, taskids: [] };
	let seen = 0;
	for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
		const result = await get(pageNum);
		const page = items(result.data);
		out.items.push(...page);
		out.total = result.data.total;
		out.taskids.push(result.taskid);
		seen += page.length;
		if (page.length === 0 || seen >= result.data.total) break;
	}
	return out;
}

/**
 * Turns a partial bind/set or bind/delete result into an exception, for callers that treat any
 * failed record as a failure of the whole batch.
 * @param result - what `bindSet` / `bindDelete` returned
 * @returns `result` when every record succeeded
 * @throws RtaAdminError `PARTIAL_FAILURE` with `bindErrors`, `apiCode`, `taskid`
 * @example assertBindComplete(await client.bindSet(binds));
 */
export function assertBindComplete(result: BindWriteResult): BindWriteResult {
	if (result.status === "ok") return result;
	const first = result.errors[0];
	const example = first
		? `; first: bind_id ${first.bindId} bind_type ${first.bindType}: ${first.reason}`
		: "";
	throw new RtaAdminError(
		"PARTIAL_FAILURE",
		`${result.errorNum} record(s) failed, ${result.successNum} applied (code ${result.code}, taskid ${result.taskid})${example}`,
		{ apiCode: result.code, msg: result.msg, taskid: result.taskid, bindErrors: result.errors },
	);
}
