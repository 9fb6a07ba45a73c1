/**
 * The WeChat prerequisites of docs/dspb/protocol.md 附录 "微信小程序/小游戏广告处理逻辑" (and 微信原生页, which
 * has "the same prerequisites"): WeChat installed, and an OpenSDK of at least 5.3.1 on Android and
 * 1.8.6 on iOS, compared by numeric parts or, for Android's integer Build.SDK_INT, numerically.
 * @module
 */
import { JumpError } from "./errors.ts";
import { WECHAT_OPENSDK_MIN_SDK_INT, WECHAT_OPENSDK_MIN_VERSION } from "./tables.ts";
import type { HostCapabilities } from "./types.ts";

/** Why a host cannot open WeChat mini-program or native-page ads. */
export type WechatPrerequisiteFailure =
	/** The host has no WeChat OpenSDK. */
	| "unsupported_by_host"
	/** WeChat is not installed. */
	| "wechat_not_installed"
	/** The OpenSDK is older than the guide's minimum. */
	| "wechat_opensdk_too_old";

const DOTTED = /^[0-9]+(\.[0-9]+)*$/;

function versionError(v: unknown, why: string): JumpError {
	return new JumpError("INVALID_FIELD", `${JSON.stringify(v)} ${why}`, { field: "wechat.openSdkVersion" });
}

function parts(v: string): number[] {
	if (typeof v !== "string" || !DOTTED.test(v)) throw versionError(v, "is not a dotted numeric version");
	return v.split(".").map(Number);
}

/**
 * Compares dotted numeric versions part by part ("5.3" < "5.3.1" < "5.10"); a missing part counts
 * as 0, so "5.3" equals "5.3.0".
 * @param a - first version
 * @param b - second version
 * @returns negative, zero or positive like a sort comparator
 * @throws JumpError `INVALID_FIELD` when either is not digits separated by dots
 * @example compareVersions("5.3", "5.3.1") < 0 // true
 */
export function compareVersions(a: string, b: string): number {
	const x = parts(a);
	const y = parts(b);
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		const d = (x[i] ?? 0) - (y[i] ?? 0);
		if (d !== 0) return d;
	}
	return 0;
}

function isTooOld(platform: "android" | "ios", version: string | number): boolean {
	if (typeof version === "number") {
		// Android's opensdk_ver is Build.SDK_INT (an int64 on the wire); iOS reports a string.
		if (platform !== "android")
			throw versionError(version, "is a number; iOS reports a dotted version string");
		if (!(Number.isSafeInteger(version) && version >= 0))
			throw versionError(version, "is not a non-negative integer Build.SDK_INT");
		return version < WECHAT_OPENSDK_MIN_SDK_INT;
	}
	// A bare "620953856" is Build.SDK_INT sent as text, which would otherwise read as version 620953856.
	if (platform === "android" && /^[0-9]+$/.test(version))
		throw versionError(
			version,
			"is ambiguous on Android: pass Build.SDK_INT as a number, or the dotted name",
		);
	return compareVersions(version, WECHAT_OPENSDK_MIN_VERSION[platform]) < 0;
}

/**
 * Whether a host can open WeChat mini-program / mini-game and native-page ads, per the DSP-B guide's
 * prerequisites. Check it before asking for such ads and before offering such a jump.
 * @param platform - the device OS
 * @param wechat - the host's OpenSDK: installed (Android: wx_api_ver > 0; iOS: wx_installed) and
 *   version (Android: Build.SDK_INT as a number, or the dotted name; iOS: [WXApi getApiVersion])
 * @returns undefined when the prerequisites hold, else why not
 * @throws JumpError `INVALID_FIELD` (field `wechat.openSdkVersion`) for a version it cannot read
 * @example checkWechatPrerequisites("android", { installed: true, openSdkVersion: 638058496 }) // undefined
 */
export function checkWechatPrerequisites(
	platform: "android" | "ios",
	wechat: HostCapabilities["wechat"],
): WechatPrerequisiteFailure | undefined {
	if (wechat === undefined) return "unsupported_by_host";
	// Read the version first, so a malformed one is an error even when WeChat is absent.
	const tooOld = isTooOld(platform, wechat.openSdkVersion);
	if (!wechat.installed) return "wechat_not_installed";
	return tooOld ? "wechat_opensdk_too_old" : undefined;
}
