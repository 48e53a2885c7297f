/**
 * The determinism check: a sample of schedules — the systematic ones first, then random ones drawn from the seed —
 * each run twice on fresh emulators; any two runs of one schedule whose trace hashes differ (trace-hash.ts) is a
 * difference. Spread over the cases in turn, so every workflow × input gets its share.
 */
import type { CaseOutcome } from "./explore-case.ts";
import type { ExploreResult, Schedule } from "./explore-result.ts";
import { sampleSchedules } from "./random-schedules.ts";
import { runSchedule } from "./run-schedule.ts";
import { schedulePath, systematicSchedules } from "./schedules.ts";
import { traceHash } from "./trace-hash.ts";

export async function checkDeterminism(
  outcomes: readonly CaseOutcome[],
  count: number,
  seed: number,
): Promise<NonNullable<ExploreResult["determinism"]>> {
  const runnable = outcomes.filter((o) => o.space && o.result.verdict !== "error");
  const differences: NonNullable<ExploreResult["determinism"]>["differences"] = [];
  if (runnable.length === 0) return { schedules: 0, differences };
  const share = Math.ceil(count / runnable.length);
  let schedules = 0;
  for (const outcome of runnable) {
    const space = outcome.space!;
    const systematic = systematicSchedules(space).slice(0, Math.min(share, count - schedules));
    const sample: Schedule[] = [
      ...systematic,
      ...sampleSchedules(space, seed, Math.max(0, Math.min(share, count - schedules) - systematic.length)),
    ];
    for (const schedule of sample) {
      const first = traceHash(await runSchedule(outcome.setup, schedule));
      const second = traceHash(await runSchedule(outcome.setup, schedule));
      schedules++;
      if (first !== second)
        differences.push({
          workflow: outcome.result.workflow,
          input: outcome.result.input,
          schedule: `${schedulePath(schedule, space)} (trace hashes ${first} and ${second})`,
        });
    }
  }
  return { schedules, differences };
}
