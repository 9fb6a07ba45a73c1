/**
 * The strategy config: which audience segments select which of our strategies (out_target_id,
 * registered with Tencent), with what bid adjustments, per experiment. Stored as JSON in KV
 * under {@link CONFIG_KEY}; validated by `validateStrategyConfig`, compiled once per version.
 * @module
 */

/** KV key of the stored config document. */
export const CONFIG_KEY = "config:strategies";

/** Most strategies in one config. */
export const MAX_STRATEGIES = 500;

/**
 * Per-strategy bid fields, copied into `RtaResponse.TargetInfo` (docs/rta/wire-protocol.md
 * RtaResponse.TargetInfo #3, #5, #6, #7, #10). Prices in fen.
 */
export interface BidFields {
	/** TargetInfo #3, uint32 fen. */
	cpc_price?: number;
	/** TargetInfo #5, uint32 fen. */
	cpa_price?: number;
	/** TargetInfo #6, 0.2–5 (docs/rta/http-behaviour.md "Weight factors and prices"). */
	user_weight_factor?: number;
	/** TargetInfo #7, 0.2–5. */
	cpc_factor?: number;
	/** TargetInfo #10, ≤ 20 bytes UTF-8. */
	dsp_tag_str?: string;
}

/** Changes to a strategy for requests in one experiment group (RtaRequest.exps[].exp_id). */
export interface ExperimentOverride {
	/** RtaRequest.Experiment #1, uint32. */
	exp_id: number;
	/** false: the strategy is not selected for requests in this group. */
	enabled?: boolean;
	/** Merged over the strategy's own bid fields. */
	bid?: BidFields;
}

/** One strategy. */
export interface StrategyConfig {
	/** The out_target_id registered with Tencent. */
	id: string;
	/** Free text for humans. */
	description?: string;
	/** The device must be in at least one of these segments; empty/absent = every looked-up device. */
	include?: string[];
	/** The device must be in none of these segments. */
	exclude?: string[];
	/** Bid fields sent in a TargetInfo; absent = out_target_id only. */
	bid?: BidFields;
	/** Overrides by experiment, applied in list order. */
	experiments?: ExperimentOverride[];
}

/** The whole config. */
export interface StrategyConfigDocument {
	/**
	 * Seconds Tencent may cache an answer (RtaResponse #7); clamped to [platform cache time, 7 days].
	 * Absent = the platform cache time.
	 */
	response_cache_time?: number;
	/** Strategies, in the order they are listed in answers. */
	strategies: StrategyConfig[];
}

/** The stored form: the config plus its version. */
export interface StoredConfig {
	/** Content hash of `config` (first 16 hex of SHA-256 of its JSON). */
	version: string;
	/** ISO instant of the PUT. */
	updated_at: string;
	config: StrategyConfigDocument;
}

/** One validation problem. */
export interface ConfigIssue {
	/** JSON path, e.g. `$.strategies[2].bid.cpc_factor`. */
	path: string;
	message: string;
}
