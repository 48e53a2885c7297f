/**
 * The one scenario a `(seed, path)` pair names — a sampled scenario (`path` = its index) or a shrunk one
 * (`15:0:0:1`, as `dwc compare` prints them) — so a single comparison can be replayed without re-running the
 * other 199. fast-check walks the same generation and shrink tree it walked when the path was printed.
 */
import fc from "fast-check";
import type { Scenario, ScenarioSupport } from "../suites/properties/scenario.ts";
import { compareArbitrary } from "./compare.ts";

export function scenarioAtPath(support: ScenarioSupport, seed: number, path: string): Scenario {
  if (!/^\d+(:\d+)*$/.test(path))
    throw new RangeError(`a path is numbers separated by colons (e.g. 15 or 15:0:2), got "${path}"`);
  let scenario: Scenario | undefined;
  fc.assert(
    // The first value is the one at `path`; a replay of a passing property then walks on to the next siblings
    // of the shrink tree even with numRuns 1, so later values are ignored.
    fc.property(compareArbitrary(support), (s) => {
      scenario ??= s;
    }),
    { seed, path, numRuns: 1 },
  );
  if (scenario === undefined) throw new RangeError(`seed ${seed} has no scenario at path ${path}`);
  return scenario;
}
