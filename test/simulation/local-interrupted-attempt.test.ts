/**
 * Found by the fuzzer (seed 777): in the local profile a crash that interrupts a step's last allowed attempt buys it
 * one more attempt (WF-90 / §E.9: the local engine counts the interrupted attempt and runs the next one at once, even
 * past the retry limit — confirmed in workers-sdk's workflows-shared). The invariants must accept that there, and
 * only there.
 */
import { expect, it } from "vitest";
import { checkInvariants } from "../../suites/properties/invariants.ts";
import { runScenario } from "../../simulation/run-scenario.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import type { Scenario } from "../../suites/properties/scenario.ts";

/**
 * Re-found with the one scenario runner (the fuzzer's old drain paused and resumed every running instance each
 * round, which placed the crashes elsewhere): two crashes armed while both initech instances are between attempts;
 * the second instance's step "b" (planned to fail 3 times, 3 attempts allowed) is interrupted on its last attempt.
 */
const SHRUNK: Scenario = {
  commands: [
    {
      kind: "create",
      tenant: "initech",
      plan: [
        { do: "b", failTimes: 2 },
        { do: "c", failTimes: 0 },
      ],
      batch: false,
    },
    {
      kind: "create",
      tenant: "initech",
      plan: [
        { do: "b", failTimes: 3 },
        { do: "c", failTimes: 3 },
        { do: "b", failTimes: 2 },
      ],
      batch: false,
    },
    { kind: "advance", ms: 1000 },
    { kind: "crash", point: "beforeStepAttempt" },
    { kind: "crash", point: "afterStepCommit" },
  ],
};

it("local profile: a step planned to exhaust its retries succeeds on an extra attempt after a crash, and no invariant is violated", async () => {
  const observation = await runScenario(SHRUNK, new EmulatorTarget("local"), { mode: "white-box" });
  expect(checkInvariants(observation)).toEqual([]);
  const second = observation.instances[1];
  const markers = (second.output as { markers: Array<{ step: string; attempt?: number; caught?: unknown }> }).markers;
  // retries.limit 2 allows 3 attempts; the crash-interrupted one counted, so a 4th ran and succeeded
  expect(markers[0]).toMatchObject({ step: "b", attempt: 4 });
  expect(markers[0].caught).toBeUndefined();
});

it("production profile, same scenario: the step fails after its 3 allowed attempts, as planned", async () => {
  const observation = await runScenario(SHRUNK, new EmulatorTarget("production"), { mode: "white-box" });
  expect(checkInvariants(observation)).toEqual([]);
  const second = observation.instances[1];
  const markers = (second.output as { markers: Array<{ caught?: { message: string } }> }).markers;
  expect(markers[0].caught?.message).toContain("planned failure 3 in b");
});
