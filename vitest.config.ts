import { configDefaults, defineConfig } from "vitest/config";
import { ignoreExpectedWorkflowFailures } from "./test/workerd/expected-errors.ts";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts", "suites/**/*.test.ts"],
          // test/install packs and installs the package (~40 s): `npm run test:install`, run by .ci/run.
          // test/mutants runs every declared dispatcher through the CLI (minutes): `npm run test:mutants`, by .ci/run.
          // The oracle's mutation test runs the fuzz budget ~20 times: `npm run test:mutations`, run by .ci/run too.
          exclude: [
            ...configDefaults.exclude,
            "test/workerd/**",
            "test/install/**",
            "test/mutants/**",
            "test/simulation/oracle-mutations.test.ts",
          ],
          testTimeout: 30_000,
        },
      },
      // Tests inside workerd (@cloudflare/vitest-plugin): test/workerd/vitest.config.ts.
      "./test/workerd/vitest.config.ts",
    ],
    // Run-wide (vitest ignores it inside projects): drops only the workflow failures the in-workerd tests cause
    // on purpose, and only from test/workerd/ files.
    onUnhandledError: ignoreExpectedWorkflowFailures,
  },
});
