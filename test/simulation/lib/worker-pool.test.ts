/**
 * simulation/lib/worker-pool.ts (with its thread side, worker-thread.ts): jobs spread over threads, answers in the
 * jobs' order (map) or as they come (drain), a failing job and a dying thread reported with the job they broke on,
 * threads kept between calls and ended by close().
 */
import { afterEach, describe, expect, it } from "vitest";
import { WorkerPool } from "../../../simulation/lib/worker-pool.ts";
import type { ArithmeticJob } from "./arithmetic-worker.ts";

type Answer = { doubled: number; thread: number };

let pool: WorkerPool<ArithmeticJob, Answer> | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function start(size: number): WorkerPool<ArithmeticJob, Answer> {
  pool = new WorkerPool({
    entry: new URL("./arithmetic-worker.mjs", import.meta.url),
    size,
    name: "arithmetic",
    during: (job) => `on value ${job.value}`,
  });
  return pool;
}

describe("WorkerPool", () => {
  it("map answers in the jobs' order though later jobs finish first, and uses every thread", async () => {
    const jobs = [40, 30, 20, 10, 0].map((delayMs, value) => ({ value, delayMs }));
    const answers = await start(2).map(jobs);
    expect(answers.map((a) => a.doubled)).toEqual([0, 2, 4, 6, 8]);
    expect(new Set(answers.map((a) => a.thread)).size).toBe(2);
  }, 60_000);

  it("drain takes work until take() gives none and hands each answer over as it comes", async () => {
    const p = start(2);
    const taken: number[] = [];
    const answered: number[] = [];
    await p.drain(() => {
      if (taken.length === 3) return undefined;
      const value = taken.length;
      taken.push(value);
      return { job: { value }, answered: (a) => answered.push(a.doubled) };
    });
    expect(taken).toEqual([0, 1, 2]);
    expect([...answered].sort()).toEqual([0, 2, 4]);
  }, 60_000);

  it("keeps its threads between calls; close() ends them and a later call starts new ones", async () => {
    const p = start(1);
    const [first] = await p.map([{ value: 1 }]);
    const [second] = await p.map([{ value: 2 }]);
    expect(second.thread).toBe(first.thread);
    await p.close();
    const [third] = await p.map([{ value: 3 }]);
    expect(third).toMatchObject({ doubled: 6 });
    expect(third.thread).not.toBe(first.thread);
  }, 60_000);

  it("a job that throws rejects with the pool's name, the job and the thread's stack", async () => {
    await expect(start(2).map([{ value: 1 }, { value: 7, throws: "seven is unlucky" }])).rejects.toThrow(
      /^arithmetic worker failed on value 7: Error: seven is unlucky\n\s+at /,
    );
  }, 60_000);

  it("a thread that exits mid-job rejects with its exit code and the job", async () => {
    await expect(start(1).map([{ value: 5, exits: 3 }])).rejects.toThrow(
      "arithmetic worker exited with code 3 on value 5",
    );
  }, 60_000);

  it("no jobs: no thread is started, and the answers are empty", async () => {
    expect(await start(2).map([])).toEqual([]);
  });
});
