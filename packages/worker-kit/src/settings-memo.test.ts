import { describe, it } from "vitest";
import { readInt } from "./env-vars.ts";
import { SettingsError } from "./settings-error.ts";
import { memoizeSettings } from "./settings-memo.ts";

const KEYS = ["LIMIT", "NAME"] as const;

function counting() {
	let parses = 0;
	const get = memoizeSettings(KEYS, (env) => {
		parses++;
		return { limit: readInt(env, "LIMIT", { fallback: 5, min: 1, max: 10 }), name: env.NAME };
	});
	return { get, parses: () => parses };
}

describe("memoizeSettings", () => {
	it("parses once for the same values, also from a copy of the env", ({ expect }) => {
		const { get, parses } = counting();
		const env = { LIMIT: "3", NAME: "a", OTHER_BINDING: {} };
		const first = get(env);
		expect(get(env)).toBe(first);
		expect(get({ ...env })).toBe(first);
		// A variable that is not listed does not matter.
		const otherChanged = { ...env, OTHER_BINDING: { changed: true } };
		expect(get(otherChanged)).toBe(first);
		expect(parses()).toBe(1);
	});

	it("parses again when a listed value changes, in a new env or in the same object", ({ expect }) => {
		const { get, parses } = counting();
		const env: Record<string, string> = { LIMIT: "3", NAME: "a" };
		const first = get(env);
		const second = get({ ...env, LIMIT: "4" });
		expect(second).not.toBe(first);
		expect(second.limit).toBe(4);
		env.NAME = "b";
		expect(get(env)).toEqual({ limit: 3, name: "b" });
		expect(parses()).toBe(3);
	});

	it("keeps nothing from a failed parse: the error comes back until the value is fixed", ({ expect }) => {
		const { get, parses } = counting();
		const bad = { LIMIT: "11" };
		expect(() => get(bad)).toThrow(SettingsError);
		expect(() => get(bad)).toThrow("LIMIT must be an integer from 1 to 10");
		expect(parses()).toBe(2);
		expect(get({ LIMIT: "10" }).limit).toBe(10);
	});
});
