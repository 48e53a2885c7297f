/**
 * Fuzzing on every core: a long run is cut into batches — batch b has seed `seed + b` and `batchSize` scenarios,
 * whatever the number of workers, so a seed names the same scenarios on any machine — and the batches are spread
 * over worker threads, each with its own heap and realms. A violation is reported with its batch's seed and path,
 * so its replay command is the same as in a single-threaded run.
 *
 * Why threads: one scenario is mostly `vm` context creation and garbage collection, both bound to one thread;
 * scenarios are independent, so throughput grows with cores (docs/benchmarks.md).
 */
import { availableParallelism } from "node:os";
import { fuzz, type FuzzFailure, type FuzzOptions, type FuzzResult } from "./fuzz.ts";
import { emptyStats, mergeStats, vacuity, type FuzzStats } from "./fuzz-stats.ts";
import { WorkerPool } from "./lib/worker-pool.ts";

export interface PoolOptions extends Omit<FuzzOptions, "runs" | "seed" | "path" | "timeLimitMs"> {
  runs: number;
  seed: number;
  /** Scenarios per batch (one seed each). */
  batchSize: number;
  /** Worker threads; 1 runs the batches in this thread. Default: the machine's available parallelism. */
  workers?: number;
  /** No batch is started after this time (Date.now() ms); a running one stops generating at it. */
  deadline?: number;
  /** After each batch, in completion order. */
  onBatch?: (progress: { done: number; batch: number; seed: number; result: FuzzResult }) => void;
}

export interface PoolResult {
  runs: number;
  ok: boolean;
  /** The violation of the lowest-numbered failing batch among those run. */
  failure?: FuzzFailure;
  durationMs: number;
  workers: number;
  /** Summed over the batches. */
  stats: FuzzStats;
  /** Why the whole run tested nothing of some kind (judged over all batches); empty when fine. */
  vacuity: string[];
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function fuzzInPool(options: PoolOptions): Promise<PoolResult> {
  const started = performance.now();
  const workers = Math.max(
    1,
    Math.min(options.workers ?? defaultWorkers(), Math.ceil(options.runs / options.batchSize)),
  );
  const batches = Math.ceil(options.runs / options.batchSize);
  const deadline = options.deadline ?? Infinity;
  const base: FuzzOptions = {
    profile: options.profile,
    dispatcher: options.dispatcher,
    ...(options.subject ? { subject: options.subject } : {}),
    replayPrefix: options.replayPrefix,
    runs: 0,
    seed: 0,
  };
  let next = 0;
  let done = 0;
  const stats = emptyStats();
  const failures: Array<{ batch: number; failure: FuzzFailure }> = [];

  const batchOptions = (batch: number): FuzzOptions => ({
    ...base,
    seed: options.seed + batch,
    runs: Math.min(options.batchSize, options.runs - batch * options.batchSize),
    timeLimitMs: Number.isFinite(deadline) ? Math.max(1, deadline - Date.now()) : undefined,
  });
  // Stop handing out batches after a violation or the deadline; batches already running finish.
  const more = () => next < batches && failures.length === 0 && Date.now() < deadline;
  const record = (batch: number, result: FuzzResult) => {
    done += result.runs;
    mergeStats(stats, result.stats);
    if (!result.ok && result.failure) failures.push({ batch, failure: result.failure });
    options.onBatch?.({ done, batch, seed: options.seed + batch, result });
  };

  if (workers === 1) {
    while (more()) {
      const batch = next++;
      record(batch, await fuzz(batchOptions(batch)));
    }
  } else {
    const pool = new WorkerPool<FuzzOptions, FuzzResult>({
      // From the sources, a JavaScript entry that registers tsx in the thread; from the compiled package, the
      // compiled worker itself (no TypeScript loader there).
      entry: new URL(import.meta.url.endsWith(".ts") ? "./fuzz-worker.mjs" : "./fuzz-worker.js", import.meta.url),
      size: workers,
      name: "fuzz",
      during: (batch) => `during batch seed ${batch.seed}`,
    });
    const take = () => {
      if (!more()) return undefined;
      const batch = next++;
      return { job: batchOptions(batch), answered: (result: FuzzResult) => record(batch, result) };
    };
    try {
      await pool.drain(take);
    } finally {
      await pool.close();
    }
  }
  failures.sort((a, b) => a.batch - b.batch);
  return {
    runs: done,
    ok: failures.length === 0,
    failure: failures[0]?.failure,
    durationMs: performance.now() - started,
    workers,
    stats,
    vacuity: vacuity(stats),
  };
}
