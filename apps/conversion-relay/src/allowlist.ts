/**
 * The optional allow-list of callers for GET /click. docs/conversion/form-api.md §4.3 names
 * Tencent's click senders (14.17.3.31, 14.17.3.32); operators list those, or wider IPv4 CIDRs, in
 * `CLICK_IP_ALLOWLIST`.
 * @module
 */

function ipv4ToInt(ip: string): number | null {
	const parts = ip.split(".");
	if (parts.length !== 4) return null;
	let n = 0;
	for (const part of parts) {
		if (!/^[0-9]{1,3}$/.test(part)) return null;
		const octet = Number(part);
		if (octet > 255) return null;
		n = n * 256 + octet;
	}
	return n;
}

/**
 * Whether `ip` is allowed by a comma-separated list of IPs and IPv4 CIDRs.
 * @param list - e.g. `"14.17.3.31, 14.17.3.32"` or `"14.17.3.0/24"`; empty allows everyone
 * @param ip - the caller's address (`CF-Connecting-IP`), or `null` when unknown
 * @returns true when the list is empty or an entry matches
 * @example isIpAllowed("14.17.3.0/24", "14.17.3.31") // true
 */
export function isIpAllowed(list: string | undefined, ip: string | null): boolean {
	const entries = (list ?? "")
		.split(",")
		.map((e) => e.trim())
		.filter((e) => e !== "");
	if (entries.length === 0) return true;
	if (ip === null || ip === "") return false;
	const addr = ipv4ToInt(ip);
	for (const entry of entries) {
		const slash = entry.indexOf("/");
		if (slash === -1) {
			if (entry.toLowerCase() === ip.toLowerCase()) return true;
			continue;
		}
		const base = ipv4ToInt(entry.slice(0, slash));
		const bits = Number(entry.slice(slash + 1));
		if (addr === null || base === null || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
		const size = 2 ** (32 - bits);
		if (Math.floor(addr / size) === Math.floor(base / size)) return true;
	}
	return false;
}
