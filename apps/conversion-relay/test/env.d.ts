/**
 * Bindings only the test configuration adds (vitest.config.ts).
 * @module
 */
import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			FAKE_TENCENT: Fetcher;
			TEST_TIGHT_LIMITER: RateLimit;
			MIGRATION_DB: D1Database;
		}
	}
}
