/**
 * The RTA header-signature check, with the grace window for the previous set
 * (docs/rta/http-behaviour.md "Header signature").
 * @module
 */
import { describe, it } from "vitest";
import { bearerToken, checkSignHeaders, requireAdmin } from "./auth.ts";
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

describe("the admin bearer token", () => {
	it.for([
		["Bearer tok", "tok"],
		["bearer tok", "tok"],
		["BEARER tok", "tok"],
		["bEaReR   tok ", "tok"],
		["Bearer", ""],
		["Bearertok", ""],
		["Basic tok", ""],
		["Bearer a b", ""],
		["", ""],
	] as const)("%j → %j", ([header, token], { expect }) => {
		expect(bearerToken(header)).toBe(token);
	});

	it("lets any case of the scheme through, and nothing else", ({ expect }) => {
		const settings = parseSettings({ ADMIN_TOKEN: "s3cret" });
		const call = (authorization: string) => () =>
			requireAdmin(new Request("https://r.example/admin/config", { headers: { authorization } }), settings);
		for (const scheme of ["Bearer", "bearer", "BEARER"]) expect(call(`${scheme} s3cret`)).not.toThrow();
		expect(call("bearer wrong")).toThrow(/missing or wrong bearer token/);
		expect(call("Basic s3cret")).toThrow(/missing or wrong bearer token/);
	});
});
