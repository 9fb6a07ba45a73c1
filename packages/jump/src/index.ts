/**
 * `@txad/jump`: what a tap on a 优量汇 DSP-B ad does (docs/dspb/protocol.md 附录 广告点击交互处理流程), as pure
 * decision functions: ordered actions with fallbacks, the install-relation filter, and which
 * conversion_event URL to report when.
 * @module
 */
export {
	adCategory,
	type ConversionMoment,
	type ConversionReport,
	conversionUrls,
	type DeeplinkObservation,
	type DeeplinkSuccessRule,
	type DownloadConfirmation,
	decideJump,
	deeplinkOutcome,
	isDeeplinkStep,
	type JumpAction,
	type JumpPlan,
	type JumpStep,
	type SkippedField,
	type SkipReason,
} from "./decide.ts";
export { isJumpError, JumpError, type JumpErrorCode } from "./errors.ts";
export { filterByInstallRelation, type InstallFilterDecision } from "./install.ts";
export {
	type AdCategory,
	ANDROID_DEEPLINK_CHECK_DELAY_MS,
	JUMP_PRIORITY,
	type JumpField,
	URL_AVAILABILITY,
	WECHAT_OPENSDK_MIN_SDK_INT,
	WECHAT_OPENSDK_MIN_VERSION,
} from "./tables.ts";
export type { ConversionEventKey, HostCapabilities, JumpAd } from "./types.ts";
export { checkWechatPrerequisites, compareVersions, type WechatPrerequisiteFailure } from "./wechat.ts";
