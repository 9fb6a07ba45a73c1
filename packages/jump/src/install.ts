/**
 * The install-relation filter of docs/dspb/protocol.md 转化上报-应用安装上报与过滤策略应用: before showing an ad
 * with install targeting, compare the targeting with whether the app is installed; show or drop
 * it, and report app_installed / app_not_installed on a mismatch.
 * @module
 */
import { JumpError } from "./errors.ts";
import type { JumpAd } from "./types.ts";

/** The filter's decision. */
export type InstallFilterDecision =
	| {
			readonly kind: "show";
			/**
			 * no_targeting: relation_target 0 or absent; matches: the targeting holds; unknown: the
			 * host could not tell whether `package_name` is installed, or the ad has no package_name.
			 */
			readonly reason: "no_targeting" | "matches" | "unknown";
	  }
	| {
			readonly kind: "drop";
			/** installed: targets 未安装 (1) but installed; not_installed: targets 已安装 (2) but absent. */
			readonly reason: "installed" | "not_installed";
			/** The conversion_event URL to report, when the ad has one. */
			readonly report:
				| { readonly event: "app_installed" | "app_not_installed"; readonly url: string }
				| undefined;
	  };

/**
 * Decides whether to show an ad given its install targeting.
 * @param ad - relation_target, package_name and conversion_event of the ad
 * @param installed - whether `ad.package_name` is installed; undefined when the host cannot tell
 * @returns show, or drop with the URL to report
 * @throws JumpError `INVALID_FIELD` for a relation_target other than 0, 1, 2
 * @example
 * const d = filterByInstallRelation(ad, isInstalled(ad.package_name));
 * if (d.kind === "drop" && d.report) ctx.waitUntil(fetch(d.report.url));
 */
export function filterByInstallRelation(ad: JumpAd, installed: boolean | undefined): InstallFilterDecision {
	const raw = ad.relation_target;
	const target = raw === undefined ? 0 : Number(raw);
	if (target !== 0 && target !== 1 && target !== 2) {
		throw new JumpError("INVALID_FIELD", "relation_target must be 0, 1 or 2", { field: "relation_target" });
	}
	if (target === 0) return { kind: "show", reason: "no_targeting" };
	if (installed === undefined || !ad.package_name) return { kind: "show", reason: "unknown" };
	if (target === 1 && installed) return drop(ad, "installed", "app_installed");
	if (target === 2 && !installed) return drop(ad, "not_installed", "app_not_installed");
	return { kind: "show", reason: "matches" };
}

function drop(
	ad: JumpAd,
	reason: "installed" | "not_installed",
	event: "app_installed" | "app_not_installed",
): InstallFilterDecision {
	const url = ad.conversion_event?.[event];
	return { kind: "drop", reason, report: url ? { event, url } : undefined };
}
