// The Node-side config (tsconfig.node.json) compiles the gateway's domain modules for the
// in-process part of the benchmark; they name the Worker's generated `Env` only in getSettings,
// which runs in the Worker. This stands in for it there, never in the Worker's own build.
type Env = Record<string, unknown>;
