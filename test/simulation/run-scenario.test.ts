/**
 * The scenario runner (simulation/run-scenario.ts) on the emulator, black-box as on a real target: the fixed scenario the
 * workerd property test runs gets the same verdict here (no violation), with the trace-free invariants and — the
 * emulator has a trace — with all of them; so do random scenarios with every command. Plus the duration mapping and
 * the capability gating.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import type { Capabilities } from "../../contract/capabilities.ts";
import type { Target } from "../../contract/target.ts";
import { checkInvariants, checkOutputInvariants } from "../../suites/properties/invariants.ts";
import { runScenario } from "../../simulation/run-scenario.ts";
import { scaleDuration, scaledProbePlan } from "../../simulation/time-scale.ts";
import { renderScenario, scenario } from "../../suites/properties/scenario.ts";
import { CRASH_WHILE_SLEEPING, markersOf } from "./fixed-scenarios.ts";

const TIME_SCALE = 50;
const HOUR = 3_600_000;

describe("runScenario on the emulator", () => {
  it.each(["local", "production"] as const)(
    "the fixed crash-while-sleeping scenario: no violation (emulator-%s)",
    async (profile) => {
      const observation = await runScenario(CRASH_WHILE_SLEEPING, new EmulatorTarget(profile), {
        mode: "black-box",
        timeScale: TIME_SCALE,
      });
      expect(observation.profile.name).toBe(profile);
      expect(observation.crashes).toBe(1);
      expect(observation.dropped).toEqual([]);
      expect(observation.trace.length).toBeGreaterThan(0);
      expect(checkOutputInvariants(observation)).toEqual([]);
      expect(checkInvariants(observation)).toEqual([]);
      expect(observation.instances.map((i) => [i.tenant, i.status])).toEqual([
        ["acme", "complete"],
        ["globex", "complete"],
      ]);
      for (const instance of observation.instances) {
        const [before, after] = markersOf(instance.output);
        expect(after.isolate).not.toBe(before.isolate);
      }
      // the crash came while both slept: the steps before the sleep committed once, and did not run again
      const commits = observation.trace
        .filter((e) => e.type === "step.commit")
        .map((e) => (e as { step: string }).step);
      expect(commits.sort()).toEqual(["a", "b", "c", "d"]);
    },
  );

  it.each(["production", "local"] as const)(
    "random scenarios (every command, every capability): every invariant holds (emulator-%s)",
    async (profile) => {
      const seed = 1;
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const observation = await runScenario(s, new EmulatorTarget(profile), {
            mode: "black-box",
            timeScale: TIME_SCALE,
          });
          const violations = [...checkInvariants(observation), ...checkOutputInvariants(observation)];
          expect(violations, `${renderScenario(s)}\n(seed ${seed})`).toEqual([]);
        }),
        { seed, numRuns: 100 },
      );
    },
  );

  it("drops, and lists, the commands a target cannot do", async () => {
    const emulator = new EmulatorTarget("local");
    const none: Capabilities = {
      ...emulator.capabilities,
      crash: false,
      crashPoints: false,
      evictIsolates: false,
      loaderFaults: false,
      trace: false,
    };
    const limited: Target = {
      name: "limited",
      profile: emulator.profile,
      capabilities: none,
      start: (tenants) => emulator.start(tenants).then((t) => Object.assign(t, { capabilities: none })),
    };
    const observation = await runScenario(
      {
        commands: [
          { kind: "create", tenant: "initech", plan: [{ do: "a", failTimes: 0 }], batch: false },
          { kind: "evict" },
          { kind: "crash", point: "afterStepCommit" },
          { kind: "crash", point: "now" },
          { kind: "failLoader" },
        ],
      },
      limited,
      { mode: "black-box" },
    );
    expect(observation.dropped).toEqual([
      "2. evict: the target cannot evict isolates",
      "3. crash: the target cannot place a crash at afterStepCommit",
      "4. crash: the target cannot crash",
      "5. failLoader: the target cannot make the Worker Loader fail",
    ]);
    expect(observation.trace).toEqual([]);
    expect(checkOutputInvariants(observation)).toEqual([]);
  });

  it("maps durations: 1 s → 50 ms, 30 days → 1.5 s, order kept; plan sleeps, retry delays and wait timeouts alike", () => {
    expect(scaleDuration(500, TIME_SCALE)).toBe(25);
    expect(scaleDuration(1000, TIME_SCALE)).toBe(50);
    expect(scaleDuration(30 * 24 * HOUR, TIME_SCALE)).toBe(1500);
    const mapped = [500, 1000, 60_000, HOUR, 2 * HOUR, 30 * 24 * HOUR].map((ms) => scaleDuration(ms, TIME_SCALE));
    expect(mapped).toEqual([...mapped].sort((a, b) => a - b));
    expect(new Set(mapped).size).toBe(mapped.length);
    const plan = scaledProbePlan(
      [
        { do: "a", failTimes: 1 },
        { sleep: "nap", duration: HOUR },
        { wait: "w", type: "ship" },
      ],
      TIME_SCALE,
    ) as Array<Record<string, any>>;
    expect(plan[0].config.retries.delay).toBe(50);
    expect(plan[1].duration).toBe(scaleDuration(HOUR, TIME_SCALE));
    expect(plan[2].timeout).toBe(scaleDuration(HOUR, TIME_SCALE));
    // production refuses event timeouts under 1 s (WF-62): the runner keeps them at 1 s there
    expect(
      (scaledProbePlan([{ wait: "w", type: "ship" }], TIME_SCALE, 1000) as Array<{ timeout: number }>)[0].timeout,
    ).toBe(1000);
  });
});
