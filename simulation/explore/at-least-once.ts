/**
 * The at-least-once table: step callbacks that ran more often under a fault than in the fault-free run (a crash
 * before a commit runs the callback again; so does a replay of a step whose name changed), and side effects outside
 * any step that ran more than once. Data for the team (which side effects need an idempotency key), not a failure.
 */
import type { AtLeastOnceRow } from "./explore-result.ts";
import type { Lifetime } from "./lifetimes.ts";
import type { ScheduleRun } from "./run-schedule.ts";
import { stepRef } from "./step-ref.ts";

export function callbackRuns(run: ScheduleRun): Map<string, number> {
  const runs = new Map<string, number>();
  for (const event of run.trace) {
    if (event.type !== "step.attempt") continue;
    const key = stepRef({ kind: "do", name: event.step, occurrence: event.count });
    runs.set(key, (runs.get(key) ?? 0) + 1);
  }
  return runs;
}

export function atLeastOnceRows(
  run: ScheduleRun,
  lifetimes: readonly Lifetime[],
  baseline: Map<string, number>,
  fault: string,
): AtLeastOnceRow[] {
  const rows: AtLeastOnceRow[] = [];
  for (const [step, runs] of callbackRuns(run))
    if (runs >= 2 && runs > (baseline.get(step) ?? 1)) rows.push({ step, runs, fault });
  const outside = new Map<string, number>();
  for (const request of lifetimes.flatMap((l) => l.outsideStepRequests))
    outside.set(request, (outside.get(request) ?? 0) + 1);
  for (const [request, runs] of outside)
    if (runs >= 2) rows.push({ step: `(outside any step) ${request}`, runs, fault: fault || "replays after waits" });
  return rows;
}

/**
 * One row per step: the schedule with the fewest faults that made it run again (the systematic single fault, as a
 * rule), and a further row only when a combination made it run more often than that.
 */
export function mergeRows(rows: readonly AtLeastOnceRow[]): AtLeastOnceRow[] {
  const faults = (row: AtLeastOnceRow) => row.fault.split(", then ").length;
  const byStep = new Map<string, AtLeastOnceRow[]>();
  for (const row of rows) {
    const kept = byStep.get(row.step) ?? [];
    const simplest = kept[0];
    if (!simplest || faults(row) < faults(simplest)) kept.unshift(row);
    else if (row.runs > Math.max(...kept.map((k) => k.runs))) kept.push(row);
    byStep.set(row.step, kept);
  }
  return [...byStep.values()].flatMap((kept) => {
    const [simplest, ...more] = kept;
    return [simplest, ...more.filter((row) => row.runs > simplest.runs)];
  });
}
