/**
 * The optional allow-list of callers for GET /click. docs/conversion/form-api.md §4.3 names
 * Tencent's click senders (14.17.3.31, 14.17.3.32); operators list those, or wider IPv4 CIDRs, in
 * `CLICK_IP_ALLOWLIST`. Parsed once with the settings, so a typo is a configuration error named by
 * `/healthz` instead of a list that silently matches nobody.
 * @module
 */
import { isIpv4, isIpv6 } from "./ip.ts";

/** One parsed entry: an exact address, or an IPv4 network. */
export type AllowEntry = { kind: "ip"; ip: string } | { kind: "cidr4"; base: number; bits: number };

function ipv4ToInt(ip: string): number {
	return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

/**
 * Parses a comma-separated list of IPs and IPv4 CIDRs.
 * @param list - e.g. `"14.17.3.31, 14.17.3.32"` or `"14.17.3.0/24"`; empty allows everyone
 * @returns the entries
 * @throws Error naming the first entry that is neither
 */
export function parseAllowlist(list: string): AllowEntry[] {
	const entries: AllowEntry[] = [];
	for (const raw of list.split(",")) {
		const entry = raw.trim();
		if (entry === "") continue;
		const slash = entry.indexOf("/");
		if (slash === -1) {
			if (!isIpv4(entry) && !isIpv6(entry))
				throw new Error(`has an entry that is not an IP address: "${entry}"`);
			entries.push({ kind: "ip", ip: entry.toLowerCase() });
			continue;
		}
		const base = entry.slice(0, slash);
		const bitsText = entry.slice(slash + 1);
		const bits = Number(bitsText);
		if (!isIpv4(base) || !/^[0-9]{1,2}$/.test(bitsText) || bits > 32) {
			throw new Error(`has an entry that is not an IPv4 CIDR: "${entry}"`);
		}
		entries.push({ kind: "cidr4", base: ipv4ToInt(base), bits });
	}
	return entries;
}

/**
 * Whether `ip` is allowed by a parsed list.
 * @param entries - from {@link parseAllowlist}; empty allows everyone
 * @param ip - the caller's address (`CF-Connecting-IP`), or `null` when unknown
 * @returns true when the list is empty or an entry matches
 * @example isIpAllowed(parseAllowlist("14.17.3.0/24"), "14.17.3.31") // true
 */
export function isIpAllowed(entries: readonly AllowEntry[], ip: string | null): boolean {
	if (entries.length === 0) return true;
	if (ip === null || ip === "") return false;
	const addr = isIpv4(ip) ? ipv4ToInt(ip) : null;
	for (const entry of entries) {
		if (entry.kind === "ip") {
			if (entry.ip === ip.toLowerCase()) return true;
		} else if (addr !== null) {
			const size = 2 ** (32 - entry.bits);
			if (Math.floor(addr / size) === Math.floor(entry.base / size)) return true;
		}
	}
	return false;
}
