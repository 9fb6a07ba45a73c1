/**
 * `@txad/rta-responder`: answers Tencent RTA requests (rta-wire.md, rta-http.md) from audience
 * records and a strategy config in Workers KV, with an admin API to manage both.
 * @module
 */
import { router } from "./router.ts";

export default {
	fetch: router.fetch,
} satisfies ExportedHandler<Env>;
