/**
 * The decision: active segments + experiment ids + compiled config → selected strategies. Pure:
 * no env, no KV, no clock, so it is unit-tested and benchmarked alone. The same function feeds
 * `/admin/explain` through its optional trace, so the explanation can never disagree with what
 * `/rta` answers.
 * @module
 */
import {
	applyOverrides,
	type CompiledConfig,
	type CompiledOverride,
	type CompiledStrategy,
	type Variant,
} from "../config/compile.ts";

/** A selected strategy, as the request's experiments make it. */
export interface Selected {
	id: string;
	/** `id` as UTF-8 (RtaResponse #10 on the wire). */
	idBytes: Uint8Array;
	/** What to send for it: TargetInfo (undefined = out_target_id only), aid_whitelist. */
	variant: Variant;
}

/** Why a strategy was or was not selected (explain output). */
export interface StrategyTrace {
	id: string;
	selected: boolean;
	reason: string;
	matched_include: string[];
	matched_exclude: string[];
	experiments_applied: number[];
}

const NONE: readonly number[] = [];

/**
 * Selects strategies for a device.
 * @param config - compiled config
 * @param segments - the device's active segments (empty for a device with no record)
 * @param expIds - RtaRequest.exps[].exp_id
 * @param trace - when given, receives one entry per strategy
 * @returns selected strategies in config order (empty = refuse)
 * @example selectStrategies(config, ["new_user"], [])
 */
export function selectStrategies(
	config: CompiledConfig,
	segments: readonly string[],
	expIds: readonly number[],
	trace?: StrategyTrace[],
): Selected[] {
	const strategies = config.strategies;
	// 1 = included, -1 = excluded, 0 = untouched; excludes are applied last, so they win.
	const state = new Int8Array(strategies.length);
	for (const seg of segments) {
		for (const i of config.includeIndex.get(seg) ?? NONE) state[i] = 1;
	}
	for (const i of config.open) state[i] = 1;
	for (const seg of segments) {
		for (const i of config.excludeIndex.get(seg) ?? NONE) state[i] = -1;
	}

	const out: Selected[] = [];
	for (let i = 0; i < strategies.length; i++) {
		const s = strategies[i] as CompiledStrategy;
		const st = state[i];
		if (st !== 1) {
			trace?.push(traceEntry(s, segments, false, st === -1 ? "excluded" : "no include segment", []));
			continue;
		}
		const { variant, applied } = resolveVariant(s, expIds);
		if (!variant.enabled) {
			trace?.push(traceEntry(s, segments, false, "disabled by experiment", applied));
			continue;
		}
		trace?.push(
			traceEntry(
				s,
				segments,
				true,
				s.include.length === 0 ? "no include list (every device)" : "included",
				applied,
			),
		);
		out.push({ id: s.id, idBytes: s.idBytes, variant });
	}
	return out;
}

// The strategy as the request's experiments make it. Allocation-free unless an override
// matches; one matching override uses the variant compiled for it.
function resolveVariant(
	s: CompiledStrategy,
	expIds: readonly number[],
): { variant: Variant; applied: readonly number[] } {
	let matching: CompiledOverride[] | undefined;
	for (const o of s.overrides) {
		if (!expIds.includes(o.expId)) continue;
		if (matching === undefined) matching = [o];
		else matching.push(o);
	}
	if (matching === undefined) return { variant: s.base, applied: NONE };
	if (matching.length === 1) {
		const expId = (matching[0] as CompiledOverride).expId;
		// compileConfig builds one variant per override (exp_ids are unique per strategy).
		return { variant: s.single.get(expId) as Variant, applied: [expId] };
	}
	return { variant: applyOverrides(s.id, s.base, matching), applied: matching.map((o) => o.expId) };
}

function traceEntry(
	s: CompiledStrategy,
	segments: readonly string[],
	selected: boolean,
	reason: string,
	applied: readonly number[],
): StrategyTrace {
	const matchedInclude = s.include.filter((x) => segments.includes(x));
	const matchedExclude = s.exclude.filter((x) => segments.includes(x));
	const detail =
		reason === "excluded"
			? `excluded by ${matchedExclude.join(", ")}`
			: reason === "no include segment"
				? `device has none of ${s.include.join(", ")}`
				: reason === "included"
					? `included by ${matchedInclude.join(", ")}`
					: reason === "disabled by experiment"
						? `disabled by experiment ${applied.join(", ")}`
						: reason;
	return {
		id: s.id,
		selected,
		reason: detail,
		matched_include: matchedInclude,
		matched_exclude: matchedExclude,
		experiments_applied: [...applied],
	};
}
