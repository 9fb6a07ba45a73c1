/**
 * Cloudflare list prices the cost model uses — the only place they are written down in code.
 * Every figure is copied from docs/cloudflare/platform-facts.md (headings in the comments), which
 * summarises Cloudflare's published pricing; change it there first, then here.
 * @module
 */

/** One metered item: what is included each month, and the price per million beyond it. */
export interface MeteredPrice {
	/** Units included in the plan each month. */
	includedPerMonth: number;
	/** USD per million units beyond the included ones. */
	usdPerMillion: number;
	/** Where the figure comes from. */
	source: string;
}

/** Workers (Paid plan, Standard usage model) and Workers KV list prices. */
export const PRICES = {
	/** docs/cloudflare/platform-facts.md "Requests and CPU": $0.30 per million after 10 M a month. */
	workerRequests: {
		includedPerMonth: 10_000_000,
		usdPerMillion: 0.3,
		source: 'docs/cloudflare/platform-facts.md "Requests and CPU"',
	},
	/** docs/cloudflare/platform-facts.md "Requests and CPU": $0.02 per million CPU-ms after 30 M a month. */
	workerCpuMs: {
		includedPerMonth: 30_000_000,
		usdPerMillion: 0.02,
		source: 'docs/cloudflare/platform-facts.md "Requests and CPU"',
	},
	/** docs/cloudflare/platform-facts.md "Workers KV" → "Prices": reads $0.50 per million after 10 M; missing keys billed too. */
	kvReads: {
		includedPerMonth: 10_000_000,
		usdPerMillion: 0.5,
		source: 'docs/cloudflare/platform-facts.md "Workers KV" / "Prices"',
	},
	/** docs/cloudflare/platform-facts.md "Cache API and isolate memory": Cache API reads are not billed as KV reads. */
	cacheApiReads: {
		includedPerMonth: 0,
		usdPerMillion: 0,
		source: 'docs/cloudflare/platform-facts.md "Cache API and isolate memory"',
	},
} as const satisfies Record<string, MeteredPrice>;

/** docs/cloudflare/platform-facts.md "Requests and CPU": the Workers Paid plan's monthly minimum, USD. */
export const WORKERS_PAID_MONTHLY_USD = 5;

/**
 * A month as the platform facts count it (30 days: 250k QPS × 86,400 s × 30 = 648 billion).
 * docs/cloudflare/platform-facts.md "What this means for RTA".
 */
export const SECONDS_PER_MONTH = 30 * 86_400;

/**
 * What a metered quantity costs in a month.
 * @param units - units used in the month
 * @param price - the item's price
 * @returns USD
 * @example usdFor(20_000_000, PRICES.kvReads) // 5 (10 M beyond the included 10 M)
 */
export function usdFor(units: number, price: MeteredPrice): number {
	return (Math.max(0, units - price.includedPerMonth) / 1_000_000) * price.usdPerMillion;
}
