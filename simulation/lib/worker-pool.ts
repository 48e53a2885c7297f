/**
 * A pool of worker threads running one kind of job, the part the fuzzer's batches (fuzz-pool.ts) and explore's
 * schedules (explore/schedule-pool.ts) share: threads started on first use, jobs handed to whichever thread is free,
 * answers collected (in completion order, or in the jobs' order), a thread's crash surfaced as an error naming the
 * job it was running, and the threads terminated on close(). The thread side of the protocol is worker-thread.ts.
 *
 * Why threads at all: a job is mostly `vm` context creation and garbage collection, both bound to one thread, and
 * jobs are independent, so throughput grows with cores. Why a thread stays started between calls: starting one
 * (and loading the TypeScript sources into it) costs far more than one job.
 */
import { Worker } from "node:worker_threads";
import type { JobAnswer } from "./worker-thread.ts";

export interface WorkerPoolOptions<Job> {
  /** The thread's entry module (from the sources, a `.mjs` that registers tsx first; from dist/, the `.js`). */
  entry: URL;
  /** Threads at most. */
  size: number;
  /** What the threads run, for error texts: "fuzz" gives "fuzz worker exited with code 1 …". */
  name: string;
  /** The job a thread was running, for error texts: e.g. "during batch seed 41". */
  during: (job: Job) => string;
}

/** Work for a free thread: the job, and where its answer goes. */
export interface Task<Job, Answer> {
  job: Job;
  answered(answer: Answer): void;
}

export class WorkerPool<Job, Answer> {
  private readonly threads: Worker[] = [];
  private nextId = 0;

  constructor(private readonly options: WorkerPoolOptions<Job>) {}

  get size(): number {
    return this.options.size;
  }

  /** Every job, spread over the threads; the answers in the jobs' order. */
  async map(jobs: readonly Job[]): Promise<Answer[]> {
    const answers = new Array<Answer>(jobs.length);
    let next = 0;
    const take = (): Task<Job, Answer> | undefined => {
      if (next >= jobs.length) return undefined;
      const i = next++;
      return {
        job: jobs[i],
        answered: (answer) => {
          answers[i] = answer;
        },
      };
    };
    await this.drain(take, Math.min(this.size, jobs.length));
    return answers;
  }

  /**
   * Each of `threads` threads asks `take()` for work whenever it is free, until `take()` gives none; each answer goes
   * to its task as it arrives (completion order). Rejects at the first job a thread could not answer.
   */
  async drain(take: () => Task<Job, Answer> | undefined, threads = this.size): Promise<void> {
    await Promise.all(
      Array.from({ length: Math.min(threads, this.size) }, async (_, index) => {
        let worker: Worker | undefined;
        try {
          for (let task = take(); task !== undefined; task = take()) {
            worker ??= this.thread(index);
            worker.ref();
            task.answered(await this.ask(worker, task.job));
          }
        } finally {
          // An idle thread must not keep the process alive once its caller is done with the pool.
          worker?.unref();
        }
      }),
    );
  }

  /** Terminates every thread; the pool starts new ones if used again. */
  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((worker) => worker.terminate()));
  }

  private thread(index: number): Worker {
    this.threads[index] ??= new Worker(this.options.entry);
    return this.threads[index];
  }

  private ask(worker: Worker, job: Job): Promise<Answer> {
    const id = this.nextId++;
    const { name, during } = this.options;
    return new Promise((resolve, reject) => {
      const onMessage = (message: JobAnswer<Answer>) => {
        if (message.id !== id) return;
        cleanup();
        if ("error" in message) reject(new Error(`${name} worker failed ${during(job)}: ${message.error}`));
        else resolve(message.answer);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new Error(`${name} worker crashed ${during(job)}: ${error.message}`, { cause: error }));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`${name} worker exited with code ${code} ${during(job)}`));
      };
      const cleanup = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, job });
    });
  }
}
