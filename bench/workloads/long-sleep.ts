/**
 * Measurement 2: the reference workflow with a 30-day sleep, on the emulator. Virtual time jumps the sleep, so what
 * is left is the cost of running two steps, hibernating, and reloading the tenant through the dispatcher on wake.
 * Reported for one instance at a time (the goal: < 5 ms wall) and per instance in a batch of 200.
 */
import { median } from "../lib/stats.ts";
import type { RowInput } from "../lib/result.ts";
import { EMULATOR_RUNS, type Workload } from "./context.ts";
import { EmulatorHarness } from "./emulator-harness.ts";
import { stepSleepStep, tenantOf, TWO_TENANTS } from "./plans.ts";

const SINGLES_PER_RUN = 10;
const BATCH = 200;

export const longSleepWorkload: Workload = {
  name: "long-sleep",
  async run(ctx) {
    const plan = stepSleepStep("30 days");
    const batch = ctx.options.quick ? 40 : BATCH;
    const single: number[] = [];
    const perInstance: number[] = [];
    const runs = ctx.runs(EMULATOR_RUNS);
    // Run 0 is a warm-up (JIT, module caches), discarded.
    for (let run = 0; run <= runs; run++) {
      const h = await EmulatorHarness.start(TWO_TENANTS);
      try {
        await h.warm(TWO_TENANTS);
        const singles: number[] = [];
        for (let i = 0; i < SINGLES_PER_RUN; i++) {
          const started = performance.now();
          const created = await h.createMany(1, plan, () => tenantOf(i));
          await h.emulator.runUntilIdle();
          singles.push(performance.now() - started);
          await h.expectAll(created, "complete", "30-day sleep (one instance)");
        }
        const started = performance.now();
        const created = await h.createMany(batch, plan, (i) => tenantOf(i));
        await h.emulator.runUntilIdle();
        const wallMs = performance.now() - started;
        await h.expectAll(created, "complete", "30-day sleep (batch)");
        if (run === 0) continue;
        single.push(median(singles));
        perInstance.push(wallMs / batch);
        ctx.progress(
          `long-sleep: run ${run}/${runs}: one instance ${median(singles).toFixed(2)} ms; ${batch} instances ${wallMs.toFixed(0)} ms`,
        );
      } finally {
        await h.dispose();
      }
    }
    const measurement = "long-sleep";
    const cannot = "not measurable: local workerd has no virtual time, a 30-day sleep takes 30 days";
    const rows: RowInput[] = [
      {
        measurement,
        metric: "wall per instance, 30-day sleep, one at a time",
        target: "emulator",
        unit: "ms",
        samples: single,
        goal: { label: "< 5 ms", op: "<", value: 5 },
      },
      {
        measurement,
        metric: `wall per instance, 30-day sleep, ${batch} at once`,
        target: "emulator",
        unit: "ms",
        samples: perInstance,
      },
      {
        measurement,
        metric: "wall per instance, 30-day sleep",
        target: "workerd",
        unit: "ms",
        samples: [],
        note: cannot,
      },
    ];
    return rows;
  },
};
