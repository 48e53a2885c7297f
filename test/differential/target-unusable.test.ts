/**
 * A target that cannot go on (a refused secret, a spent budget: TargetUnusableError) ends a comparison with that
 * error — it is neither a difference nor a counterexample to shrink. The CLI turns it into exit 2
 * (test/differential/compare-remote-e2e.test.ts).
 */
import { describe, expect, it } from "vitest";
import { NO_CAPABILITIES } from "../../contract/capabilities.ts";
import { PRODUCTION } from "../../contract/emulator-surface.ts";
import type { Target } from "../../contract/target.ts";
import { TargetUnusableError } from "../../contract/target-unusable.ts";
import { compareScenario, sampleScenarios, shrinkUnexplained } from "../../differential/compare.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";

function unusable(): Target & { starts: number } {
  const target = {
    name: "remote",
    profile: PRODUCTION,
    capabilities: NO_CAPABILITIES,
    starts: 0,
    async start(): Promise<never> {
      target.starts++;
      throw new TargetUnusableError("the budget of 1 s per scenario is spent");
    },
  };
  return target;
}

describe("a target that cannot go on", () => {
  it("fails compareScenario with its own error, after the emulator side ran", async () => {
    const real = unusable();
    const [scenario] = sampleScenarios(NO_CAPABILITIES, 1, 1);
    await expect(
      compareScenario(scenario, { emulator: new EmulatorTarget("production"), workerd: real }, { timeScale: 50 }),
    ).rejects.toThrow("the budget of 1 s per scenario is spent");
    expect(real.starts).toBe(1);
  });

  it("stops shrinking at once and rethrows, instead of shrinking towards the error", async () => {
    const real = unusable();
    const shrinking = shrinkUnexplained(
      NO_CAPABILITIES,
      1,
      0,
      { emulator: new EmulatorTarget("production"), workerd: real },
      { timeScale: 50, deadline: Date.now() + 60_000 },
    );
    await expect(shrinking).rejects.toBeInstanceOf(TargetUnusableError);
    expect(real.starts).toBe(1);
  });
});
