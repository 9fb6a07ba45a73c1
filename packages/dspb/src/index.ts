/**
 * `@txad/dspb`: server-to-server ads from 优量汇 DSP-B (docs/dspb/protocol.md) for publishers: typed,
 * validated, signed requests; response parsing; report-URL macros; auction price encryption.
 * Pure TS and WebCrypto, identical in Node and workerd.
 * @module
 */
export {
	DspbError,
	type DspbErrorCode,
	type DspbErrorDetail,
	type DspbIssue,
	isDspbError,
} from "./errors.ts";
export {
	DSPB_AD_REQUEST_TIMEOUT_MS,
	type DspbExchangeKind,
	expectedStatus,
	type FetchAdsOptions,
	type FetchAdsResult,
	type FetchLike,
	fetchAds,
	shouldRetry,
} from "./fetch.ts";
export { isIpAddress } from "./fields.ts";
export { IOS_DEVICE_MODELS, mapIosDeviceModel } from "./ios-models.ts";
export {
	type Acceleration,
	AUCTION_LOSS_REASONS,
	AUCTION_SEAT_IDS,
	type AuctionLossReason,
	type AuctionSeatId,
	type ClickCommon,
	type ClickMacroInput,
	type ClickPoint,
	fillClickLink,
	fillLossNoticeUrl,
	fillVideoViewLink,
	fillWinNoticeUrl,
	findUnfilledMacros,
	type LossNoticeInput,
	type TouchSld,
	type TurnAngles,
	UNKNOWN_COORDINATE,
	type VideoViewMacroInput,
} from "./macros.ts";
export {
	buildAdRequest,
	DSPB_API_VERSION,
	DSPB_ENDPOINT,
	type DspbAdRequest,
	type DspbAdRequestInput,
	type DspbClientConfig,
	type DspbRequestParams,
} from "./request.ts";
export {
	CONVERSION_EVENT_KEYS,
	type ConversionEventKey,
	type DspbAd,
	type DspbConversionEvent,
	parseAdResponse,
} from "./response.ts";
export { DSPB_RET_CODES, describeRet, RET_NO_AD } from "./ret-codes.ts";
export {
	type AuctionPriceEncryptor,
	type AuctionPricePadding,
	bytesToBase64,
	createAuctionPriceEncryptor,
	parseRsaPublicKey,
	type RsaPublicKey,
	rsaPkcs1v15Encrypt,
} from "./rsa.ts";
export type {
	DspbAndroidDevice,
	DspbCarrier,
	DspbConnectType,
	DspbDevice,
	DspbDeviceType,
	DspbGeo,
	DspbIosDevice,
	DspbMedia,
	DspbNetwork,
	DspbPos,
	Int64,
} from "./types.ts";
export { type DspbValidationOptions, validateAdRequest } from "./validate.ts";
