/**
 * A worker thread for worker-pool.test.ts: doubles `value` after `delayMs`, answers the thread it ran on, and
 * misbehaves on request — `throws` (a job that fails), `exits` (a thread that dies mid-job, with that code).
 */
import { threadId } from "node:worker_threads";
import { serveJobs } from "../../../simulation/lib/worker-thread.ts";

export interface ArithmeticJob {
  value: number;
  delayMs?: number;
  throws?: string;
  exits?: number;
}

serveJobs("arithmetic-worker.ts", async (job: ArithmeticJob) => {
  await new Promise((resolve) => setTimeout(resolve, job.delayMs ?? 0));
  if (job.throws !== undefined) throw new Error(job.throws);
  if (job.exits !== undefined) process.exit(job.exits);
  return { doubled: job.value * 2, thread: threadId };
});
