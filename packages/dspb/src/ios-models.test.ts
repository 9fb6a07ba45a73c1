import { describe, it } from "vitest";
import { IOS_DEVICE_MODELS, mapIosDeviceModel } from "./ios-models.ts";
import { SECRET, seedIos } from "./request.testdata.ts";
import { buildAdRequest } from "./request.ts";

/**
 * docs/dspb/protocol.md 附录 ios设备型号取值列表, transcribed row by row as the guide prints it (three
 * raw → model pairs per row, the last rows shorter), independently of ios-models.ts's flat list.
 */
const PRINTED_ROWS: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [
	[
		["iPhone1,1", "iPhone 1"],
		["iPad1,1", "iPad"],
		["iPod1,1", "iPod Touch 1"],
	],
	[
		["iPhone1,2", "iPhone 3G"],
		["iPad2,1", "iPad 2"],
		["iPad4,7", "iPad Mini 3"],
	],
	[
		["iPhone2,1", "iPhone 3GS"],
		["iPad2,2", "iPad 2"],
		["iPad4,8", "iPadMini 3"],
	],
	[
		["iPhone3,1", "iPhone 4"],
		["iPad2,3", "iPad 2"],
		["iPad4,9", "iPad Mini 3"],
	],
	[
		["iPhone3,2", "iPhone 4"],
		["iPad2,4", "iPad 2"],
		["iPad5,1", "iPad Mini 4"],
	],
	[
		["iPhone3,3", "iPhone 4"],
		["iPad3,1", "iPad 3"],
		["iPad5,2", "iPad Mini 4"],
	],
	[
		["iPhone4,1", "iPhone 4S"],
		["iPad3,2", "iPad 3"],
		["iPad5,3", "iPad Air 2"],
	],
	[
		["iPhone5,1", "iPhone 5"],
		["iPad3,3", "iPad 3"],
		["iPad5,4", "iPad Air 2"],
	],
	[
		["iPhone5,2", "iPhone 5"],
		["iPad3,4", "iPad 4"],
		["iPod2,1", "iPod Touch 2"],
	],
	[
		["iPhone5,3", "iPhone 5c"],
		["iPad3,5", "iPad 4"],
		["iPod3,1", "iPod Touch 3"],
	],
	[
		["iPhone5,4", "iPhone 5c"],
		["iPad3,6", "iPad 4"],
		["iPod4,1", "iPod Touch 4"],
	],
	[
		["iPhone6,1", "iPhone 5s"],
		["iPad2,5", "iPad Mini"],
		["iPod5,1", "iPod Touch 5"],
	],
	[
		["iPhone6,2", "iPhone 5s"],
		["iPad2,6", "iPad Mini"],
		["iPod6,1", "iPod Touch 6"],
	],
	[
		["iPhone7,1", "iPhone 6 Plus"],
		["iPad2,7", "iPad Mini"],
		["i386", "32-bit Simulator"],
	],
	[
		["iPhone7,2", "iPhone 6"],
		["iPad4,1", "iPad Air"],
		["x86_64", "64-bit Simulator"],
	],
	[
		["iPhone8,1", "iPhone 6s"],
		["iPad4,2", "iPad Air"],
	],
	[
		["iPhone8,2", "iPhone 6s Plus"],
		["iPad4,3", "iPad Air"],
	],
	[
		["iPhone8,4", "iPhone SE"],
		["iPad4,4", "iPad Mini 2"],
	],
	[
		["iPhone9,3", "iPhone 7"],
		["iPad4,5", "iPad Mini 2"],
	],
	[
		["iPhone9,4", "iPhone 7 Plus"],
		["iPad4,6", "iPad Mini 2"],
	],
];

describe("IOS_DEVICE_MODELS: docs/dspb/protocol.md 附录 ios设备型号取值列表", () => {
	const printed = PRINTED_ROWS.flat();

	it("holds all 55 rows of the guide, no more", ({ expect }) => {
		expect(printed).toHaveLength(55);
		expect(Object.keys(IOS_DEVICE_MODELS)).toHaveLength(55);
		expect(Object.fromEntries(printed)).toEqual(IOS_DEVICE_MODELS);
	});

	it.for(printed)("%s → %s", ([raw, model], { expect }) => {
		expect(mapIosDeviceModel(raw)).toBe(model);
	});

	it("passes through a value the table does not list", ({ expect }) => {
		expect(mapIosDeviceModel("iPhone14,2")).toBe("iPhone14,2");
		expect(mapIosDeviceModel("iPhone 5s")).toBe("iPhone 5s");
		expect(mapIosDeviceModel("unknown")).toBe("unknown");
	});

	it("is not fooled by inherited keys", ({ expect }) => {
		expect(mapIosDeviceModel("toString")).toBe("toString");
		expect(mapIosDeviceModel("__proto__")).toBe("__proto__");
	});
});

describe("buildAdRequest maps the iOS model before signing", () => {
	it("sends iPhone6,1 as iPhone 5s and signs that text", async ({ expect }) => {
		const raw = { ...seedIos, device: { ...seedIos.device, model: "iPhone6,1" } };
		const mapped = await buildAdRequest({ secret: SECRET }, raw);
		const direct = await buildAdRequest({ secret: SECRET }, seedIos);
		expect(JSON.parse(mapped.params.device).model).toBe("iPhone 5s");
		expect(mapped.params).toEqual(direct.params);
		expect(mapped.url).toBe(direct.url);
	});

	it("keeps hardware_machine raw (the guide's example is iPhone10,3)", async ({ expect }) => {
		const input = {
			...seedIos,
			device: { ...seedIos.device, model: "iPhone7,2", hardware_machine: "iPhone7,2" },
		};
		const device = JSON.parse((await buildAdRequest({ secret: SECRET }, input)).params.device);
		expect(device.model).toBe("iPhone 6");
		expect(device.hardware_machine).toBe("iPhone7,2");
	});

	it("leaves Android models alone", async ({ expect }) => {
		const { seedAndroid } = await import("./request.testdata.ts");
		const input = { ...seedAndroid, device: { ...seedAndroid.device, model: "iPhone6,1" } };
		const device = JSON.parse((await buildAdRequest({ secret: SECRET }, input)).params.device);
		expect(device.model).toBe("iPhone6,1");
	});
});
