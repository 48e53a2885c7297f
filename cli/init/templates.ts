/**
 * What `dwc init` writes, all in this one file so the templates grow in one place (the subject description of
 * issue 14 adds `wrangler` and `adapter` keys to the config: they go in `configTemplate`, and the adapter stub's
 * placeholder becomes real here). Pure functions of what init found in the project: no file access.
 */
import { KNOWN_SUITES } from "../config/load-config.ts";

export interface ProjectFacts {
  /** The dispatcher's entry relative to the project (`./src/index.ts`), from the wrangler config's `main`. */
  dispatcher?: string;
  /** The wrangler config file name (`wrangler.jsonc`), when there is one. */
  wranglerFile?: string;
  /** The dispatcher does not speak the reference contract (a `TENANTS` service, an `x-tenant-id` header). */
  needsAdapter: boolean;
  /** miniflare is installed or declared: the workerd target can run in CI. */
  hasMiniflare: boolean;
}

export const CONFIG_FILE = "dwc.config.json";
export const ADAPTER_FILE = "dwc.adapter.mjs";
export const WORKFLOW_FILE = ".github/workflows/dwc.yml";

/** Fuzz shards in the CI matrix, and scenarios over all of them (each shard runs runs/shards). */
export const CI_FUZZ_SHARDS = 4;
export const CI_FUZZ_RUNS = 2000;

export function targetsFor(facts: ProjectFacts): string[] {
  return ["emulator-production", "emulator-local", ...(facts.hasMiniflare ? ["workerd"] : [])];
}

/** dwc.config.json: JSONC, every field commented; the values are the defaults except the dispatcher and targets. */
export function configTemplate(facts: ProjectFacts): string {
  const dispatcher = facts.dispatcher
    ? `  "dispatcher": ${JSON.stringify(facts.dispatcher)},`
    : `  // No wrangler config with a "main" was found: point this at your dispatcher's entry file.\n  // "dispatcher": "./src/index.ts",`;
  const adapter = facts.needsAdapter
    ? [
        "",
        `  // Your dispatcher does not read tenant code from a TENANTS service or route by an x-tenant-id header`,
        `  // (the reference contract, docs/subject-contract.md). ${ADAPTER_FILE} is a placeholder for the adapter`,
        `  // that tells the harness how to address and deploy a tenant; its config key is not read yet.`,
        `  // "adapter": "./${ADAPTER_FILE}",`,
      ]
    : [];
  return [
    `// dwc (dynamic-workflows-conformance) settings. Written by \`npx dwc init\`; comments are allowed here.`,
    `// Command-line flags override these. Every field: docs/configuration.md in the package.`,
    `{`,
    `  // The dispatcher under test: the Worker that loads each tenant's code through the Worker Loader.${facts.wranglerFile ? `\n  // Found as "main" in ${facts.wranglerFile}.` : ""}`,
    dispatcher,
    ...(facts.wranglerFile ? [`  // "wrangler": ${JSON.stringify(`./${facts.wranglerFile}`)},`] : []),
    ...adapter,
    "",
    `  // Where the cases run: the emulator's two profiles (production hibernates on every wait; local is the`,
    `  // engine \`wrangler dev\` runs)${facts.hasMiniflare ? ", and local workerd (miniflare)" : `; add "workerd" after \`npm install -D miniflare\``}.`,
    `  "targets": [${targetsFor(facts)
      .map((t) => JSON.stringify(t))
      .join(", ")}],`,
    "",
    `  // The conformance suites (all of them by default).`,
    `  // "suites": [${KNOWN_SUITES.map((s) => JSON.stringify(s)).join(", ")}],`,
    "",
    `  // dwc fuzz: scenarios per run and the emulator profile ("production", "local" or "both").`,
    `  "fuzz": { "runs": 1000, "profile": "production" },`,
    "",
    `  // A case still running after this long fails instead of hanging CI.`,
    `  "budget": { "caseTimeoutSeconds": 120 },`,
    "",
    `  // dwc explore: your tenants' own workflows under every crash, eviction, hibernation and redeploy (docs/explore.md).`,
    `  // "explore": { "workflows": [{ "name": "orders", "tenant": "acme", "code": "./tenants/orders", "className": "OrderWorkflow",`,
    `  //   "inputs": [{ "name": "default", "params": {}, "events": [{ "type": "approval", "payload": {}, "at": "1 hour" }] }] }] },`,
    "",
    `  // index.html, results.json, junit.xml (dwc run), fuzz-results.json (dwc fuzz) and explore.html (dwc explore) go here.`,
    `  "reports": { "dir": "reports" }`,
    `}`,
    "",
  ].join("\n");
}

/** The adapter stub: a commented placeholder until the harness reads adapters (issue 14). */
export function adapterTemplate(facts: ProjectFacts): string {
  return [
    `// Placeholder written by \`npx dwc init\`: your dispatcher${facts.dispatcher ? ` (${facts.dispatcher})` : ""} does not seem to follow`,
    `// the reference contract, so the harness will need to be told how to reach a tenant through it.`,
    `//`,
    `// The reference contract (docs/subject-contract.md in the package): the dispatcher routes a request to the`,
    `// tenant named by its x-tenant-id header, and fetches the tenant's code from the TENANTS service binding`,
    `// (GET https://tenants/<tenantId> → { codeVersion, compatibilityDate, mainModule, modules }).`,
    `//`,
    `// If yours differs, this is where the difference will be described: how a tenant is addressed (a header, a`,
    `// path prefix, a hostname) and where its code is deployed (a service binding, a KV namespace, an R2 bucket).`,
    `// The harness does not read this file yet; until it does, wrap your dispatcher so it accepts the reference`,
    `// contract, and point "dispatcher" in ${CONFIG_FILE} at the wrapper.`,
    `//`,
    `// export default {`,
    `//   tenant: { kind: "header", name: "x-tenant-id" },`,
    `//   deploy: { kind: "service", binding: "TENANTS" },`,
    `// };`,
    "",
  ].join("\n");
}

/**
 * The GitHub Actions workflow: one conformance job per target and one fuzz job per shard (the matrix is the
 * distributed engine), each uploading its reports; a last job merges every artifact with `dwc report --from` into
 * one report and one verdict. All fuzz shards share one seed (the run number), so together they are one run.
 */
export function workflowTemplate(facts: ProjectFacts): string {
  const shards = Array.from({ length: CI_FUZZ_SHARDS }, (_, i) => i + 1).join(", ");
  const setup = `      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci`;
  return `# Written by \`npx dwc init\` (dynamic-workflows-conformance): the conformance suites per target and sharded fuzzing
# as separate jobs, merged into one report with one verdict. Edit freely; \`npx dwc init --force\` rewrites it.
name: dwc

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

jobs:
  conformance:
    name: conformance (\${{ matrix.target }})
    runs-on: ubuntu-latest
    timeout-minutes: 30
    strategy:
      fail-fast: false
      matrix:
        target: [${targetsFor(facts).join(", ")}]
    steps:
${setup}
      - run: npx dwc run --target \${{ matrix.target }} --reports reports/conformance-\${{ matrix.target }}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: dwc-conformance-\${{ matrix.target }}
          path: reports/conformance-\${{ matrix.target }}
          if-no-files-found: error

  fuzz:
    name: fuzz (shard \${{ matrix.shard }}/${CI_FUZZ_SHARDS})
    runs-on: ubuntu-latest
    timeout-minutes: 30
    strategy:
      fail-fast: false
      matrix:
        shard: [${shards}]
    steps:
${setup}
      # The same seed on every shard: the ${CI_FUZZ_SHARDS} shards together are exactly one run of ${CI_FUZZ_RUNS} scenarios.
      - run: npx dwc fuzz --runs ${CI_FUZZ_RUNS} --seed \${{ github.run_number }} --shard \${{ matrix.shard }}/${CI_FUZZ_SHARDS} --reports reports/fuzz-\${{ matrix.shard }}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: dwc-fuzz-\${{ matrix.shard }}
          path: reports/fuzz-\${{ matrix.shard }}
          if-no-files-found: error

  report:
    name: report (one verdict)
    needs: [conformance, fuzz]
    if: always()
    runs-on: ubuntu-latest
    steps:
${setup}
      - uses: actions/download-artifact@v4
        with:
          pattern: dwc-*
          path: artifacts
      # Every results.json and fuzz-results.json under artifacts/, merged; exit 1 if any part failed.
      - run: npx dwc report --from artifacts --out reports/merged
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: dwc-report
          path: reports/merged
`;
}
