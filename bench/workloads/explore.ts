/**
 * Measurement: `dwc explore` throughput (simulation/explore/). Two rows:
 * - systematic exploration of the shipped 5-step replay-safe workflow (examples/explore-workflows/replay-safe: five
 *   steps, one sleep, one event wait): the fault-free run and every systematic schedule (crash before/after each
 *   commit, an eviction after each step, a hibernation and a redeploy at each wait: 19 schedules), wall time per
 *   exploration;
 * - random exploration: schedules per second, one thread (fast-check, 2–4 faults per schedule).
 * Each schedule runs on a fresh emulator (dispatcher and tenant isolates started anew), which is what bounds both.
 * Both again with `workers: 2` (schedule-pool.ts: the schedules run on two worker threads, judged in this one), the
 * pool's start-up included as `dwc explore --workers 2` pays it; the per-thread rate is the total over the workers.
 * And where the 1-thread rate goes: the fresh realms (vm contexts) a random schedule makes, the wall time making them
 * takes per schedule (against the 5 ms a whole schedule may take at 200 schedules/s), and the rest of its wall time.
 */
import { readFileSync } from "node:fs";
import { realmCreation } from "../../emulator/testing.ts";
import { explore } from "../../simulation/explore/explore.ts";
import type { ExploreWorkflow } from "../../simulation/explore/explore-result.ts";
import { EMULATOR_RUNS, type Workload } from "./context.ts";

const SOURCE = readFileSync(new URL("../../examples/explore-workflows/replay-safe/index.js", import.meta.url), "utf8");
const RANDOM_RUNS = 100;
const QUICK_RANDOM_RUNS = 20;
const POOL_WORKERS = 2;

const ORDER: ExploreWorkflow = {
  name: "replay-safe",
  tenant: "acme",
  className: "OrderWorkflow",
  code: { codeVersion: "v1", compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": SOURCE } },
  inputs: [
    {
      name: "approved",
      params: { orderId: "o-1", amount: 42 },
      events: [{ type: "approval", payload: { by: "ann" }, atMs: 7_200_000 }],
    },
  ],
};

async function run(randomRuns: number, seed: number, workers = 1) {
  const result = await explore({
    workflows: [ORDER],
    profile: "production",
    seed,
    randomRuns,
    replayPrefix: "bench",
    workers,
  });
  const [found] = result.cases;
  if (found.verdict !== "passed")
    throw new Error(`explore found something in the replay-safe workflow: ${JSON.stringify(found.findings[0])}`);
  return found;
}

export const exploreWorkload: Workload = {
  name: "explore",
  async run(ctx) {
    const runs = ctx.runs(EMULATOR_RUNS);
    const randomRuns = ctx.options.quick ? QUICK_RANDOM_RUNS : RANDOM_RUNS;
    await run(0, 1); // warm-up, discarded
    const systematicMs: number[] = [];
    const randomRates: number[] = [];
    const poolSystematicMs: number[] = [];
    const poolRates: number[] = [];
    const realmsPerSchedule: number[] = [];
    const realmMsPerSchedule: number[] = [];
    const restMsPerSchedule: number[] = [];
    let schedules = 0;
    for (let i = 1; i <= runs; i++) {
      for (const workers of [1, POOL_WORKERS]) {
        const t0 = performance.now();
        schedules = (await run(0, i, workers)).exercised.schedules;
        const sysMs = performance.now() - t0;
        const t1 = performance.now();
        const realms = realmCreation();
        const random = await run(randomRuns, 100 + i, workers);
        const randomMs = performance.now() - t1; // the whole case: the fault-free run and the systematic schedules too
        if (workers === 1) {
          // Realms made in this thread: with worker threads they are made in the workers, out of sight.
          const made = realmCreation();
          realmsPerSchedule.push((made.created - realms.created) / random.exercised.schedules);
          realmMsPerSchedule.push((made.ms - realms.ms) / random.exercised.schedules);
          restMsPerSchedule.push((randomMs - (made.ms - realms.ms)) / random.exercised.schedules);
        }
        (workers === 1 ? systematicMs : poolSystematicMs).push(sysMs);
        (workers === 1 ? randomRates : poolRates).push((1000 * random.exercised.schedules) / randomMs);
        ctx.progress(
          `explore: run ${i}/${runs}, ${workers} thread(s): systematic ${schedules} schedules in ${sysMs.toFixed(0)} ms; ${random.exercised.schedules} schedules (${random.random.runs} random) in ${randomMs.toFixed(0)} ms`,
        );
      }
    }
    const perThread = poolRates.map((r) => r / POOL_WORKERS);
    return [
      {
        measurement: "explore",
        metric: `systematic exploration, 5-step workflow (${schedules} schedules incl. the fault-free run)`,
        target: "emulator",
        unit: "ms",
        samples: systematicMs,
        goal: { label: "< 1000 ms", op: "<", value: 1000 },
      },
      {
        measurement: "explore",
        metric: `exploration schedules/s, 1 thread (${randomRuns} random + the systematic ones)`,
        target: "emulator",
        unit: "/s",
        samples: randomRates,
        goal: { label: "≥ 200/s", op: ">=", value: 200 },
      },
      {
        measurement: "explore",
        metric: "fresh realms per schedule, 1 thread (a vm context per isolate started)",
        target: "emulator",
        unit: "",
        samples: realmsPerSchedule,
      },
      {
        measurement: "explore",
        metric: "realm creation per schedule, 1 thread (the floor: 200/s leaves 5 ms for everything)",
        target: "emulator",
        unit: "ms",
        samples: realmMsPerSchedule,
        goal: { label: "< 5 ms", op: "<", value: 5 },
        note: realmMsPerSchedule.map((ms, i) => `${(ms / realmsPerSchedule[i]).toFixed(2)} ms a realm`).join(", "),
      },
      {
        measurement: "explore",
        metric: "the rest of a schedule, 1 thread (dispatcher, library, engine, requests, oracles, GC)",
        target: "emulator",
        unit: "ms",
        samples: restMsPerSchedule,
      },
      {
        measurement: "explore",
        metric: `systematic exploration, ${POOL_WORKERS} worker threads (pool start-up included)`,
        target: "emulator",
        unit: "ms",
        samples: poolSystematicMs,
        goal: { label: "< 1000 ms", op: "<", value: 1000 },
      },
      {
        measurement: "explore",
        metric: `exploration schedules/s, ${POOL_WORKERS} worker threads, total`,
        target: "emulator",
        unit: "/s",
        samples: poolRates,
        note: `per thread: ${perThread.map((r) => r.toFixed(1)).join(", ")} /s`,
      },
    ];
  },
};
