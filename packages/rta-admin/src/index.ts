/**
 * `@txad/rta-admin`: a typed client for the RTA management API (docs/rta/management-api.md), plus
 * the glue that turns the registered header signature into the RTA responder's RTA_SIGN_HEADERS
 * secret.
 * @module
 */
export { encodeApiJson, parseApiJson, stringifyApiJson, toApiJsonValue } from "./api-json.ts";
export {
	type AllRecords,
	assertBindComplete,
	type BindInput,
	type BindKeyInput,
	type BindWriteResult,
	type CallOptions,
	createRtaAdminClient,
	type FetchLike,
	type GetAllOptions,
	type PageInput,
	type RtaAdminAck,
	type RtaAdminClient,
	type RtaAdminClientOptions,
	type RtaAdminResult,
	type TargetInput,
} from "./client.ts";
export {
	invalidArgument,
	isRtaAdminError,
	RtaAdminError,
	type RtaAdminErrorCode,
	type RtaAdminErrorDetails,
} from "./errors.ts";
export { buildSignHeadersSecret, fetchSignHeadersSecret, type SignHeaders } from "./sign-headers.ts";
export {
	bindTypeProblem,
	DEFAULT_PAGE_SIZE,
	type Int64Input,
	isHeaderValue,
	isHttpToken,
	KNOWN_BIND_TYPES,
	type ListProblem,
	MAX_BIND_RECORDS,
	MAX_INT32,
	MAX_INT64,
	MAX_PAGE_SIZE,
	MAX_SIGN_VALUE_LENGTH,
	MAX_SIGNS,
	MAX_TARGET_DELETE,
	MAX_TARGET_DESC_LENGTH,
	MAX_TARGET_ID_LENGTH,
	pageProblem,
	parseInt64,
	RESERVED_SIGN_KEYS,
	signsProblem,
	targetDescProblem,
	targetIdProblem,
} from "./validate.ts";
