/**
 * Measurement 3: fuzz throughput — scenarios per second of the property suite on the emulator (production profile),
 * through its own API (simulation/fuzz.ts): each scenario a fresh emulator, 3 tenants, up to 5 instances,
 * random time, events, evictions, crashes and loader failures, then the invariants. Two rows: one thread (what a
 * scenario costs), and the worker-thread pool `npm run fuzz` uses (simulation/fuzz-pool.ts; what a run on
 * this machine's cores gets, worker start-up included).
 */
import { fuzz } from "../../simulation/fuzz.ts";
import { defaultWorkers, fuzzInPool } from "../../simulation/fuzz-pool.ts";
import { EMULATOR_RUNS, type Workload } from "./context.ts";

const SCENARIOS = 100;
const QUICK_SCENARIOS = 20;
/**
 * The pool's runs are larger so that starting the threads (tsx and the modules in each, about a second) and their
 * cold JIT do not dominate: measured, 400 scenarios a run gave less than one thread, 3,000 gave 1.75× on 2 cores.
 */
const POOL_SCENARIOS = 2000;
const POOL_RUNS = 3;
const QUICK_POOL_SCENARIOS = 40;
/** A run stops generating after this long; the scenarios done so far count (fuzz's own time limit). */
const RUN_TIME_LIMIT_MS = 30_000;
const GOAL = { label: "≥ 500/s", op: ">=", value: 500 } as const;

export const fuzzWorkload: Workload = {
  name: "fuzz",
  async run(ctx) {
    const scenarios = ctx.options.quick ? QUICK_SCENARIOS : SCENARIOS;
    const poolScenarios = ctx.options.quick ? QUICK_POOL_SCENARIOS : POOL_SCENARIOS;
    const workers = defaultWorkers();
    const rates: number[] = [];
    const poolRates: number[] = [];
    const runs = ctx.runs(EMULATOR_RUNS);
    await fuzz({ profile: "production", runs: 5, seed: 999 }); // warm-up, discarded
    const poolRuns = Math.min(runs, ctx.runs(POOL_RUNS));
    for (let run = 1; run <= runs; run++) {
      const result = await fuzz({
        profile: "production",
        runs: scenarios,
        seed: 1000 + run,
        timeLimitMs: RUN_TIME_LIMIT_MS,
      });
      if (!result.ok)
        throw new Error(
          `fuzz found a violation while benchmarking (seed ${1000 + run}): ${result.failure?.violations.join("; ")}`,
        );
      rates.push((result.runs / result.durationMs) * 1000);
      ctx.progress(
        `fuzz: run ${run}/${runs}: ${result.runs} scenarios in ${result.durationMs.toFixed(0)} ms (1 thread)`,
      );

      if (run > poolRuns) continue;
      const seed = 2000 + run * 100;
      const pooled = await fuzzInPool({
        profile: "production",
        runs: poolScenarios,
        seed,
        batchSize: poolScenarios / (workers * 2),
        workers,
        deadline: Date.now() + RUN_TIME_LIMIT_MS,
      });
      if (!pooled.ok)
        throw new Error(
          `fuzz found a violation while benchmarking (seed ${pooled.failure?.seed}): ${pooled.failure?.violations.join("; ")}`,
        );
      poolRates.push((pooled.runs / pooled.durationMs) * 1000);
      ctx.progress(
        `fuzz: run ${run}/${runs}: ${pooled.runs} scenarios in ${pooled.durationMs.toFixed(0)} ms (${workers} worker threads)`,
      );
    }
    return [
      {
        measurement: "fuzz",
        metric: `scenarios/s, 1 thread (up to ${scenarios} per run)`,
        target: "emulator",
        unit: "/s",
        samples: rates,
        goal: GOAL,
      },
      {
        measurement: "fuzz",
        metric: `scenarios/s, ${workers} worker threads (up to ${poolScenarios} per run)`,
        target: "emulator",
        unit: "/s",
        samples: poolRates,
        goal: GOAL,
      },
    ];
  },
};
