/**
 * The import rule of this project (docs/architecture.md "Layers"): imports point down only.
 *
 *   cli                         — wires everything: commands, configuration, report rendering
 *   simulation, differential    — the scenario runner and fuzzer; the emulator-vs-workerd comparison
 *   targets, suites             — emulator / workerd / remote targets; conformance cases and property models
 *   contract                    — Target, capabilities, cases, the tenant registry (emulator *surface* only)
 *   emulator                    — the leaf: engine, loader, runtime, clock, faults
 *   harness-api                 — beside the layers: Worker code a user deploys (withHarnessApi, the probe tenants
 *                                 worker); imports nothing of the project but the probe tenant's source
 *
 * `npm test` runs this check first (`npm run check:layers`); a forbidden edge fails it with the rule's name.
 * Above the emulator, only targets/ (which run it) reach past the contract, and only through emulator/index.ts.
 */
const LAYERS = ["emulator", "contract", "targets", "suites", "simulation", "differential", "cli"];
const above = (layer) => LAYERS.slice(LAYERS.indexOf(layer) + 1);
const folders = (names) => `^(${names.join("|")})/`;

/** `from` may import nothing in `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: "error", from, to });

module.exports = {
  forbidden: [
    forbid(
      "no-circular",
      "An import cycle: the files in it cannot be understood (or tested) one at a time.",
      {},
      { circular: true },
    ),
    forbid(
      "emulator-is-the-leaf",
      "emulator/ is the bottom layer: it may import nothing of this project outside itself.",
      { path: "^emulator/" },
      { path: "^[^/]+/", pathNot: ["^emulator/", "node_modules"] },
    ),
    forbid(
      "harness-api-is-worker-code",
      "harness-api/ runs inside the user's deployed Worker (the package's ./harness-api): it may import nothing of the project outside itself but the probe tenant's source, which it serves as text.",
      { path: "^harness-api/" },
      { path: "^[^/]+/", pathNot: ["^harness-api/", "^fixtures/tenants/probe-tenant\\.js$", "node_modules"] },
    ),
    forbid(
      "emulator-through-its-surface",
      "Outside emulator/ (and its own tests), the emulator is reached only through emulator/index.ts — its public surface. White-box access is emulator/testing.ts, for test/ and bench/.",
      { path: folders(LAYERS.slice(1)) },
      { path: "^emulator/", pathNot: "^emulator/index\\.ts$" },
    ),
    forbid(
      "contract-depends-on-the-emulator-surface-only",
      "contract/ is what every other layer agrees on: it may import only itself and emulator/index.ts.",
      { path: "^contract/" },
      { path: folders(above("contract")) },
    ),
    forbid(
      "suites-use-the-contract",
      "Suites are written once against the contract: never against a target, the emulator, or the runners above them.",
      { path: "^suites/" },
      { path: folders(["emulator", "targets", "simulation", "differential", "cli"]) },
    ),
    forbid(
      "targets-do-not-know-the-suites",
      "Targets implement the contract; they know no case, runner or command.",
      { path: "^targets/" },
      { path: folders(["suites", "simulation", "differential", "cli"]) },
    ),
    forbid(
      "simulation-below-differential-and-cli",
      "The scenario runner and fuzzer run over the Target interface: they may use contract, suites and targets, not the emulator directly, the comparison or the CLI.",
      { path: "^simulation/" },
      { path: folders(["emulator", "differential", "cli"]) },
    ),
    forbid(
      "differential-below-cli",
      "The comparison may use contract, suites, targets and simulation, not the emulator directly or the CLI.",
      { path: "^differential/" },
      { path: folders(["emulator", "cli"]) },
    ),
    forbid(
      "layers-do-not-import-tests-benchmarks-or-subjects",
      "Code under test (fixtures/) is referenced by path, never imported; tests, benchmarks and examples sit outside the layers.",
      { path: folders(LAYERS) },
      { path: "^(test|bench|examples|fixtures)/" },
    ),
    forbid(
      "emulator-internals-only-in-its-tests",
      "Only the emulator's own tests (test/emulator/, test/support/) and benchmarks reach its internals; everything else uses emulator/index.ts (and introspection/index.ts, the package's ./introspection).",
      { path: "^(test|examples)/", pathNot: "^test/(emulator|support)/" },
      { path: "^emulator/", pathNot: "^emulator/(index|testing|introspection/index)\\.ts$" },
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^test/workerd/", "^node_modules/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js", ".json"] },
  },
};
