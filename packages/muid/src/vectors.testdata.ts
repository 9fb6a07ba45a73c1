/**
 * Independently computed vectors from @txad/testdata (tooling/testdata/muid.json).
 * @module
 */
import muid from "@txad/testdata/muid.json";
import type { DeviceIdKind } from "./hash.ts";

export const muidCases = muid.cases as Array<{
	kind: DeviceIdKind;
	raw: string;
	normalized: string;
	md5: string;
	note: string;
}>;

/** Hashes of ids that identify no device, from the same file. */
export const doubtfulHashes = Object.entries(muid.doubtful).filter(([key]) => key.startsWith("md5_"));
