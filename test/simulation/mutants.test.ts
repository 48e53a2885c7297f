/**
 * Every mutant in fixtures/mutants/ — a dispatcher with one realistic mistake — must be caught by the fuzzer on the
 * production profile, shrunk to a small scenario, and replayed exactly from its seed and path.
 * Deterministic: a fixed seed, so CI always explores the same scenarios.
 */
import { describe, expect, it } from "vitest";
import { describeFailure, fuzz } from "../../simulation/fuzz.ts";

const SEED = 1;
const RUNS = 400;

const MUTANTS = [
  { file: "global-current-tenant", expect: /^routing: / },
  { file: "loader-id-not-per-tenant", expect: /^routing: / },
  { file: "first-tenant-remembered", expect: /^routing: / },
  { file: "shared-binding-cache", expect: /^routing: / },
  { file: "step-names-with-timestamps", expect: /^durability: .* names its code never used/ },
  // Adversarial tenants (suites/tenant-ids.ts): ids that collide once normalised, params that name another tenant.
  { file: "loader-id-lower-cased", expect: /^routing: / },
  { file: "loader-id-punctuation-stripped", expect: /^routing: / },
  { file: "loader-id-truncated", expect: /^routing: / },
  { file: "routing-key-from-params", expect: /^routing: .* completed with globex's code/ },
  {
    file: "create-batch-untagged",
    expect: /^acme's instance .* without the dispatcher's tenant tag .* MissingDispatcherMetadataError/,
  },
];

describe("mutant dispatchers are caught", () => {
  it.each(MUTANTS)(
    "$file: caught with a shrunk counterexample that replays byte for byte",
    async ({ file, expect: violation }) => {
      const dispatcher = `fixtures/mutants/${file}.ts`;
      const result = await fuzz({ profile: "production", dispatcher, runs: RUNS, seed: SEED });
      expect(result.ok, `the fuzzer did not catch ${file} in ${RUNS} scenarios (seed ${SEED})`).toBe(false);
      const failure = result.failure!;
      console.log(`[mutant ${file}]\n${describeFailure(failure)}`);
      expect(
        failure.violations.some((v) => violation.test(v)),
        failure.violations.join("\n"),
      ).toBe(true);
      // shrunk: a handful of steps, not the original dozen. fast-check stops at a local minimum: with the adversarial
      // tenant pool (14 tenants, suites/properties/scenario-tenants.ts) global-current-tenant stops at 6 for seed 1.
      expect(failure.scenario.commands.length).toBeLessThanOrEqual(6);
      // the printed command replays exactly the same report
      const replay = await fuzz({ profile: "production", dispatcher, runs: 1, seed: failure.seed, path: failure.path });
      expect(replay.failure && describeFailure(replay.failure)).toBe(describeFailure(failure));
    },
    120_000,
  );
});
