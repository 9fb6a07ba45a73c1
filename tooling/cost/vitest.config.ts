import { defineConfig } from "vitest/config";

export default defineConfig({ test: { name: "cost", environment: "node", include: ["src/**/*.test.ts"] } });
