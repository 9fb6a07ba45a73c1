import { workerdTestConfig } from "@txad/vitest-config";

export default workerdTestConfig();
