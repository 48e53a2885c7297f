/**
 * Found by the fuzzer (seed 777): in the local profile a crash that interrupts a step's last allowed attempt buys it
 * one more attempt (WF-90 / §E.9: the local engine counts the interrupted attempt and runs the next one at once, even
 * past the retry limit — confirmed in workers-sdk's workflows-shared). The invariants must accept that there, and
 * only there.
 */
import { expect, it } from "vitest";
import { checkInvariants } from "../../suites/properties/invariants.ts";
import { runScenario } from "../../simulation/run-scenario.ts";
import type { Scenario } from "../../suites/properties/scenario.ts";

const SHRUNK: Scenario = {
  commands: [
    { kind: "create", tenant: "initech", plan: [{ do: "a", failTimes: 2 }, { wait: "w", type: "approve" }], batch: false },
    { kind: "create", tenant: "acme", plan: [{ do: "a", failTimes: 3 }, { do: "a", failTimes: 0 }], batch: false },
    { kind: "crash", point: "duringWaitForEvent" },
    { kind: "create", tenant: "initech", plan: [{ do: "a", failTimes: 2 }, { do: "a", failTimes: 0 }], batch: false },
    { kind: "advance", ms: 3_600_000 },
    { kind: "crash", point: "afterStepCallback" },
  ],
};

it("local profile: a step planned to exhaust its retries succeeds on an extra attempt after a crash, and no invariant is violated", async () => {
  const observation = await runScenario(SHRUNK, { profile: "local" });
  expect(checkInvariants(observation)).toEqual([]);
  const acme = observation.instances.find((i) => i.tenant === "acme")!;
  const markers = (acme.output as { markers: Array<{ step: string; attempt?: number; caught?: unknown }> }).markers;
  // retries.limit 2 allows 3 attempts; the crash-interrupted one counted, so a 4th ran and succeeded
  expect(markers[0]).toMatchObject({ step: "a", attempt: 4 });
  expect(markers[0].caught).toBeUndefined();
});

it("production profile, same scenario: the step fails after its 3 allowed attempts, as planned", async () => {
  const observation = await runScenario(SHRUNK, { profile: "production" });
  expect(checkInvariants(observation)).toEqual([]);
  const acme = observation.instances.find((i) => i.tenant === "acme")!;
  const markers = (acme.output as { markers: Array<{ caught?: { message: string } }> }).markers;
  expect(markers[0].caught?.message).toContain("planned failure 3 in a");
});
