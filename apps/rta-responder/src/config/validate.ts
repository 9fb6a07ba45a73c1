/**
 * Validation of the strategy config: every problem is reported at once with its JSON path, so a
 * PUT that fails lists all that must be fixed, not just the first.
 * @module
 */
import { isSegmentName } from "@txad/audience";
import {
	type BidFields,
	type ConfigIssue,
	type ExperimentOverride,
	MAX_STRATEGIES,
	type StrategyConfig,
	type StrategyConfigDocument,
} from "./types.ts";

/** docs/rta/wire-protocol.md RtaResponse #7: at most 7 days. */
export const MAX_RESPONSE_CACHE_TIME = 7 * 24 * 3600;
/** docs/rta/http-behaviour.md "Weight factors and prices": weight factors' default bounds. */
export const FACTOR_MIN = 0.2;
/** docs/rta/http-behaviour.md "Weight factors and prices": weight factors' default bounds. */
export const FACTOR_MAX = 5;
/** docs/rta/wire-protocol.md RtaResponse.TargetInfo #10 / RtaResponse #17: ≤ 20 bytes. */
export const MAX_DSP_TAG_STR_BYTES = 20;
const UINT32_MAX = 0xffff_ffff;
// Strategy ids are registered with Tencent's management API; keep them printable and short.
const STRATEGY_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Result of validation. */
export type ConfigValidation =
	| { ok: true; config: StrategyConfigDocument; warnings: ConfigIssue[] }
	| { ok: false; errors: ConfigIssue[] };

const ROOT_KEYS = new Set(["response_cache_time", "strategies"]);
const STRATEGY_KEYS = new Set(["id", "description", "include", "exclude", "bid", "experiments"]);
const BID_KEYS = new Set(["cpc_price", "cpa_price", "user_weight_factor", "cpc_factor", "dsp_tag_str"]);
const EXPERIMENT_KEYS = new Set(["exp_id", "enabled", "bid"]);

/**
 * Validates a parsed JSON value as a strategy config.
 * @param input - parsed JSON
 * @param platformCacheTime - seconds (admission form), to warn when response_cache_time gets clamped
 * @returns the typed config and warnings, or every error with its path
 * @example validateStrategyConfig({ strategies: [{ id: "st_a", include: ["new_user"] }] }, 3600)
 */
export function validateStrategyConfig(input: unknown, platformCacheTime: number): ConfigValidation {
	const errors: ConfigIssue[] = [];
	const warnings: ConfigIssue[] = [];
	const err = (path: string, message: string) => errors.push({ path, message });

	if (!isObject(input)) {
		err("$", "must be a JSON object with a `strategies` array");
		return { ok: false, errors };
	}
	unknownKeys(input, ROOT_KEYS, "$", err);

	const rct = input.response_cache_time;
	if (rct !== undefined) {
		if (!isInt(rct) || rct < 1) err("$.response_cache_time", "must be a positive integer number of seconds");
		else if (rct < platformCacheTime)
			warnings.push({
				path: "$.response_cache_time",
				message: `${rct} is below the platform cache time ${platformCacheTime}; ${platformCacheTime} is sent`,
			});
		else if (rct > MAX_RESPONSE_CACHE_TIME)
			warnings.push({
				path: "$.response_cache_time",
				message: `${rct} is above 7 days; ${MAX_RESPONSE_CACHE_TIME} is sent`,
			});
	}

	const strategies = input.strategies;
	if (!Array.isArray(strategies)) {
		err("$.strategies", "must be an array of strategies");
		return { ok: false, errors };
	}
	if (strategies.length > MAX_STRATEGIES) err("$.strategies", `at most ${MAX_STRATEGIES} strategies`);
	if (strategies.length === 0)
		warnings.push({ path: "$.strategies", message: "no strategies: every request is refused" });

	const seen = new Map<string, number>();
	strategies.forEach((s: unknown, i) => {
		const path = `$.strategies[${i}]`;
		if (!isObject(s)) {
			err(path, "must be an object");
			return;
		}
		unknownKeys(s, STRATEGY_KEYS, path, err);
		if (typeof s.id !== "string" || !STRATEGY_ID_PATTERN.test(s.id)) {
			err(
				`${path}.id`,
				"must be 1–64 characters of A-Z a-z 0-9 _ . : - (the out_target_id registered with Tencent)",
			);
		} else {
			const first = seen.get(s.id);
			if (first !== undefined) err(`${path}.id`, `duplicate of $.strategies[${first}].id "${s.id}"`);
			else seen.set(s.id, i);
		}
		if (s.description !== undefined && typeof s.description !== "string")
			err(`${path}.description`, "must be a string");
		const include = segmentList(s.include, `${path}.include`, err);
		const exclude = segmentList(s.exclude, `${path}.exclude`, err);
		for (const seg of include) {
			if (exclude.includes(seg)) err(`${path}.exclude`, `segment "${seg}" is also in include`);
		}
		if (s.bid !== undefined) validateBid(s.bid, `${path}.bid`, err);
		if (s.experiments !== undefined) {
			if (!Array.isArray(s.experiments)) err(`${path}.experiments`, "must be an array");
			else {
				const exps = new Map<number, number>();
				s.experiments.forEach((e: unknown, j) => {
					const epath = `${path}.experiments[${j}]`;
					if (!isObject(e)) {
						err(epath, "must be an object");
						return;
					}
					unknownKeys(e, EXPERIMENT_KEYS, epath, err);
					if (!isInt(e.exp_id) || e.exp_id < 0 || e.exp_id > UINT32_MAX)
						err(`${epath}.exp_id`, "must be a uint32 (RtaRequest.exps[].exp_id)");
					else {
						const first = exps.get(e.exp_id);
						if (first !== undefined) err(`${epath}.exp_id`, `duplicate of ${path}.experiments[${first}]`);
						else exps.set(e.exp_id, j);
					}
					if (e.enabled !== undefined && typeof e.enabled !== "boolean")
						err(`${epath}.enabled`, "must be true or false");
					if (e.bid !== undefined) validateBid(e.bid, `${epath}.bid`, err);
					if (e.enabled === undefined && e.bid === undefined)
						err(epath, "an override needs `enabled` or `bid`");
				});
			}
		}
	});

	if (errors.length > 0) return { ok: false, errors };
	return { ok: true, config: normalize(input as unknown as StrategyConfigDocument), warnings };
}

function validateBid(bid: unknown, path: string, err: (path: string, message: string) => void): void {
	if (!isObject(bid)) {
		err(path, "must be an object");
		return;
	}
	unknownKeys(bid, BID_KEYS, path, err);
	for (const key of ["cpc_price", "cpa_price"] as const) {
		const v = bid[key];
		if (v !== undefined && (!isInt(v) || v < 1 || v > UINT32_MAX))
			err(`${path}.${key}`, "must be a positive integer in fen (uint32)");
	}
	for (const key of ["user_weight_factor", "cpc_factor"] as const) {
		const v = bid[key];
		if (v !== undefined && (typeof v !== "number" || !(v >= FACTOR_MIN && v <= FACTOR_MAX)))
			err(`${path}.${key}`, `must be a number between ${FACTOR_MIN} and ${FACTOR_MAX}`);
	}
	const tag = bid.dsp_tag_str;
	if (tag !== undefined) {
		if (typeof tag !== "string" || tag === "") err(`${path}.dsp_tag_str`, "must be a non-empty string");
		else if (new TextEncoder().encode(tag).length > MAX_DSP_TAG_STR_BYTES)
			err(`${path}.dsp_tag_str`, `must be at most ${MAX_DSP_TAG_STR_BYTES} bytes of UTF-8`);
	}
}

function segmentList(value: unknown, path: string, err: (path: string, message: string) => void): string[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) {
		err(path, "must be an array of segment names");
		return [];
	}
	const out: string[] = [];
	value.forEach((v: unknown, i) => {
		if (!isSegmentName(v))
			err(`${path}[${i}]`, "must be a segment name: 1–64 characters of A-Z a-z 0-9 _ . : -");
		else if (out.includes(v)) err(`${path}[${i}]`, `duplicate segment "${v}"`);
		else out.push(v);
	});
	return out;
}

function unknownKeys(
	obj: Record<string, unknown>,
	allowed: ReadonlySet<string>,
	path: string,
	err: (path: string, message: string) => void,
): void {
	for (const key of Object.keys(obj)) {
		if (!allowed.has(key)) err(`${path}.${key}`, `unknown field (allowed: ${[...allowed].join(", ")})`);
	}
}

// Copies only known fields, so the stored document is exactly what was validated.
function normalize(doc: StrategyConfigDocument): StrategyConfigDocument {
	const bid = (b: BidFields): BidFields => {
		const out: BidFields = {};
		if (b.cpc_price !== undefined) out.cpc_price = b.cpc_price;
		if (b.cpa_price !== undefined) out.cpa_price = b.cpa_price;
		if (b.user_weight_factor !== undefined) out.user_weight_factor = b.user_weight_factor;
		if (b.cpc_factor !== undefined) out.cpc_factor = b.cpc_factor;
		if (b.dsp_tag_str !== undefined) out.dsp_tag_str = b.dsp_tag_str;
		return out;
	};
	const exp = (e: ExperimentOverride): ExperimentOverride => {
		const out: ExperimentOverride = { exp_id: e.exp_id };
		if (e.enabled !== undefined) out.enabled = e.enabled;
		if (e.bid !== undefined) out.bid = bid(e.bid);
		return out;
	};
	const strategy = (s: StrategyConfig): StrategyConfig => {
		const out: StrategyConfig = { id: s.id };
		if (s.description !== undefined) out.description = s.description;
		if (s.include !== undefined) out.include = [...s.include];
		if (s.exclude !== undefined) out.exclude = [...s.exclude];
		if (s.bid !== undefined) out.bid = bid(s.bid);
		if (s.experiments !== undefined) out.experiments = s.experiments.map(exp);
		return out;
	};
	const out: StrategyConfigDocument = { strategies: doc.strategies.map(strategy) };
	if (doc.response_cache_time !== undefined) out.response_cache_time = doc.response_cache_time;
	return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
	return Number.isInteger(v);
}
