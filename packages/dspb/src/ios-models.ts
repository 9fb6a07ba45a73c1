/**
 * The iOS device-model table of docs/dspb/protocol.md "附录 ios设备型号取值列表": for some early iOS
 * devices `device.model` must carry the display name, not the raw machine value the system
 * returns (`iPhone6,1` → `iPhone 5s`). {@link buildAdRequest} applies it to every iOS request.
 * @module
 */

/**
 * Raw system value → the model to send, all 55 rows in the guide's published order (its three
 * column pairs one after the other). `iPad4,8` → "iPadMini 3" (no space) is as published.
 */
export const IOS_DEVICE_MODELS: Readonly<Record<string, string>> = Object.freeze({
	"iPhone1,1": "iPhone 1",
	"iPhone1,2": "iPhone 3G",
	"iPhone2,1": "iPhone 3GS",
	"iPhone3,1": "iPhone 4",
	"iPhone3,2": "iPhone 4",
	"iPhone3,3": "iPhone 4",
	"iPhone4,1": "iPhone 4S",
	"iPhone5,1": "iPhone 5",
	"iPhone5,2": "iPhone 5",
	"iPhone5,3": "iPhone 5c",
	"iPhone5,4": "iPhone 5c",
	"iPhone6,1": "iPhone 5s",
	"iPhone6,2": "iPhone 5s",
	"iPhone7,1": "iPhone 6 Plus",
	"iPhone7,2": "iPhone 6",
	"iPhone8,1": "iPhone 6s",
	"iPhone8,2": "iPhone 6s Plus",
	"iPhone8,4": "iPhone SE",
	"iPhone9,3": "iPhone 7",
	"iPhone9,4": "iPhone 7 Plus",
	"iPad1,1": "iPad",
	"iPad2,1": "iPad 2",
	"iPad2,2": "iPad 2",
	"iPad2,3": "iPad 2",
	"iPad2,4": "iPad 2",
	"iPad3,1": "iPad 3",
	"iPad3,2": "iPad 3",
	"iPad3,3": "iPad 3",
	"iPad3,4": "iPad 4",
	"iPad3,5": "iPad 4",
	"iPad3,6": "iPad 4",
	"iPad2,5": "iPad Mini",
	"iPad2,6": "iPad Mini",
	"iPad2,7": "iPad Mini",
	"iPad4,1": "iPad Air",
	"iPad4,2": "iPad Air",
	"iPad4,3": "iPad Air",
	"iPad4,4": "iPad Mini 2",
	"iPad4,5": "iPad Mini 2",
	"iPad4,6": "iPad Mini 2",
	"iPod1,1": "iPod Touch 1",
	"iPad4,7": "iPad Mini 3",
	"iPad4,8": "iPadMini 3",
	"iPad4,9": "iPad Mini 3",
	"iPad5,1": "iPad Mini 4",
	"iPad5,2": "iPad Mini 4",
	"iPad5,3": "iPad Air 2",
	"iPad5,4": "iPad Air 2",
	"iPod2,1": "iPod Touch 2",
	"iPod3,1": "iPod Touch 3",
	"iPod4,1": "iPod Touch 4",
	"iPod5,1": "iPod Touch 5",
	"iPod6,1": "iPod Touch 6",
	i386: "32-bit Simulator",
	x86_64: "64-bit Simulator",
});

/**
 * The `device.model` to send for an iOS system value: the table's name for the raw values it
 * lists, anything else unchanged (later devices are sent as the system reports them).
 * @param model - what the system returned (e.g. `utsname.machine`), or an already mapped name
 * @returns the value for `device.model`
 * @example mapIosDeviceModel("iPhone6,1") // "iPhone 5s"; mapIosDeviceModel("iPhone14,2") // "iPhone14,2"
 */
export function mapIosDeviceModel(model: string): string {
	return Object.hasOwn(IOS_DEVICE_MODELS, model) ? (IOS_DEVICE_MODELS[model] as string) : model;
}
