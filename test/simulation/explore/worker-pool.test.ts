/**
 * `workers` > 1 runs a case's schedules ahead on worker threads (simulation/explore/schedule-pool.ts) and judges them
 * in the single-threaded order: the findings, coverage, at-least-once table, counts and replay commands must be the
 * same as in one thread, for a replay-safe workflow (no findings) and a replay-unsafe one (a finding found by a
 * systematic schedule, random schedules judged against it).
 */
import { describe, expect, it } from "vitest";
import { explore } from "../../../simulation/explore/explore.ts";
import type { ExploreResult } from "../../../simulation/explore/explore-result.ts";
import { neighbourOf, runSchedule } from "../../../simulation/explore/run-schedule.ts";
import { SchedulePool } from "../../../simulation/explore/schedule-pool.ts";
import { stepSpace, systematicSchedules } from "../../../simulation/explore/schedules.ts";
import { traceHash } from "../../../simulation/explore/trace-hash.ts";
import { EXAMPLES } from "./example-workflows.ts";

/** Everything but the timings. */
function comparable(result: ExploreResult): unknown {
  return result.cases.map(({ durationMs: _, ...rest }) => rest);
}

describe("explore: worker threads", () => {
  it("a schedule run on a worker thread has the trace hash it has in this thread", async () => {
    const workflow = EXAMPLES.safe();
    const setup = {
      workflow,
      input: workflow.inputs[0],
      request: { profile: "production" as const, seed: 5 },
      neighbour: neighbourOf(workflow.tenant),
    };
    const baseline = await runSchedule(setup, { origin: "fault-free", faults: [] });
    const schedules = systematicSchedules(stepSpace(baseline.trace)).slice(0, 6);
    const pool = new SchedulePool(2);
    try {
      const ran = await pool.runAll(setup, schedules);
      const here = await Promise.all(schedules.map((s) => runSchedule(setup, s)));
      const hashes = ran.map((r) => ("run" in r ? traceHash(r.run) : r.thrown));
      console.log(`[workers] ${ran.length} schedules on 2 threads: ${hashes.join(" ")}`);
      expect(ran).toHaveLength(6);
      expect(hashes).toEqual(here.map(traceHash));
    } finally {
      await pool.close();
    }
  }, 300_000);

  it("2 workers give the same results as 1 (seed 11, 8 random schedules per case)", async () => {
    const request = {
      workflows: [EXAMPLES.safe(), EXAMPLES.counter()],
      profile: "production" as const,
      seed: 11,
      randomRuns: 8,
      replayPrefix: "dwc explore",
    };
    const one = await explore(request);
    const two = await explore({ ...request, workers: 2 });
    const summary = one.cases.map(
      (c) => `${c.workflow}: ${c.verdict}, ${c.exercised.schedules} schedules, ${c.findings.length} findings`,
    );
    console.log(
      `[workers] seed 11: ${summary.join("; ")} — replay: npx vitest run test/simulation/explore/worker-pool.test.ts`,
    );
    expect(one.cases.map((c) => c.verdict)).toEqual(["passed", "failed"]);
    expect(one.cases[0].exercised.schedules).toBeGreaterThan(10);
    expect(one.cases[1].findings.length).toBeGreaterThan(0);
    expect(comparable(two)).toEqual(comparable(one));
  }, 300_000);
});
