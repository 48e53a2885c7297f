/**
 * End to end, on the emulator (local profile) and local workerd: the two shrunk scenarios that were unexplained before
 * the local profile modelled the pause (`pauseRejectsPendingStep`) and replayed errors (`storedStepErrorsKeepName`)
 * (docs/compare.md). Where the pause or the timeout lands is real time on workerd, so the verdict may be a known
 * divergence; it must never be unexplained, and the emulator's side is fixed.
 */
import { describe, expect, it } from "vitest";
import { compareScenario } from "../../differential/compare.ts";
import { renderDifference } from "../../differential/diff.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { WorkerdTarget } from "../../targets/workerd-target.ts";
import type { Scenario } from "../../suites/properties/scenario.ts";

const targets = { emulator: new EmulatorTarget("local"), workerd: new WorkerdTarget() };

/** Shrunk from seed 1, path 15 (and 192). */
const PAUSE_IN_RETRIES: Scenario = {
  commands: [
    { kind: "create", tenant: "acme", plan: [{ do: "a", failTimes: 3 }], batch: false },
    { kind: "pause", instance: 0 },
  ],
};

/** Shrunk from seed 1, path 32 (and 151, 165). */
const WAIT_ACROSS_CRASHES: Scenario = {
  commands: [
    {
      kind: "create",
      tenant: "acme",
      plan: [
        { wait: "w", type: "approve" },
        { sleep: "nap", duration: 1000 },
      ],
      batch: false,
    },
    { kind: "crash", point: "now" },
    { kind: "crash", point: "now" },
  ],
};

function caught(markers: unknown): Array<{ step: string; message: string }> {
  return ((markers as Array<{ step: string; caught?: { message: string } }>) ?? []).flatMap((m) =>
    m.caught ? [{ step: m.step, message: m.caught.message }] : [],
  );
}

describe("pause and replayed errors, emulator-local vs workerd", () => {
  it("a pause in a step's retries: the emulator catches the pause error; workerd agrees or the pause landed elsewhere", async () => {
    const comparison = await compareScenario(PAUSE_IN_RETRIES, targets, { timeScale: 50 });
    const text = comparison.differences.map(renderDifference).join("\n");
    expect(comparison.verdict, text).not.toBe("unexplained");
    const [instance] = comparison.emulator.instances;
    expect(instance.status).toBe("complete");
    expect(caught((instance.output as { markers?: unknown }).markers)).toEqual([
      { step: "a", message: "Aborting engine: User called pause" },
    ]);
  }, 30_000);

  it("a wait that times out across two crashes: never unexplained", async () => {
    const comparison = await compareScenario(WAIT_ACROSS_CRASHES, targets, { timeScale: 50 });
    const text = comparison.differences.map(renderDifference).join("\n");
    expect(comparison.verdict, text).not.toBe("unexplained");
    expect(comparison.workerd.instances.map((i) => i.status)).toEqual(["complete"]);
  }, 30_000);
});
