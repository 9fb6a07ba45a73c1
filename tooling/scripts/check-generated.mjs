#!/usr/bin/env node
// Regenerates every committed generated file (protoc-gen-es output, `wrangler types` output, the
// typedoc API reference in docs/api) and fails if the result differs from what is committed, so
// generated code can never drift from its sources. Run from the repository root:
// `npm run check:generated`.
import { execFileSync } from "node:child_process";

const GENERATED = [":(glob)**/src/gen/**", ":(glob)**/worker-configuration.d.ts", ":(glob)docs/api/**"];

execFileSync("npx", ["turbo", "run", "generate", "cf-typegen", "--force", "--output-logs=errors-only"], {
	stdio: "inherit",
	env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
});

// The API reference reads each package's JSDoc; packages that import others need their dist types.
execFileSync("npx", ["turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"], {
	stdio: "inherit",
});
execFileSync("npx", ["tsx", "tooling/package-check/src/main.ts", "docs"], { stdio: "inherit" });

const changed = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", ...GENERATED], {
	encoding: "utf8",
}).trim();

if (changed) {
	console.error("Generated files differ from what is committed (run `npm run generate` and commit):");
	console.error(changed);
	process.exit(1);
}
console.log("Generated code matches its sources.");
