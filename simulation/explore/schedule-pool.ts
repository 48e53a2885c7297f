/**
 * Schedules on every core: one case's schedules are independent (each runs on a fresh emulator), so a pool of worker
 * threads runs them side by side, each thread with its own heap and realms — a schedule is mostly `vm` context
 * creation, garbage collection and run() lifetimes, all bound to one thread. The pool only *runs* schedules; the
 * main thread still judges every run in the order a single thread would (explore-case.ts), so findings, reports and
 * replay paths are the same with any number of workers.
 *
 * Threads start on first use and stay for the rest of the exploration (starting one costs far more than a schedule).
 */
import { Worker } from "node:worker_threads";
import type { Schedule } from "./explore-result.ts";
import type { CaseSetup, ScheduleRun } from "./run-schedule.ts";

/** What running a schedule gave: its run, or the text of what runSchedule threw (judged as "could not run"). */
export type Ran = { run: ScheduleRun } | { thrown: string };

export class SchedulePool {
  private readonly threads: Worker[] = [];
  private nextId = 0;

  constructor(readonly workers: number) {}

  /** Runs every schedule, spread over the threads; the answers in the schedules' order. */
  async runAll(setup: CaseSetup, schedules: readonly Schedule[]): Promise<Ran[]> {
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
    const answers = new Array<Ran>(schedules.length);
    let next = 0;
    const threads = Math.min(this.workers, schedules.length);
    await Promise.all(
      Array.from({ length: threads }, async (_, t) => {
        const worker = this.thread(t);
        worker.ref();
        try {
          while (next < schedules.length) {
            const i = next++;
            answers[i] = await this.ask(worker, shared, schedules[i]);
          }
        } finally {
          // An idle thread must not keep the process alive once the exploration is over.
          worker.unref();
        }
      }),
    );
    return answers;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((w) => w.terminate()));
  }

  private thread(index: number): Worker {
    // From the sources, a JavaScript entry that registers tsx in the thread; from the compiled package, the
    // compiled worker itself (no TypeScript loader there).
    this.threads[index] ??= new Worker(
      new URL(import.meta.url.endsWith(".ts") ? "./schedule-worker.mjs" : "./schedule-worker.js", import.meta.url),
    );
    return this.threads[index];
  }

  private ask(worker: Worker, setup: CaseSetup, schedule: Schedule): Promise<Ran> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (message: { id: number; run?: ScheduleRun; thrown?: string }) => {
        if (message.id !== id) return;
        cleanup();
        resolve(message.thrown !== undefined ? { thrown: message.thrown } : { run: message.run! });
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`explore worker exited with code ${code} while running a schedule`));
      };
      const cleanup = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, setup, schedule });
    });
  }
}
