/**
 * Applies the D1 migrations before each test file (already-applied ones are skipped).
 * @module
 */
import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.SANDBOX_DB, env.TEST_MIGRATIONS);
