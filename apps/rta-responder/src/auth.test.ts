/**
 * The RTA header-signature check, with the grace window for the previous set
 * (docs/rta/http-behaviour.md "Header signature").
 * @module
 */
import { describe, it } from "vitest";
import { checkSignHeaders } from "./auth.ts";
import { parseSettings } from "./settings.ts";

describe("checkSignHeaders", () => {
	const sign = parseSettings({
		RTA_SIGN_HEADERS: '{"X-A":"1","X-B":"2"}',
		RTA_SIGN_HEADERS_PREVIOUS: '{"X-A":"0"}',
		RTA_SIGN_HEADERS_GRACE_UNTIL: "2030-01-01T00:00:00Z",
	}).sign;
	const at = Date.parse("2029-12-31T23:59:59Z");
	const after = Date.parse("2030-01-01T00:00:00Z");

	it.for([
		["both current pairs", { "x-a": "1", "x-b": "2" }, at, true],
		["one current pair", { "x-a": "1" }, at, false],
		["previous set in the window", { "x-a": "0" }, at, true],
		["previous set after the window", { "x-a": "0" }, after, false],
		["empty value", { "x-a": "", "x-b": "2" }, at, false],
	] as const)("%s", ([, headers, now, ok], { expect }) => {
		expect(checkSignHeaders(new Headers(headers), sign, now)).toBe(ok);
	});

	it("accepts everything when no set is registered", ({ expect }) => {
		expect(checkSignHeaders(new Headers(), parseSettings({}).sign, at)).toBe(true);
	});
});
