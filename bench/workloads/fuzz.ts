/**
 * Measurement 3: fuzz throughput — scenarios per second of the property suite on the emulator (production profile),
 * through its own API (suites/properties/fuzz.ts): each scenario a fresh emulator, 3 tenants, up to 5 instances,
 * random time, events, evictions, crashes and loader failures, then the invariants.
 */
import { fuzz } from "../../suites/properties/fuzz.ts";
import { EMULATOR_RUNS, type Workload } from "./context.ts";

const SCENARIOS = 100;
const QUICK_SCENARIOS = 20;
/** A run stops generating after this long; the scenarios done so far count (fuzz's own time limit). */
const RUN_TIME_LIMIT_MS = 15_000;

export const fuzzWorkload: Workload = {
  name: "fuzz",
  async run(ctx) {
    const scenarios = ctx.options.quick ? QUICK_SCENARIOS : SCENARIOS;
    const rates: number[] = [];
    const runs = ctx.runs(EMULATOR_RUNS);
    await fuzz({ profile: "production", runs: 5, seed: 999 }); // warm-up, discarded
    for (let run = 1; run <= runs; run++) {
      const result = await fuzz({ profile: "production", runs: scenarios, seed: 1000 + run, timeLimitMs: RUN_TIME_LIMIT_MS });
      if (!result.ok) throw new Error(`fuzz found a violation while benchmarking (seed ${1000 + run}): ${result.failure?.violations.join("; ")}`);
      rates.push((result.runs / result.durationMs) * 1000);
      ctx.progress(`fuzz: run ${run}/${runs}: ${result.runs} scenarios in ${result.durationMs.toFixed(0)} ms`);
    }
    return [
      { measurement: "fuzz", metric: `scenarios/s (up to ${scenarios} per run)`, target: "emulator", unit: "/s", samples: rates, goal: { label: "≥ 500/s", op: ">=", value: 500 } },
    ];
  },
};
