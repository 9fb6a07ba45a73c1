/**
 * A strategy config exercising every decision path (include, exclude, open strategies, bid
 * fields, experiment overrides), for the unit tests of `decide/` and `config/`.
 * @module
 */
import { type CompiledConfig, compileConfig } from "./compile.ts";
import type { StrategyConfigDocument } from "./types.ts";
import { validateStrategyConfig } from "./validate.ts";

/** The config: four strategies, in the order answers list them. */
export const STRATEGIES: StrategyConfigDocument = {
	response_cache_time: 7200,
	strategies: [
		{
			id: "st_new",
			include: ["new_user"],
			exclude: ["installed"],
			bid: { cpc_price: 120, user_weight_factor: 1.5, dsp_tag_str: "nu" },
			experiments: [
				{ exp_id: 1001, enabled: false },
				{ exp_id: 1002, bid: { cpc_factor: 2 } },
				{ exp_id: 1003, enabled: true, bid: { cpc_price: 150 } },
			],
		},
		{ id: "st_vip", include: ["vip", "gold"] },
		{ id: "st_open", exclude: ["paid"], bid: { cpa_price: 5000 } },
		{ id: "st_all", experiments: [{ exp_id: 2001, enabled: false }] },
	],
};

/**
 * Validates and compiles a config, failing loudly when it is invalid.
 * @param doc - the config
 * @param platformCacheTime - seconds
 * @returns the compiled config, version "v1"
 */
export function compiledConfig(doc: unknown = STRATEGIES, platformCacheTime = 3600): CompiledConfig {
	const v = validateStrategyConfig(doc, platformCacheTime);
	if (!v.ok) throw new Error(`invalid test config: ${JSON.stringify(v.errors)}`);
	return compileConfig(v.config, "v1", platformCacheTime);
}
