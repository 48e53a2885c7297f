/**
 * End to end: four fixed scenarios compared on the emulator (local profile) and local workerd
 * (differential/compare.ts). None may show an unexplained difference; the two without a crash must agree exactly.
 */
import { describe, expect, it } from "vitest";
import { compareScenario } from "../../differential/compare.ts";
import { renderDifference } from "../../differential/diff.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { WorkerdTarget } from "../../targets/workerd-target.ts";
import type { Scenario } from "../../suites/properties/scenario.ts";
import { CRASH_WHILE_SLEEPING } from "../simulation/fixed-scenarios.ts";

const HOUR = 3_600_000;
const targets = { emulator: new EmulatorTarget("local"), workerd: new WorkerdTarget() };

const RETRY_AND_SLEEP: Scenario = {
  commands: [
    {
      kind: "create",
      tenant: "acme",
      plan: [
        { do: "a", failTimes: 1 },
        { sleep: "nap", duration: 60_000 },
        { do: "b", failTimes: 3 },
      ],
      batch: false,
    },
    { kind: "create", tenant: "globex", plan: [{ do: "c", failTimes: 0 }], batch: true },
    { kind: "advance", ms: HOUR },
  ],
};

const EVENTS: Scenario = {
  commands: [
    {
      kind: "create",
      tenant: "initech",
      plan: [
        { wait: "w", type: "approve" },
        { do: "a", failTimes: 0 },
        { wait: "w", type: "ship" },
      ],
      batch: false,
    },
    { kind: "event", instance: 0, type: "approve" },
    { kind: "terminate", instance: 1 },
    { kind: "create", tenant: "acme", plan: [{ do: "b", failTimes: 0 }], batch: false },
  ],
};

/** WF-43: two steps with rollbacks, then the last one fails uncaught: the workflow fails and rolls back on both. */
const ROLLBACK: Scenario = {
  commands: [
    {
      kind: "create",
      tenant: "globex",
      plan: [
        { do: "c", failTimes: 0, rollback: true },
        { do: "a", failTimes: 0 },
        { do: "c", failTimes: 1, nonRetryable: true, rollback: true },
      ],
      batch: false,
    },
    { kind: "create", tenant: "acme", plan: [{ do: "c", failTimes: 0, rollback: true }], batch: false },
  ],
};

describe("differential comparison, emulator-local vs workerd", () => {
  it.each([
    ["retries and a sleep", RETRY_AND_SLEEP, "agreement"],
    ["an event, a terminate", EVENTS, "agreement"],
    ["a crash while sleeping", CRASH_WHILE_SLEEPING, undefined],
    ["WF-43 a saga that fails and rolls back", ROLLBACK, "agreement"],
  ] as const)(
    "%s: no unexplained difference",
    async (_name, scenario, expected) => {
      const comparison = await compareScenario(scenario, targets, { timeScale: 50 });
      const text = comparison.differences.map(renderDifference).join("\n");
      expect(comparison.verdict, text).not.toBe("unexplained");
      if (expected) expect(comparison.verdict, text).toBe(expected);
      expect(comparison.emulator.instances.length).toBe(comparison.workerd.instances.length);
      expect(comparison.emulator.instances.length).toBeGreaterThan(0);
    },
    30_000,
  );
});
