/**
 * The few decisions the package checker cannot discover from `packages/*` itself.
 * Everything else (which packages exist, what they export, what their tarballs hold) is read
 * from the packages, so adding a package needs no change here unless it stays internal.
 * @module
 */

/**
 * Workspace packages under `packages/*` that deliberately stay `private: true` (just-in-time,
 * `exports` → `src/*.ts`, consumed only by this repo's apps), with the reason. A private package
 * that is not listed here fails the check: being internal is a decision, not a default.
 */
export const INTERNAL_PACKAGES: Readonly<Record<string, string>> = {
	"@txad/rta-metrics":
		"the responder's Analytics Engine data-point layout and the SQL the CLI runs over it: one contract for two of this repo's own workspaces, no outside consumer",
	"@txad/worker-kit":
		"the shared plumbing of this repo's own Workers (their JSON error envelope, body reader, JSON-lines logger, settings readers); no published package depends on it and no other team needs it, so publishing it would only freeze app-internal helpers under semver",
};

/**
 * Named imports whose Worker bundle cost each package README records next to the whole-package
 * cost (`npm run size`). A package not listed still gets its packed size and whole-package cost.
 */
export const SIZE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
	"@txad/signing": ["signDspbRequest", "computeConversionEncstr"],
	"@txad/muid": ["hashDeviceId"],
	"@txad/proto": ["decodeRtaRequest"],
	"@txad/dspb": ["buildAdRequest"],
	"@txad/jump": ["decideJump"],
	"@txad/rta-admin": ["createRtaAdminClient"],
	"@txad/audience": ["openShard", "SnapshotBuilder"],
};

/** The file in each public package that the consumer test runs in plain Node and in workerd. */
export const SMOKE_FILE = "smoke.mjs";

/** Where the generated API reference lives, relative to the repository root. */
export const API_DOCS_DIR = "docs/api";

/** The API reference page of a package, relative to the repository root. */
export function apiDocsPage(packageName: string): string {
	return `${API_DOCS_DIR}/${packageName}.md`;
}

/** Markers around the size table in each package README, rewritten by `npm run size -- --write`. */
export const SIZE_START = "<!-- size:start (npm run size -- --write) -->";
export const SIZE_END = "<!-- size:end -->";
