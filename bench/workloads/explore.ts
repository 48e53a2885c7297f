/**
 * Measurement: `dwc explore` throughput (simulation/explore/). Two rows:
 * - systematic exploration of the shipped 5-step replay-safe workflow (examples/explore-workflows/replay-safe: five
 *   steps, one sleep, one event wait): the fault-free run and every systematic schedule (crash before/after each
 *   commit, an eviction after each step, a hibernation at each wait: 17 schedules), wall time per exploration;
 * - random exploration: schedules per second, one thread (fast-check, 2–4 faults per schedule).
 * Each schedule runs on a fresh emulator (dispatcher and tenant isolates started anew), which is what bounds both.
 */
import { readFileSync } from "node:fs";
import { explore } from "../../simulation/explore/explore.ts";
import type { ExploreWorkflow } from "../../simulation/explore/explore-result.ts";
import { EMULATOR_RUNS, type Workload } from "./context.ts";

const SOURCE = readFileSync(new URL("../../examples/explore-workflows/replay-safe/index.js", import.meta.url), "utf8");
const RANDOM_RUNS = 100;
const QUICK_RANDOM_RUNS = 20;

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

async function run(randomRuns: number, seed: number) {
  const result = await explore({ workflows: [ORDER], profile: "production", seed, randomRuns, replayPrefix: "bench" });
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
    let schedules = 0;
    for (let i = 1; i <= runs; i++) {
      const t0 = performance.now();
      schedules = (await run(0, i)).exercised.schedules;
      systematicMs.push(performance.now() - t0);
      const t1 = performance.now();
      const random = await run(randomRuns, 100 + i);
      const randomMs = performance.now() - t1; // the whole case: the fault-free run and the systematic schedules too
      const perSchedule = randomMs / random.exercised.schedules;
      randomRates.push(1000 / perSchedule);
      ctx.progress(
        `explore: run ${i}/${runs}: systematic ${schedules} schedules in ${systematicMs.at(-1)!.toFixed(0)} ms; ${random.exercised.schedules} schedules (${random.random.runs} random) in ${randomMs.toFixed(0)} ms`,
      );
    }
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
    ];
  },
};
