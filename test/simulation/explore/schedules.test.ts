/** Schedules against a run's steps: the systematic enumeration, their text, and the path a replay command carries. */
import { describe, expect, it } from "vitest";
import type { Schedule } from "../../../simulation/explore/explore-result.ts";
import { exploreRandomly, sampleSchedules } from "../../../simulation/explore/random-schedules.ts";
import {
  scheduleAtPath,
  schedulePath,
  scheduleText,
  stepSpace,
  systematicSchedules,
} from "../../../simulation/explore/schedules.ts";

const SPACE = {
  steps: ["do a#1", "do b#1", "do a#2"],
  waits: ["sleep nap#1"],
  inOrder: ["do a#1", "sleep nap#1", "do b#1", "do a#2"],
};

describe("explore schedules", () => {
  it("the step space keeps steps and waits apart (paths index them) and both together in the order they began", () => {
    const trace = [
      { type: "step.attempt", step: "a", count: 1 },
      { type: "sleep.start", step: "nap", count: 1 },
      { type: "step.attempt", step: "a", count: 1 },
      { type: "event.wait", step: "ok", count: 1 },
      { type: "step.attempt", step: "b", count: 1 },
    ] as never;
    expect(stepSpace(trace)).toEqual({
      steps: ["do a#1", "do b#1"],
      waits: ["sleep nap#1", "waitForEvent ok#1"],
      inOrder: ["do a#1", "sleep nap#1", "waitForEvent ok#1", "do b#1"],
    });
  });

  it("enumerates every crash point × step, an eviction after every step, a hibernation and a redeploy at every wait", () => {
    const all = systematicSchedules(SPACE);
    expect(all).toHaveLength(3 + 3 + 3 + 1 + 1);
    expect(all.map(scheduleText)).toContain("crash before the commit of do a#2");
    expect(all.map(scheduleText)).toContain("hibernate at sleep nap#1");
    expect(all.map(scheduleText)).toContain("redeploy the tenant's code (a new version) at sleep nap#1");
  });

  it("a path names a schedule and back, and a path naming no step is refused with the numbers to use", () => {
    const schedule: Schedule = {
      origin: "random",
      faults: [
        { kind: "crash-after-commit", step: "do a#2" },
        { kind: "hibernate-at-wait", step: "sleep nap#1" },
        { kind: "redeploy-at-wait", step: "sleep nap#1" },
      ],
    };
    expect(schedulePath(schedule, SPACE)).toBe("a2-h0-r0");
    expect(scheduleAtPath("a2-h0-r0", SPACE)).toEqual(schedule);
    expect(scheduleAtPath("e9", SPACE)).toMatch(/"e9" names no fault .* 3 steps and 1 waits/);
  });

  it("random schedules are drawn from the seed: the same seed, the same schedules", () => {
    const a = sampleSchedules(SPACE, 5, 20);
    expect(a).toEqual(sampleSchedules(SPACE, 5, 20));
    expect(a.every((s) => s.faults.length >= 1 && s.faults.length <= 4)).toBe(true);
    expect(new Set(a.map((s) => schedulePath(s, SPACE))).size).toBeGreaterThan(5);
  });
});

describe("explore random schedules: shrinking", () => {
  it("a failing random schedule is shrunk to a 1-minimal one (here: the one fault that matters)", async () => {
    const judged: string[] = [];
    const outcome = await exploreRandomly(SPACE, 9, 200, async (schedule) => {
      judged.push(schedulePath(schedule, SPACE));
      const crashesA2 = schedule.faults.some((f) => f.kind === "crash-before-commit" && f.step === "do a#2");
      return { failed: crashesA2 && schedule.faults.length >= 1 };
    });
    console.log(`[shrink] seed 9: ${outcome.runs} schedules judged; failing ${JSON.stringify(outcome.failing)}`);
    expect(outcome.failing[0]).toEqual({ origin: "random", faults: [{ kind: "crash-before-commit", step: "do a#2" }] });
    expect(judged.length).toBeGreaterThan(1);
  });

  it("nothing failing: every random run is judged, and none is reported", async () => {
    const outcome = await exploreRandomly(SPACE, 9, 30, async () => ({ failed: false }));
    expect(outcome).toEqual({ runs: 30, failing: [] });
  });

  it("after a finding the search goes on with the runs left: two distinct problems, each shrunk to its one fault", async () => {
    const known = new Set<string>();
    const problem = (schedule: Schedule) =>
      ["do a#2", "do b#1"].find(
        (step) => !known.has(step) && schedule.faults.some((f) => f.kind === "crash-before-commit" && f.step === step),
      );
    const reported: string[] = [];
    const outcome = await exploreRandomly(
      SPACE,
      9,
      300,
      async (schedule) => ({ failed: problem(schedule) !== undefined }),
      async (failing) => {
        const step = problem(failing);
        if (step) known.add(step);
        reported.push(schedulePath(failing, SPACE));
      },
    );
    console.log(`[shrink, search on] seed 9: ${outcome.runs} schedules judged; reported ${reported.join(", ")}`);
    expect([...known].sort()).toEqual(["do a#2", "do b#1"]);
    expect(outcome.failing.map((s) => s.faults)).toEqual(
      expect.arrayContaining([
        [{ kind: "crash-before-commit", step: "do a#2" }],
        [{ kind: "crash-before-commit", step: "do b#1" }],
      ]),
    );
    // The whole budget was used: the search did not stop at the first problem.
    expect(outcome.runs).toBe(300);
  });
});
