/**
 * `@txad/http-error`: the JSON HTTP error shared by the txad Worker APIs.
 * @module
 */
export {
	isJsonHttpErrorNamed,
	JsonHttpError,
	type JsonHttpErrorOptions,
	renderThrown,
} from "./http-error.ts";
