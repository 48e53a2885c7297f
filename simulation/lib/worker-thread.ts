/**
 * The thread side of worker-pool.ts: receives `{ id, job }`, runs the job in this thread's own heap and realms, and
 * posts back `{ id, answer }`, or `{ id, error }` (the stack) when the job threw, so a harness bug is reported with
 * the job it broke on rather than lost.
 */
import { parentPort } from "node:worker_threads";

export type JobAnswer<Answer> = { id: number; answer: Answer } | { id: number; error: string };

/** Serves the pool's jobs with `run`; `entry` names the calling file in the error for a run outside a thread. */
export function serveJobs<Job, Answer>(entry: string, run: (job: Job) => Promise<Answer>): void {
  if (!parentPort) throw new Error(`${entry} runs as a worker thread (see simulation/lib/worker-pool.ts)`);
  const port = parentPort;
  port.on("message", async ({ id, job }: { id: number; job: Job }) => {
    let reply: JobAnswer<Answer>;
    try {
      reply = { id, answer: await run(job) };
    } catch (error) {
      reply = { id, error: textOf(error) };
    }
    try {
      port.postMessage(reply);
    } catch (error) {
      port.postMessage({ id, error: `its answer could not be sent back (${textOf(error)})` });
    }
  });
}

const textOf = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
