import { CacheDeviceIdType, DeviceIdTag, decodeRtaRequest, OperatingSystem } from "@txad/proto";
import { describe, it } from "vitest";
import { createRequestGenerator, requestForDevice } from "./request-generator.ts";

describe("createRequestGenerator", () => {
	it("is reproducible from its seed", ({ expect }) => {
		const a = createRequestGenerator({ seed: 7 });
		const b = createRequestGenerator({ seed: 7 });
		const c = createRequestGenerator({ seed: 8 });
		const first = Array.from({ length: 50 }, () => a.next().bytes);
		expect(Array.from({ length: 50 }, () => b.next().bytes)).toEqual(first);
		expect(Array.from({ length: 50 }, () => c.next().bytes)).not.toEqual(first);
	});

	it("produces the realistic mix it promises, as valid wire bytes", ({ expect }) => {
		const gen = createRequestGenerator({ seed: 1 });
		const n = 20_000;
		const stats = {
			ping: 0,
			test: 0,
			ios: 0,
			android: 0,
			doubtful: 0,
			exps: new Set<number>(),
			caid: 0,
			oaid: 0,
			imei: 0,
			nil: 0,
		};
		const ids = new Set<string>();
		for (let i = 0; i < n; i++) {
			const { bytes, id, ping } = gen.next();
			const req = decodeRtaRequest(bytes);
			expect(req.id).toBe(id);
			ids.add(id);
			if (ping) {
				stats.ping++;
				expect(req.isPing).toBe(true);
				continue;
			}
			const d = req.device;
			if (d === undefined) throw new Error("no device");
			if (req.isTest) stats.test++;
			if (d.os === OperatingSystem.OS_IOS) stats.ios++;
			else stats.android++;
			if (d.doubtfulIdsList.length > 0) stats.doubtful++;
			if (d.qaidInfos.length > 0) stats.caid++;
			if (d.oaidMd5sum !== "") stats.oaid++;
			if (d.imeiMd5sum !== "" && !d.doubtfulIdsList.includes(DeviceIdTag.IMEI_MD5_DOUBTFUL)) stats.imei++;
			if (d.cachedDeviceidType === CacheDeviceIdType.NIL) stats.nil++;
			stats.exps.add(req.exps.length);
			for (const hash of [d.idfaMd5sum, d.imeiMd5sum, d.oaidMd5sum, d.androidIdMd5sum]) {
				if (hash !== "") expect(hash).toMatch(/^[0-9a-f]{32}$/);
			}
			// Doubtful ids are never the cache key.
			if (d.doubtfulIdsList.includes(DeviceIdTag.IDFA_MD5_DOUBTFUL))
				expect(d.cachedDeviceidType).not.toBe(CacheDeviceIdType.IDFA_MD5);
			if (d.doubtfulIdsList.includes(DeviceIdTag.IMEI_MD5_DOUBTFUL))
				expect(d.cachedDeviceidType).not.toBe(CacheDeviceIdType.IMEI_MD5);
		}
		expect(ids.size).toBe(n);
		expect(stats.ping / n).toBeGreaterThan(0.005);
		expect(stats.ping / n).toBeLessThan(0.02);
		expect(stats.test / n).toBeGreaterThan(0.01);
		expect(stats.doubtful / n).toBeGreaterThan(0.03);
		expect(stats.ios / (stats.ios + stats.android)).toBeGreaterThan(0.25);
		expect(stats.ios / (stats.ios + stats.android)).toBeLessThan(0.45);
		expect([...stats.exps].sort()).toEqual([0, 1, 2, 3]);
		expect(stats.caid).toBeGreaterThan(0);
		expect(stats.oaid).toBeGreaterThan(0);
		expect(stats.imei).toBeGreaterThan(0);
	});

	it("mixes in known ids at the asked rate", ({ expect }) => {
		const hash = "b496ec1169770ea274a2b4f42ca4fb71";
		const gen = createRequestGenerator({
			seed: 3,
			known: [{ kind: "imei", hash, hashed: true }],
			knownRate: 0.5,
			pingRate: 0,
		});
		let hits = 0;
		for (let i = 0; i < 2000; i++) if (decodeRtaRequest(gen.next().bytes).device?.imeiMd5sum === hash) hits++;
		expect(hits / 2000).toBeGreaterThan(0.45);
		expect(hits / 2000).toBeLessThan(0.55);
	});
});

describe("requestForDevice", () => {
	it.for([
		["imei", "imeiMd5sum", OperatingSystem.OS_ANDROID, CacheDeviceIdType.IMEI_MD5],
		["oaid", "oaidMd5sum", OperatingSystem.OS_ANDROID, CacheDeviceIdType.OAID_MD5],
		["android_id", "androidIdMd5sum", OperatingSystem.OS_ANDROID, CacheDeviceIdType.ANDROIDID_MD5],
		["idfa", "idfaMd5sum", OperatingSystem.OS_IOS, CacheDeviceIdType.IDFA_MD5],
	] as const)("puts a %s hash in %s", ([kind, field, os, cached], { expect }) => {
		const hash = "c255f553281332cae783606cdf6e23a6";
		const req = requestForDevice({ kind, hash, hashed: true }, "r1", true);
		expect(req.device?.[field]).toBe(hash);
		expect(req.device?.os).toBe(os);
		expect(req.device?.cachedDeviceidType).toBe(cached);
		expect(req.isTest).toBe(true);
	});

	it("puts a CAID hash in qaid_infos", ({ expect }) => {
		const req = requestForDevice(
			{ kind: "caid", hash: "c255f553281332cae783606cdf6e23a6", hashed: true },
			"r2",
			false,
		);
		expect(req.device?.qaidInfos[0]?.qaidMd5sum).toBe("c255f553281332cae783606cdf6e23a6");
		expect(req.device?.cachedDeviceidType).toBe(CacheDeviceIdType.QAID);
	});
});
