import { signDspbRequest, verifyDspbSign } from "@txad/signing";
import dspbSign from "@txad/testdata/dspb-sign.json";
import { describe, it } from "vitest";
import { isDspbError } from "./errors.ts";
import { SECRET, seedAndroid, seedIos } from "./request.testdata.ts";
import { buildAdRequest, type DspbAdRequestInput } from "./request.ts";
import {
	SEED_ANDROID_REQUEST_URL,
	SEED_IOS_REWARDED_REQUEST_URL,
	SEED_X_FORWARDED_FOR,
} from "./seed.testdata.ts";

function seedParams(url: string): Record<string, string> {
	const query = url.slice(url.indexOf("?") + 1);
	const out: Record<string, string> = {};
	for (const pair of query.split("&")) {
		const eq = pair.indexOf("=");
		out[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
	}
	return out;
}

function ourParams(url: string): Record<string, string> {
	const out: Record<string, string> = {};
	new URL(url).searchParams.forEach((value, key) => {
		out[key] = value;
	});
	return out;
}

describe("buildAdRequest: the request examples of docs/dspb/protocol.md", () => {
	const examples = [
		{ name: "android native", input: seedAndroid, url: SEED_ANDROID_REQUEST_URL },
		{ name: "ios rewarded video", input: seedIos, url: SEED_IOS_REWARDED_REQUEST_URL },
	];
	it.for(examples)(
		"$name: pos, media, device, geo are the guide's JSON text",
		async ({ input, url }, { expect }) => {
			const req = await buildAdRequest({ secret: SECRET, endpoint: "http://mi.gdt.qq.com/api/v3" }, input);
			const seed = seedParams(url);
			const ours = ourParams(req.url);
			expect(req.url.startsWith("http://mi.gdt.qq.com/api/v3?api_version=3.0&pos=")).toBe(true);
			expect(ours.api_version).toBe(seed.api_version);
			// Guide example 1 has a stray space after "id": in its pos text; JSON-wise it is the same.
			expect(ours.pos).toBe(seed.pos?.replace(" ", ""));
			expect(ours.media).toBe(seed.media);
			expect(ours.device).toBe(seed.device);
			expect(ours.geo).toBe(seed.geo);
			// The examples predate v3.16, whose network table adds ip and ua after connect_type and carrier.
			expect(ours.network).toBe(
				`${seed.network?.slice(0, -1)},"ip":"${SEED_X_FORWARDED_FOR}","ua":${JSON.stringify(input.network.ua)}}`,
			);
			expect(req.headers["X-Forwarded-For"]).toBe(SEED_X_FORWARDED_FOR);
			expect(req.headers["User-Agent"]).toBe(input.network.ua);
		},
	);

	it.for(examples)("$name: sign covers the exact texts in the URL", async ({ input }, { expect }) => {
		const req = await buildAdRequest({ secret: SECRET }, input);
		const p = ourParams(req.url);
		expect(p.sign).toMatch(/^[0-9a-f]{64}$/);
		expect(p.time_stamp).toBe("1662452225866");
		const parts = {
			device: p.device ?? "",
			media: p.media ?? "",
			network: p.network ?? "",
			pos: p.pos ?? "",
			time_stamp: p.time_stamp ?? "",
		};
		expect(await verifyDspbSign(SECRET, parts, p.sign ?? "")).toBe(true);
		expect(await verifyDspbSign(`${SECRET}x`, parts, p.sign ?? "")).toBe(false);
		expect(p).toEqual({ ...req.params });
	});
});

describe("buildAdRequest: query layout", () => {
	it("orders parameters as the guide's table and URL-encodes every value", async ({ expect }) => {
		const req = await buildAdRequest(
			{ secret: SECRET },
			{ ...seedAndroid, supportAppStore: true, tmax: 300 },
		);
		const keys = req.url
			.slice(req.url.indexOf("?") + 1)
			.split("&")
			.map((kv) => kv.slice(0, kv.indexOf("=")));
		expect(keys).toEqual([
			"api_version",
			"support_app_store",
			"pos",
			"media",
			"device",
			"network",
			"geo",
			"time_stamp",
			"sign",
			"tmax",
		]);
		expect(req.params.support_app_store).toBe("1");
		expect(req.params.tmax).toBe("300");
		expect(req.url).not.toMatch(/[{}" ]/);
		expect(req.url).toContain("pos=%7B%22id%22%3A8050018672826551%2C%22ad_count%22%3A2%7D");
		expect(req.url.startsWith("https://mi.gdt.qq.com/api/v3?")).toBe(true);
	});

	it("writes a pos id beyond 2^53 from a bigint or digit string without rounding", async ({ expect }) => {
		for (const id of [9223372036854775807n, "9223372036854775807"]) {
			const req = await buildAdRequest({ secret: SECRET }, { ...seedAndroid, pos: { id, ad_count: 1 } });
			expect(req.params.pos).toBe('{"id":9223372036854775807,"ad_count":1}');
			expect(req.posId).toBe("9223372036854775807");
		}
	});

	it("writes the caller's key order out in the guide's table order", async ({ expect }) => {
		const shuffled = {
			...seedAndroid,
			media: { app_bundle_id: "com.test.android", app_id: "1104241296" },
		};
		const req = await buildAdRequest({ secret: SECRET }, shuffled);
		expect(req.params.media).toBe('{"app_id":"1104241296","app_bundle_id":"com.test.android"}');
	});

	it("joins last_ad_ids with commas and writes support_pkg in the chosen form", async ({ expect }) => {
		const input = {
			...seedAndroid,
			pos: { id: 1, ad_count: 3, last_ad_ids: ["11", "12"], support_pkg: ["com.a", "com.b"] },
		};
		const asArray = await buildAdRequest({ secret: SECRET }, input);
		expect(asArray.params.pos).toBe(
			'{"id":1,"ad_count":3,"last_ad_ids":"11,12","support_pkg":["com.a","com.b"]}',
		);
		const asString = await buildAdRequest({ secret: SECRET, supportPkgFormat: "string" }, input);
		expect(asString.params.pos).toBe(
			'{"id":1,"ad_count":3,"last_ad_ids":"11,12","support_pkg":"[\\"com.a\\",\\"com.b\\"]"}',
		);
	});

	it("uses xForwardedFor over network.ip, sends Referer, defaults time_stamp to now", async ({ expect }) => {
		const { timeStamp: _omit, ...rest } = seedAndroid;
		const before = Date.now();
		const req = await buildAdRequest(
			{ secret: SECRET },
			{ ...rest, xForwardedFor: "2001:db8:85a3:8d3:1319:8a2e:370:7348", referer: "http://www.qq.com" },
		);
		const ts = Number(req.params.time_stamp);
		expect(ts).toBeGreaterThanOrEqual(before);
		expect(ts).toBeLessThanOrEqual(Date.now());
		expect(req.headers["X-Forwarded-For"]).toBe("2001:db8:85a3:8d3:1319:8a2e:370:7348");
		expect(req.headers.Referer).toBe("http://www.qq.com");
	});

	it("writes the shared sign vector's texts and signs them with the vector's primitive", async ({
		expect,
	}) => {
		// The vector's objects are not all valid requests: its os_version "13" predates the guide's
		// two- or three-part rule, so the request is built with "13.0" and compared field by field.
		const v = dspbSign.cases[1];
		if (!v) throw new Error("no vector");
		expect(
			await signDspbRequest(v.secret, {
				device: v.device,
				media: v.media,
				network: v.network,
				pos: v.pos,
				time_stamp: v.time_stamp,
			}),
		).toBe(v.sign);
		const device = v.device.replace('"os_version":"13"', '"os_version":"13.0"');
		const input: DspbAdRequestInput = {
			pos: JSON.parse(v.pos),
			media: JSON.parse(v.media),
			device: JSON.parse(device),
			network: JSON.parse(v.network),
			timeStamp: Number(v.time_stamp),
		};
		const req = await buildAdRequest({ secret: v.secret }, input);
		expect(req.params.device).toBe(device);
		expect(req.params.pos).toBe(v.pos);
		expect(req.params.media).toBe(v.media);
		expect(req.params.network).toBe(v.network);
		expect(req.params.sign).toBe(
			await signDspbRequest(v.secret, { ...req.params, time_stamp: req.params.time_stamp }),
		);
		await expect(
			buildAdRequest({ secret: v.secret }, { ...input, device: JSON.parse(v.device) }),
		).rejects.toMatchObject({ field: "device.os_version" });
	});
});

describe("buildAdRequest: configuration errors", () => {
	const cases = [
		{ name: "empty secret", config: { secret: "" }, field: "secret", code: "MISSING_FIELD" },
		{
			name: "api_version 2.0",
			config: { secret: "s", apiVersion: "2.0" },
			field: "api_version",
			code: "INVALID_FIELD",
		},
		{
			name: "api_version junk",
			config: { secret: "s", apiVersion: "v3" },
			field: "api_version",
			code: "INVALID_FIELD",
		},
		{
			name: "endpoint not a URL",
			config: { secret: "s", endpoint: "mi.gdt" },
			field: "endpoint",
			code: "INVALID_FIELD",
		},
		{
			name: "endpoint ftp",
			config: { secret: "s", endpoint: "ftp://x/y" },
			field: "endpoint",
			code: "INVALID_FIELD",
		},
	];
	it.for(cases)("$name", async ({ config, field, code }, { expect }) => {
		const caught = await buildAdRequest(config, seedAndroid).catch((e: unknown) => e);
		expect(isDspbError(caught) && caught.code).toBe(code);
		expect(isDspbError(caught) && caught.field).toBe(field);
	});

	it("refuses an invalid request before signing, listing every issue", async ({ expect }) => {
		const bad = {
			...seedAndroid,
			pos: { id: 1, ad_count: 11 },
			network: { ...seedAndroid.network, ip: "300.1.1.1" },
		};
		const caught = await buildAdRequest({ secret: SECRET }, bad).catch((e: unknown) => e);
		expect(isDspbError(caught) && caught.field).toBe("pos.ad_count");
		expect(isDspbError(caught) && caught.issues.map((i) => i.field)).toEqual(["pos.ad_count", "network.ip"]);
		expect(isDspbError(caught) && caught.message).toContain("1 more issue");
	});
});
