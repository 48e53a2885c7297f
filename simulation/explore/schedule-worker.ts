/**
 * One explore worker thread (schedule-pool.ts): runs each schedule it is handed on a fresh emulator in this thread's
 * own heap and realms (runSchedule, exactly as the main thread would) and answers `{ run }`, or `{ thrown }` with the
 * text of what runSchedule threw (judged as "could not run", as in one thread). The protocol: lib/worker-thread.ts.
 */
import { serveJobs } from "../lib/worker-thread.ts";
import type { Schedule } from "./explore-result.ts";
import { type CaseSetup, runSchedule } from "./run-schedule.ts";
import type { Ran } from "./schedule-pool.ts";

serveJobs("schedule-worker.ts", async ({ setup, schedule }: { setup: CaseSetup; schedule: Schedule }): Promise<Ran> => {
  try {
    return { run: await runSchedule(setup, schedule) };
  } catch (error) {
    return { thrown: String(error) };
  }
});
