/**
 * Strict IP address parsing. A conversion's `client_ip` is signed into the form API's `encstr`
 * (docs/conversion/form-api.md §5.4), so anything that is not exactly one address — a port, a
 * zone, brackets, `::::` — is refused rather than signed and sent.
 * @module
 */

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/**
 * Whether `text` is a dotted-quad IPv4 address: four decimal octets 0–255, no leading zeros
 * (which some parsers read as octal), nothing before or after.
 * @param text - candidate address
 * @returns true for e.g. `10.11.12.13`, false for `010.1.1.1`, `1.2.3` or `0.0.0.0:80`
 */
export function isIpv4(text: string): boolean {
	const parts = text.split(".");
	if (parts.length !== 4) return false;
	return parts.every((p) => OCTET.test(p) && Number(p) <= 255);
}

/**
 * Whether `text` is an IPv6 address in RFC 4291 §2.2 text form: eight groups of 1–4 hex digits,
 * at most one `::`, optionally ending in a dotted IPv4 address. No zone (`%eth0`), brackets or port.
 * @param text - candidate address
 * @returns true for e.g. `2001:db8::1` or `::ffff:10.0.0.1`, false for `::::` or `1:2`
 */
export function isIpv6(text: string): boolean {
	if (text.length < 2 || text.length > 45 || !text.includes(":")) return false;
	const halves = text.split("::");
	if (halves.length > 2) return false;
	const groups = (part: string) => (part === "" ? [] : part.split(":"));
	const left = groups(halves[0] ?? "");
	const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
	const tail = halves.length === 2 ? right : left;
	let embedded = 0;
	const last = tail.at(-1);
	if (last?.includes(".")) {
		if (!isIpv4(last)) return false;
		tail.pop();
		embedded = 2;
	}
	if (![...left, ...right].every((g) => HEXTET.test(g))) return false;
	const count = left.length + right.length + embedded;
	// `::` stands for one or more zero groups.
	return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * Whether `text` is the unspecified address (`0.0.0.0`, `::` and its spellings), which names no
 * client.
 * @param text - an address that passed {@link isIpv4} or {@link isIpv6}
 * @returns true for the unspecified address
 */
export function isUnspecifiedIp(text: string): boolean {
	if (isIpv4(text)) return text === "0.0.0.0";
	return /^[0:]+$/.test(text);
}
