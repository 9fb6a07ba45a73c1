/**
 * Bad calls to POST /v1/ads: each gets a clear status and a JSON error naming the field, and none
 * reaches 优量汇.
 * @module
 */
import { SELF } from "cloudflare:test";
import { describe, it } from "vitest";
import { bearer } from "../demo/config.ts";
import {
	ANDROID_NETWORK,
	androidDevice,
	BASE,
	DEMO_KEYS,
	DEMO_PLACEMENTS,
	fakeRequests,
	IOS_NETWORK,
	iosDevice,
	post,
} from "./helpers.ts";

const good = () => ({
	placement: { id: DEMO_PLACEMENTS.noFill },
	device: androidDevice(),
	network: ANDROID_NETWORK,
});

interface ErrorBody {
	error: { code: string; field: string | null; message: string; issues?: Array<{ field: string }> };
}

describe("authentication", () => {
	it.for([
		["no Authorization header", {}],
		["not Bearer", { authorization: "Basic abc" }],
		["no key id", { authorization: "Bearer just-a-secret" }],
		["unknown key id", { authorization: "Bearer nobody.demo-android-app-key-0001" }],
		["wrong secret", { authorization: `Bearer ${DEMO_KEYS.android.id}.wrong-secret-0000000` }],
	] as const)("%s → 401", async ([, headers], { expect }) => {
		const res = await SELF.fetch(`${BASE}/v1/ads`, {
			method: "POST",
			headers: { "cf-connecting-ip": "14.17.22.35", ...headers },
			body: JSON.stringify(good()),
		});
		expect(res.status).toBe(401);
		expect(res.headers.get("www-authenticate")).toBe("Bearer");
		expect(((await res.json()) as ErrorBody).error.code).toBe("UNAUTHORIZED");
	});
});

describe("bad bodies name the field", () => {
	const cases: Array<
		[string, string, unknown, { key?: { id: string; secret: string }; headers?: Record<string, string> }?]
	> = [
		["a JSON array", "body", []],
		["an unknown top-level field", "pos", { ...good(), pos: {} }],
		["no placement", "placement", { ...good(), placement: undefined }],
		["a placement id that is not digits", "placement.id", { ...good(), placement: { id: "abc" } }],
		["a placement not configured", "placement.id", { ...good(), placement: { id: "1234567890" } }],
		["another app's placement", "placement.id", { ...good(), placement: { id: DEMO_PLACEMENTS.ios } }],
		[
			"an unknown placement field",
			"placement.adcount",
			{ ...good(), placement: { id: DEMO_PLACEMENTS.noFill, adcount: 2 } },
		],
		[
			"ad_count 11",
			"placement.ad_count",
			{ ...good(), placement: { id: DEMO_PLACEMENTS.noFill, ad_count: 11 } },
		],
		["width 0", "placement.width", { ...good(), placement: { id: DEMO_PLACEMENTS.noFill, width: 0 } }],
		["no device", "device", { ...good(), device: undefined }],
		[
			"an iOS device on an Android placement",
			"device.os",
			{ ...good(), device: iosDevice(), network: IOS_NETWORK },
		],
		[
			"os_version 13 (one part)",
			"device.os_version",
			{ ...good(), device: androidDevice({ os_version: "13" }) },
		],
		["no device id", "device", { ...good(), device: androidDevice({ oaid: undefined }) }],
		["a bad imei_md5", "device.imei_md5", { ...good(), device: androidDevice({ imei_md5: "ABC" }) }],
		[
			"Android opensdk_ver as a string",
			"device.opensdk_ver",
			{ ...good(), device: androidDevice({ opensdk_ver: "6.8.0", wx_api_ver: 1 }) },
		],
		[
			"Android opensdk_ver unreadable",
			"device.opensdk_ver",
			{ ...good(), device: androidDevice({ opensdk_ver: "abc" }) },
		],
		[
			"a network.ip from an app key",
			"network.ip",
			{ ...good(), network: { ...ANDROID_NETWORK, ip: "1.2.3.4" } },
		],
		[
			"a ua without Mozilla or Dalvik",
			"network.ua",
			{ ...good(), network: { ...ANDROID_NETWORK, ua: "okhttp/4" } },
		],
		["an unknown network field", "network.ipv6", { ...good(), network: { ...ANDROID_NETWORK, ipv6: "::1" } }],
		["a geo out of range", "geo.lat", { ...good(), geo: { lat: 999_000_000 } }],
		["an unknown capability", "capabilities.teleport", { ...good(), capabilities: { teleport: true } }],
		[
			"an iOS capability on Android",
			"capabilities.app_store",
			{ ...good(), capabilities: { app_store: true } },
		],
		[
			"a capability that is not a boolean",
			"capabilities.deeplink",
			{ ...good(), capabilities: { deeplink: 1 } },
		],
		["installed_packages as a string", "installed_packages", { ...good(), installed_packages: "com.a" }],
		["installed_packages with an empty name", "installed_packages", { ...good(), installed_packages: [""] }],
		["a backend key without network.ip", "network.ip", good(), { key: DEMO_KEYS.backend }],
		[
			"a backend key with a bad network.ip",
			"network.ip",
			{ ...good(), network: { ...ANDROID_NETWORK, ip: "999.1.1.1" } },
			{ key: DEMO_KEYS.backend },
		],
		["no CF-Connecting-IP", "CF-Connecting-IP", good(), { headers: { "cf-connecting-ip": "" } }],
	];
	it.for(cases)("%s → 400 %s", async ([, field, body, options], { expect }) => {
		const before = (await fakeRequests(DEMO_PLACEMENTS.noFill)).length;
		const res = await post("/v1/ads", body, options ?? {});
		const json = (await res.json()) as ErrorBody;
		expect(res.status, JSON.stringify(json)).toBe(400);
		expect(json.error.code).toBe("INVALID_FIELD");
		expect(json.error.field).toBe(field);
		expect(json.error.message.length).toBeGreaterThan(10);
		expect((await fakeRequests(DEMO_PLACEMENTS.noFill)).length).toBe(before);
	});

	it("lists every DSP-B issue, not just the first", async ({ expect }) => {
		const res = await post("/v1/ads", {
			...good(),
			device: androidDevice({ os_version: "13", device_type: 9, oaid: undefined, imei: "x" }),
		});
		const json = (await res.json()) as ErrorBody;
		expect(json.error.issues?.map((i) => i.field)).toEqual(["device.os_version", "device.device_type"]);
	});

	it("a body that is not JSON → 400 INVALID_JSON", async ({ expect }) => {
		const res = await post("/v1/ads", "{not json");
		expect(res.status).toBe(400);
		expect(((await res.json()) as ErrorBody).error.code).toBe("INVALID_JSON");
	});

	it("a body over 256 KiB → 413", async ({ expect }) => {
		const res = await post("/v1/ads", {
			...good(),
			installed_packages: ["x".repeat(200_000), "y".repeat(100_000)],
		});
		expect(res.status).toBe(413);
		expect(((await res.json()) as ErrorBody).error.code).toBe("BODY_TOO_LARGE");
	});

	it("an unknown route → 404 JSON", async ({ expect }) => {
		const res = await SELF.fetch(`${BASE}/v1/nothing`, {
			headers: { authorization: bearer(DEMO_KEYS.android) },
		});
		expect(res.status).toBe(404);
		expect(((await res.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
	});
});
