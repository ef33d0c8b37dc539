import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/fixtures/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn the CLI; two cores, so keep the pool small.
    maxWorkers: 2,
    env: { PHOENIX_DISCOVER_CONFIG: "false" },
  },
});
