/**
 * The registry of upstream formats. A conversion stores its format's name at ingest, so the
 * consumer always delivers it the way it was accepted.
 *
 * Designed for, not yet implemented: `tencent-callback-v1`, Tencent's newer path where a
 * conversion is posted to the click's `__CALLBACK__` URL (stored in `clicks.callback`) with
 * access-token / timestamp / nonce headers (Marketing API user_actions). It would set
 * `needsClick: true`, read its token through `context.secret`, and be chosen at ingest when the
 * matched click carries a callback.
 * @module
 */
import { gdtFormV1 } from "./gdt-form.ts";
import type { UpstreamFormat } from "./types.ts";

/** Every format the consumer can deliver, by name. */
export const UPSTREAM_FORMATS: Readonly<Record<string, UpstreamFormat>> = {
	[gdtFormV1.name]: gdtFormV1,
};

/** The format new conversions use. */
export const DEFAULT_UPSTREAM = gdtFormV1.name;
