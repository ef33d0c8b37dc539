import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    exclude: ["test/fixtures/**", "node_modules/**"],
    // End-to-end tests spawn the CLI; two cores, so keep the pool small.
    maxWorkers: 2,
    env: { PHOENIX_DISCOVER_CONFIG: "false" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/fixtures/**", "test/phoenix/**", "test/parity/**", "node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // Against a real Phoenix server, started once by the globalSetup (only when these tests are selected).
          name: "phoenix",
          include: ["test/phoenix/**/*.test.ts"],
          globalSetup: ["test/phoenix/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // Against the Python evalwire's own evaluators, installed once into .cache/python-evalwire by the globalSetup (or .ci/run).
          name: "parity",
          include: ["test/parity/**/*.test.ts"],
          globalSetup: ["test/parity/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
