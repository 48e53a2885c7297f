/** A (seed, path) pair names exactly one compare scenario: sampled ones by index, shrunk ones down the shrink tree. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareArbitrary, sampleScenarios } from "../../differential/compare.ts";
import { scenarioAtPath } from "../../differential/scenario-at-path.ts";
import type { ScenarioSupport } from "../../suites/properties/scenario.ts";

// What local workerd supports (targets/workerd-target.ts): no virtual time, crash "now" only.
const SUPPORT: ScenarioSupport = { crash: true, crashPoints: false, evictIsolates: false, loaderFaults: false };

describe("scenarioAtPath", () => {
  it("path <i> is the i-th sampled scenario (what the progress lines number from 1)", () => {
    const sample = sampleScenarios(SUPPORT, 7, 20);
    for (const i of [0, 3, 19]) expect(scenarioAtPath(SUPPORT, 7, String(i))).toEqual(sample[i]);
  });

  it("a shrink path gives the value fast-check reported at that path", () => {
    // A property that fails on any scenario with a crash: fast-check shrinks it and prints seed + path.
    const details = fc.check(
      fc.property(compareArbitrary(SUPPORT), (s) => !s.commands.some((c) => c.kind === "crash")),
      { seed: 3, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexamplePath).toMatch(/:/);
    expect(scenarioAtPath(SUPPORT, 3, details.counterexamplePath!)).toEqual(details.counterexample![0]);
  });

  it("refuses a malformed path, naming it", () => {
    expect(() => scenarioAtPath(SUPPORT, 1, "15;0")).toThrow(/got "15;0"/);
  });
});
