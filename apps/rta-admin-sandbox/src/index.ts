/**
 * `@txad/rta-admin-sandbox`: the RTA management API (docs/rta/management-api.md) simulated over D1,
 * so integrations can be tested without touching production (upstream sandbox mode is "not yet
 * supported"). Same URLs, bodies, rules and envelope; every answer says `sandbox: true`.
 * @module
 */
import { router } from "./router.ts";

export default { fetch: router.fetch } satisfies ExportedHandler<Env>;
