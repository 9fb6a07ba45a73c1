/**
 * Conversion report `encstr`, per docs/conversion/form-api.md §5.3–5.4: md5 (32 lower hex) of
 * `app_type=…&click_id=…&client_ip=…&conv_time=…&muid=…&sign_key=…`, in that order, with
 * empty values kept so the string always carries all six fields.
 * @module
 */
import { SigningError } from "./errors.ts";
import { md5Hex } from "./md5.ts";

/** The six fields conversion form API §5.4 signs. */
export interface ConversionSignFields {
	/** `IOS`, `ANDROID` or `UNIONANDROID`, exactly as it will be posted. */
	app_type: string;
	/** Matched click id; empty when no click matched. */
	click_id: string;
	/** The converting user's IP; may be empty. */
	client_ip: string;
	/** Conversion time in seconds since the epoch. */
	conv_time: string | number;
	/** Device muid (32 lower-case hex). */
	muid: string;
	/** The advertiser's sign_key from the conversion rule. */
	sign_key: string;
}

/** Conversion form API §5.4: "顺序需与示例保持一致". */
export const CONVERSION_SIGN_FIELD_ORDER = [
	"app_type",
	"click_id",
	"client_ip",
	"conv_time",
	"muid",
	"sign_key",
] as const;

function fail(field: string, message: string): never {
	throw new SigningError("INVALID_FIELD", message, { field });
}

/**
 * Builds the string conversion form API §5.4 hashes.
 * @param fields - the six fields
 * @returns the `a=…&b=…` string, empty fields kept
 * @throws SigningError `INVALID_FIELD` naming a missing or malformed field
 */
export function buildConversionSignString(fields: ConversionSignFields): string {
	if (typeof fields.app_type !== "string" || fields.app_type === "") fail("app_type", "app_type is required");
	if (typeof fields.click_id !== "string") fail("click_id", "click_id must be a string (may be empty)");
	if (typeof fields.client_ip !== "string") fail("client_ip", "client_ip must be a string (may be empty)");
	const convTime = String(fields.conv_time);
	// Conversion form API ret -14 (§6.4): conv_time must be present and in seconds (10 digits until 2286).
	if (!/^[1-9][0-9]{0,9}$/.test(convTime)) fail("conv_time", "conv_time must be a Unix time in seconds");
	if (typeof fields.muid !== "string" || fields.muid === "") fail("muid", "muid is required");
	if (typeof fields.sign_key !== "string" || fields.sign_key === "") fail("sign_key", "sign_key is required");
	return `app_type=${fields.app_type}&click_id=${fields.click_id}&client_ip=${fields.client_ip}&conv_time=${convTime}&muid=${fields.muid}&sign_key=${fields.sign_key}`;
}

/**
 * Computes the conversion report's `encstr`.
 * @param fields - the six signed fields
 * @returns 32 lower-case hex characters
 * @example computeConversionEncstr({ app_type: "ANDROID", click_id, client_ip: "", conv_time, muid, sign_key })
 */
export function computeConversionEncstr(fields: ConversionSignFields): string {
	return md5Hex(buildConversionSignString(fields));
}
