/**
 * Measurement 5a: the cost of a crash and recovery with N instances in flight (asleep, 1 s). Each run times the same
 * workload twice, on fresh emulators: wake and complete N sleeping instances (runUntilIdle), once after
 * `crash()` — every execution, timer and isolate dropped; every instance replayed from its durable record, the
 * tenant reloaded through the dispatcher — and once without. The difference is what the crash cost.
 */
import type { RowInput } from "../lib/result.ts";
import { EMULATOR_RUNS, type Workload } from "./context.ts";
import { EmulatorHarness } from "./emulator-harness.ts";
import { stepSleepStep, tenantOf, TWO_TENANTS } from "./plans.ts";

const SIZES = [10, 100, 1_000];
const QUICK_SIZES = [10, 100];

async function timeCompletion(size: number, crash: boolean): Promise<number> {
  const h = await EmulatorHarness.start(TWO_TENANTS);
  try {
    await h.warm(TWO_TENANTS);
    const created = await h.createMany(size, stepSleepStep("1 second"), (i) => tenantOf(i), 1000);
    await h.emulator.time.advance(0);
    const started = performance.now();
    if (crash) h.emulator.crash();
    await h.emulator.runUntilIdle();
    const ms = performance.now() - started;
    await h.expectAll(created, "complete", `crash ${size} (${crash ? "with" : "without"} a crash)`);
    return ms;
  } finally {
    await h.dispose();
  }
}

export const crashWorkload: Workload = {
  name: "crash",
  async run(ctx) {
    const sizes = ctx.options.quick ? QUICK_SIZES : SIZES;
    const runs = ctx.runs(EMULATOR_RUNS);
    const rows: RowInput[] = [];
    await timeCompletion(sizes[0], true); // warm-up, discarded
    await timeCompletion(sizes[0], false);
    for (const size of sizes) {
      const withCrash: number[] = [];
      const without: number[] = [];
      for (let run = 1; run <= runs; run++) {
        // Alternate the order, so a machine getting busier does not always hit the same side.
        if (run % 2) {
          withCrash.push(await timeCompletion(size, true));
          without.push(await timeCompletion(size, false));
        } else {
          without.push(await timeCompletion(size, false));
          withCrash.push(await timeCompletion(size, true));
        }
        ctx.progress(
          `crash ${size}: run ${run}/${runs}: ${withCrash.at(-1)!.toFixed(1)} ms with a crash, ${without.at(-1)!.toFixed(1)} ms without`,
        );
      }
      const n = size.toLocaleString("en-US");
      const m = "crash";
      rows.push(
        {
          measurement: m,
          metric: `${n} asleep: crash → all complete`,
          target: "emulator",
          unit: "ms",
          samples: withCrash,
        },
        {
          measurement: m,
          metric: `${n} asleep: no crash → all complete`,
          target: "emulator",
          unit: "ms",
          samples: without,
        },
        {
          measurement: m,
          metric: `${n} asleep: crash cost (with − without)`,
          target: "emulator",
          unit: "ms",
          samples: withCrash.map((w, i) => w - without[i]),
        },
        {
          measurement: m,
          metric: `${n} asleep: crash cost per instance`,
          target: "emulator",
          unit: "ms",
          samples: withCrash.map((w, i) => (w - without[i]) / size),
        },
      );
    }
    return rows;
  },
};
