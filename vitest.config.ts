import { defineConfig } from "vitest/config";

// Three tiers, one project each: `npm run test:unit` (in-process, no build needed), `test:e2e`
// (spawns the built CLI) and `test:phoenix` (against a real Phoenix server). `npm test` runs all three.
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
          include: ["test/unit/**/*.test.ts"],
          // Some load user files through tsx, which is slow to start on a busy machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
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
