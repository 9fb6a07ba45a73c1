/**
 * `@txad/signing`: the signatures Tencent's advertising protocols require, on WebCrypto and
 * pure TS only, identical in Node and workerd.
 * @module
 */
export { timingSafeEqual } from "./constant-time.ts";
export {
	buildConversionSignString,
	CONVERSION_SIGN_FIELD_ORDER,
	type ConversionSignFields,
	computeConversionEncstr,
} from "./conversion-encstr.ts";
export { buildDspbRequestParam, type DspbSignParts, signDspbRequest, verifyDspbSign } from "./dspb-sign.ts";
export { bytesToHex, hexToBytes, toBytes } from "./encoding.ts";
export { isSigningError, SIGNING_ERROR_CODES, SigningError, type SigningErrorCode } from "./errors.ts";
export { hmacSha256, hmacSha256Hex, verifyHmacSha256Hex } from "./hmac.ts";
export { md5, md5Hex } from "./md5.ts";
