#!/usr/bin/env node
// Regenerates every committed generated file (protoc-gen-es output, `wrangler types` output) and
// fails if the result differs from what is committed, so generated code can never drift from
// its sources. Run from the repository root: `npm run check:generated`.
import { execFileSync } from "node:child_process";

const GENERATED = [":(glob)**/src/gen/**", ":(glob)**/worker-configuration.d.ts"];

execFileSync("npx", ["turbo", "run", "generate", "cf-typegen", "--force", "--output-logs=errors-only"], {
	stdio: "inherit",
	env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
});

const changed = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", ...GENERATED], {
	encoding: "utf8",
}).trim();

if (changed) {
	console.error("Generated files differ from what is committed (run `npm run generate` and commit):");
	console.error(changed);
	process.exit(1);
}
console.log("Generated code matches its sources.");
