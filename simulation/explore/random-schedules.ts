/**
 * Random schedules: fast-check draws combinations of 2–4 faults over the fault-free run's steps and waits (from a
 * seed), runs each, and stops at the first schedule an oracle flags; fast-check shrinks it, then a last pass removes
 * faults one by one while the run still breaks an oracle, so the schedule reported is 1-minimal (no single fault can
 * go). The shrunk schedule is reported (`onFailing`) and the search goes on with the runs left, from the next seed, so
 * one run of `dwc explore` shows every distinct problem its budget finds, not only the first: the judge counts a
 * finding already reported as no failure. Every schedule is printed as its path (schedules.ts), so the replay command
 * runs exactly it.
 */
import fc from "fast-check";
import type { Schedule, ScheduledFault } from "./explore-result.ts";
import { FAULT_KINDS, type StepSpace, targetsOf } from "./schedules.ts";

export type Judge = (schedule: Schedule) => Promise<{ failed: boolean }>;

export interface RandomOutcome {
  /** Random schedules drawn and judged (the shrinking steps not counted). */
  runs: number;
  /** The 1-minimal failing schedules, one per search round that found a new problem, in the order found. */
  failing: Schedule[];
}

export function faultArbitrary(space: StepSpace): fc.Arbitrary<ScheduledFault> | undefined {
  const options = FAULT_KINDS.flatMap((kind) => targetsOf(space, kind).map((step) => ({ kind, step })));
  if (options.length === 0) return undefined;
  return fc.constantFrom(...options);
}

export function scheduleArbitrary(space: StepSpace): fc.Arbitrary<Schedule> | undefined {
  const fault = faultArbitrary(space);
  if (!fault) return undefined;
  return fc
    .array(fault, { minLength: 2, maxLength: 4 })
    .map((faults): Schedule => ({ origin: "random", faults: dedupe(faults) }));
}

/** `count` random schedules from `seed` (the determinism check's sample). */
export function sampleSchedules(space: StepSpace, seed: number, count: number): Schedule[] {
  const arbitrary = scheduleArbitrary(space);
  return arbitrary && count > 0 ? fc.sample(arbitrary, { seed, numRuns: count }) : [];
}

/**
 * The schedules `exploreRandomly` draws with the same seed and runs, in its order, up to its first failing one (after
 * it, it shrinks, then searches on from the next seed): what fast-check generates does not depend on the property's
 * answers until one fails. The worker pool runs these ahead (schedule-pool.ts); the judging stays in
 * exploreRandomly's order, and a schedule not run ahead runs there.
 */
export async function randomSchedules(space: StepSpace, seed: number, numRuns: number): Promise<Schedule[]> {
  const arbitrary = scheduleArbitrary(space);
  if (!arbitrary || numRuns <= 0) return [];
  const drawn: Schedule[] = [];
  await fc.check(
    fc.asyncProperty(arbitrary, async (schedule) => {
      drawn.push(schedule);
      return true;
    }),
    { seed, numRuns, endOnFailure: false },
  );
  return drawn;
}

export async function exploreRandomly(
  space: StepSpace,
  seed: number,
  numRuns: number,
  judge: Judge,
  /** Reports a shrunk failing schedule before the search goes on (so the judge knows its findings from then on). */
  onFailing: (schedule: Schedule) => Promise<void> = async () => {},
): Promise<RandomOutcome> {
  const arbitrary = scheduleArbitrary(space);
  const outcome: RandomOutcome = { runs: 0, failing: [] };
  if (!arbitrary) return outcome;
  // Round r draws from seed + r: the same --seed, the same rounds. Each round judges at least one schedule.
  for (let round = 0; outcome.runs < numRuns; round++) {
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async (schedule) => {
        outcome.runs++;
        return !(await judge(schedule)).failed;
      }),
      { seed: (seed + round) | 0, numRuns: numRuns - outcome.runs, endOnFailure: false },
    );
    if (!details.failed || !details.counterexample) break;
    const failing = await oneMinimal(details.counterexample[0], judge);
    outcome.failing.push(failing);
    await onFailing(failing);
  }
  return outcome;
}

/** Removes faults one at a time while the schedule still fails: no single fault of the result can go. */
async function oneMinimal(schedule: Schedule, judge: Judge): Promise<Schedule> {
  let failing = schedule;
  for (let changed = true; changed && failing.faults.length > 1; ) {
    changed = false;
    for (let i = 0; i < failing.faults.length && failing.faults.length > 1; i++) {
      const candidate: Schedule = { origin: "random", faults: failing.faults.filter((_, j) => j !== i) };
      if ((await judge(candidate)).failed) {
        failing = candidate;
        changed = true;
        break;
      }
    }
  }
  return failing;
}

/** The same fault twice in one schedule is one fault (the second would never land). */
function dedupe(faults: ScheduledFault[]): ScheduledFault[] {
  const seen = new Set<string>();
  return faults.filter((f) => {
    const key = `${f.kind} ${f.step}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
