/**
 * Parse settings once per isolate: the parsed value is kept with the raw values it came from and
 * returned as long as every listed variable still holds the same value. The key is the values,
 * not the env object's identity: a copy of the env with equal values (`{ ...env }`) gets the
 * same settings, and a changed value re-parses even when the object is the same one. A failed
 * parse is not kept, so a broken variable is reported on every call until it is fixed.
 * @module
 */
import type { EnvVars } from "./env-vars.ts";

/**
 * Wraps a settings parser in a one-entry, per-isolate memo.
 * @param names - every variable `parse` reads; one it reads but that is not listed would not
 *   trigger a re-parse when it changes
 * @param parse - the app's parser (it may throw; nothing is kept then)
 * @returns `getSettings(env)`: the settings for those values
 * @example export const getSettings = memoizeSettings(KEYS, parseSettings);
 */
export function memoizeSettings<K extends string, S>(
	names: readonly K[],
	parse: (env: EnvVars<K>) => S,
): (env: EnvVars<K>) => S {
	let memo: { values: unknown[]; settings: S } | undefined;
	return (env) => {
		if (memo !== undefined && sameValues(memo.values, names, env)) return memo.settings;
		const settings = parse(env);
		memo = { values: names.map((name) => env[name]), settings };
		return settings;
	};
}

// A plain loop: this runs on every request of the hot path.
function sameValues<K extends string>(values: unknown[], names: readonly K[], env: EnvVars<K>): boolean {
	for (let i = 0; i < names.length; i++) {
		if (values[i] !== env[names[i] as K]) return false;
	}
	return true;
}
