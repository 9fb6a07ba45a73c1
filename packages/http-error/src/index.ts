/**
 * `@txad/http-error`: moved into `@txad/worker-kit`. This re-export keeps the one Worker that
 * still imports it (apps/rta-responder) building until it switches; then this package goes.
 * @module
 * @deprecated Import from `@txad/worker-kit`.
 */
export {
	isJsonHttpErrorNamed,
	JsonHttpError,
	type JsonHttpErrorOptions,
	renderThrown,
} from "@txad/worker-kit";
