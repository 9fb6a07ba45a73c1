/**
 * The sandbox's variables and secret, parsed and checked once per isolate (again only when a raw
 * value changes): accounts (SANDBOX_ACCOUNTS secret), the info/get profiles (SANDBOX_INFO var)
 * and the strategy limit (SANDBOX_MAX_TARGETS var). A malformed value answers every call with
 * the `NOT_CONFIGURED` envelope whose `msg` starts with the variable's name.
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { fromManagementJson, type Response_Data_InfoGet, Response_Data_InfoGetSchema } from "@txad/proto";
import {
	convertSettingsError,
	type EnvVars,
	memoizeSettings,
	readInt,
	readJsonObject,
	registerSecret,
	SettingsError,
} from "@txad/worker-kit";
import { SandboxCode } from "./codes.ts";
import { SandboxError } from "./errors.ts";

/** Everything the sandbox reads from env. */
export interface Settings {
	/** dspid → token: the only credentials the sandbox accepts. */
	readonly accounts: ReadonlyMap<string, string>;
	/** dspid (or `*`) → what info/get answers. */
	readonly infoProfiles: ReadonlyMap<string, Response_Data_InfoGet>;
	/** How many strategies one dspid may hold. */
	readonly maxTargets: number;
}

const KEYS = ["SANDBOX_ACCOUNTS", "SANDBOX_INFO", "SANDBOX_MAX_TARGETS"] as const;

/** Raw env values by name. */
export type RawSettings = EnvVars<(typeof KEYS)[number]>;

/** Strategies per dspid when SANDBOX_MAX_TARGETS is empty. */
export const DEFAULT_MAX_TARGETS = 1000;

/**
 * The parsed settings; parsed again only when one of the raw values changed.
 * @param env - the Worker's environment
 * @returns the settings
 * @throws SandboxError `NOT_CONFIGURED` naming the variable
 */
export const getSettings: (env: Env) => Settings = memoizeSettings(KEYS, parseSettings);

/**
 * Parses settings from raw env values.
 * @param raw - env values
 * @returns the settings
 * @throws SandboxError `NOT_CONFIGURED` whose message starts with the variable's name
 */
export function parseSettings(raw: RawSettings): Settings {
	return convertSettingsError(
		() => readSettings(raw),
		(e) => new SandboxError(SandboxCode.NOT_CONFIGURED, e.message, { cause: e }),
	);
}

function readSettings(raw: RawSettings): Settings {
	const accounts = new Map<string, string>();
	const rawAccounts = readJsonObject(raw, "SANDBOX_ACCOUNTS", {
		secret: true,
		expected: "a JSON object dspid -> token",
	});
	for (const [dspid, token] of Object.entries(rawAccounts)) {
		if (dspid === "" || typeof token !== "string" || token === "") {
			throw new SettingsError("SANDBOX_ACCOUNTS", `entry "${dspid.slice(0, 24)}" must be a non-empty token`);
		}
		accounts.set(dspid, token);
	}

	const infoProfiles = new Map<string, Response_Data_InfoGet>();
	const rawInfo = readJsonObject(raw, "SANDBOX_INFO", {
		fallback: {},
		expected: 'a JSON object dspid (or "*") -> InfoGet',
	});
	for (const [key, value] of Object.entries(rawInfo)) {
		try {
			infoProfiles.set(key, fromManagementJson(Response_Data_InfoGetSchema, value ?? null));
		} catch (cause) {
			const detail = cause instanceof Error ? cause.message : String(cause);
			throw new SettingsError("SANDBOX_INFO", `entry "${key.slice(0, 24)}" is not valid: ${detail}`, {
				cause,
			});
		}
	}

	const maxTargets = readInt(raw, "SANDBOX_MAX_TARGETS", {
		fallback: DEFAULT_MAX_TARGETS,
		min: 1,
		max: 1_000_000,
	});
	for (const token of accounts.values()) registerSecret(token);
	return { accounts, infoProfiles, maxTargets };
}

/**
 * The info/get profile for a dspid: SANDBOX_INFO[dspid], else SANDBOX_INFO["*"], else a built-in
 * demo. An empty `rta_name` becomes `sandbox-<dspid>`.
 * @param settings - the parsed settings
 * @param dspid - the authenticated account
 * @returns the profile
 */
export function infoProfile(settings: Settings, dspid: string): Response_Data_InfoGet {
	const profile =
		settings.infoProfiles.get(dspid) ??
		settings.infoProfiles.get("*") ??
		create(Response_Data_InfoGetSchema, {
			enable: 1,
			companyName: "txad sandbox",
			qpsLimit: 1000,
			cacheSecond: 3600,
		});
	return create(Response_Data_InfoGetSchema, { ...profile, rtaName: profile.rtaName || `sandbox-${dspid}` });
}
