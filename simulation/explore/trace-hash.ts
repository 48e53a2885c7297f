/**
 * A schedule run's fingerprint: a digest of its whole emulator trace (every event with its virtual time and sequence
 * number) and of what the harness entry logged. Instance ids, isolate labels and `Math.random()` in tenant code are
 * seeded, and time is virtual, so the same seed and schedule give the same hash; `checkDeterminism` runs schedules
 * twice and compares these.
 */
import { createHash } from "node:crypto";
import type { ScheduleRun } from "./run-schedule.ts";

export function traceHash(run: ScheduleRun): string {
  const hash = createHash("sha256");
  for (const event of run.trace) hash.update(`${JSON.stringify(event)}\n`);
  for (const note of run.notes) hash.update(`${JSON.stringify(note)}\n`);
  hash.update(JSON.stringify({ status: run.status, output: run.output, error: run.errorOutput, e: run.error }));
  return hash.digest("hex").slice(0, 16);
}
