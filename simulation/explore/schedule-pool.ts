/**
 * Schedules on every core: one case's schedules are independent (each runs on a fresh emulator), so a pool of worker
 * threads runs them side by side, each thread with its own heap and realms — a schedule is mostly `vm` context
 * creation, garbage collection and run() lifetimes, all bound to one thread. The pool only *runs* schedules; the
 * main thread still judges every run in the order a single thread would (explore-case.ts), so findings, reports and
 * replay paths are the same with any number of workers.
 *
 * Threads start on first use and stay for the rest of the exploration (starting one costs far more than a schedule).
 */
import { WorkerPool } from "../lib/worker-pool.ts";
import type { Schedule } from "./explore-result.ts";
import type { CaseSetup, ScheduleRun } from "./run-schedule.ts";

/** What running a schedule gave: its run, or the text of what runSchedule threw (judged as "could not run"). */
export type Ran = { run: ScheduleRun } | { thrown: string };

type ScheduleJob = { setup: CaseSetup; schedule: Schedule };

export class SchedulePool {
  private readonly pool: WorkerPool<ScheduleJob, Ran>;

  constructor(readonly workers: number) {
    this.pool = new WorkerPool({
      // From the sources, a JavaScript entry that registers tsx in the thread; from the compiled package, the
      // compiled worker itself (no TypeScript loader there).
      entry: new URL(
        import.meta.url.endsWith(".ts") ? "./schedule-worker.mjs" : "./schedule-worker.js",
        import.meta.url,
      ),
      size: workers,
      name: "explore",
      during: () => "while running a schedule",
    });
  }

  /** Runs every schedule, spread over the threads; the answers in the schedules' order. */
  runAll(setup: CaseSetup, schedules: readonly Schedule[]): Promise<Ran[]> {
    const shared: CaseSetup = {
      workflow: setup.workflow,
      input: setup.input,
      neighbour: setup.neighbour,
      // Plain data only: the request's callbacks (progress) stay in this thread.
      request: {
        profile: setup.request.profile,
        seed: setup.request.seed,
        ...(setup.request.subject ? { subject: setup.request.subject } : {}),
      },
    };
    return this.pool.map(schedules.map((schedule) => ({ setup: shared, schedule })));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
