/**
 * The workerd compatibility date every Worker and test in this repo uses (also the consumer
 * Worker of `npm run check:packages`). Its own module so Node tools can read it without loading
 * Vitest or the Cloudflare plugin.
 * @module
 */
export const COMPATIBILITY_DATE = "2026-11-01";
