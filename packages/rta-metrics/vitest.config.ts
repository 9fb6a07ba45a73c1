import { nodeTestConfig } from "@txad/vitest-config";

export default nodeTestConfig();
