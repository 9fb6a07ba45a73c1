/**
 * Bindings only the test configuration adds (vitest.config.ts).
 * @module
 */
declare global {
	namespace Cloudflare {
		interface Env {
			/** The fake 优量汇, for reading what it saw (/__requests, /__notices). */
			FAKE_DSPB: Fetcher;
		}
	}
}

export {};
