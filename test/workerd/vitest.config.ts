/**
 * The in-workerd project: tests run inside workerd through @cloudflare/vitest-plugin (the renamed successor of the
 * deprecated @cloudflare/vitest-pool-workers), against the reference dispatcher configured in wrangler.jsonc.
 * Registered in the root vitest.config.ts (`npx vitest run --project workerd-plugin`); also runs standalone with
 * `npx vitest run --config test/workerd/vitest.config.ts`.
 */
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { ignoreExpectedWorkflowFailures } from "./expected-errors.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Vite's cache goes under the repository's node_modules, not test/workerd/node_modules.
  cacheDir: here("../../node_modules/.vite/workerd-plugin"),
  plugins: [cloudflareTest({ wrangler: { configPath: here("./wrangler.jsonc") } })],
  test: {
    name: "workerd-plugin",
    root: here("."),
    include: ["*.test.ts"],
    testTimeout: 30_000,
    // Only effective when this file is the root config (standalone run); see expected-errors.ts.
    onUnhandledError: ignoreExpectedWorkflowFailures,
  },
});
