import { workerdTestConfig } from "@txad/vitest-config";
import { mergeConfig } from "vitest/config";

// *.node.test.ts files start a node:http server, which workerd cannot do; they run in the Node pass only.
export default mergeConfig(workerdTestConfig(), {
	test: { exclude: ["src/**/*.node.test.ts", "**/node_modules/**"] },
});
