/**
 * Measurement 1, the reference workload: a dynamic workflow of 2 steps with a sleep between them, 200 instances over
 * 2 tenants, created concurrently through the reference dispatcher — on the emulator (virtual time) and on local
 * workerd (real time). Once with a 1 s sleep (the goal: emulator/workerd ≥ 200), once with 1 ms, which shows the
 * ratio without the sleep's real time.
 */
import { median } from "../lib/stats.ts";
import type { RowInput } from "../lib/result.ts";
import { ratioRow } from "../lib/result.ts";
import { EMULATOR_RUNS, WORKERD_RUNS, type Workload, type WorkloadContext } from "./context.ts";
import { EmulatorHarness } from "./emulator-harness.ts";
import { stepSleepStep, tenantOf, TWO_TENANTS } from "./plans.ts";
import { createAndAwaitAll, onFreshWorkerd } from "./workerd-harness.ts";

const INSTANCES = 200;
const QUICK_INSTANCES = 40;
/** Measured: instances/s settles after about 6 runs of 200 in a fresh process (1,200 instances through the JIT). */
const WARM_UP_RUNS = 6;

interface Variant {
  label: string;
  duration: string | number;
  goal: boolean;
}

const VARIANTS: Variant[] = [
  { label: "1 s sleep", duration: "1 second", goal: true },
  { label: "1 ms sleep", duration: 1, goal: false },
];

export const referenceWorkload: Workload = {
  name: "reference",
  async run(ctx) {
    const count = ctx.options.quick ? QUICK_INSTANCES : INSTANCES;
    const rows: RowInput[] = [];
    for (const variant of VARIANTS) rows.push(...(await runVariant(ctx, variant, count)));
    return rows;
  },
};

async function runVariant(ctx: WorkloadContext, variant: Variant, count: number): Promise<RowInput[]> {
  const plan = stepSleepStep(variant.duration);
  const measurement = "reference";
  const emuRate: number[] = [];
  const emuLatency: number[] = [];
  const emuRuns = ctx.runs(EMULATOR_RUNS);
  // Runs below 1 are warm-ups (JIT, module caches), discarded: every emulator figure is a warm process's. It takes
  // a few hundred instances before the timings settle.
  for (let run = 1 - WARM_UP_RUNS; run <= emuRuns; run++) {
    const h = await EmulatorHarness.start(TWO_TENANTS);
    try {
      await h.warm(TWO_TENANTS);
      const started = performance.now();
      const created = await h.createMany(count, plan, (i) => tenantOf(i));
      await h.emulator.runUntilIdle();
      const wallMs = performance.now() - started;
      await h.expectAll(created, "complete", `reference (${variant.label}) on the emulator`);
      if (run < 1) continue;
      emuRate.push((count / wallMs) * 1000);
      const latencies = created.flatMap((c) => (h.completedAt.has(c.id) ? [h.completedAt.get(c.id)! - c.sentAt] : []));
      if (latencies.length === count) emuLatency.push(median(latencies));
      ctx.progress(
        `reference ${variant.label}: emulator run ${run}/${emuRuns}: ${count} instances in ${wallMs.toFixed(0)} ms`,
      );
    } finally {
      await h.dispose();
    }
  }

  const wdRate: number[] = [];
  const wdLatency: number[] = [];
  const wdRuns = ctx.runs(WORKERD_RUNS);
  const retries: string[] = [];
  if (ctx.options.workerd) {
    for (let run = 1; run <= wdRuns; run++) {
      const { wallMs, latenciesMs } = await onFreshWorkerd(
        TWO_TENANTS,
        async (target) => {
          for (const tenant of TWO_TENANTS) await target.request(tenant, "/state");
          return createAndAwaitAll(target, count, plan, (i) => tenantOf(i));
        },
        (error) => {
          retries.push(String(error));
          ctx.progress(
            `reference ${variant.label}: workerd run ${run}/${wdRuns} failed, retrying once on a fresh workerd: ${String(error)}`,
          );
        },
      );
      wdRate.push((count / wallMs) * 1000);
      wdLatency.push(median(latenciesMs));
      ctx.progress(
        `reference ${variant.label}: workerd run ${run}/${wdRuns}: ${count} instances in ${wallMs.toFixed(0)} ms`,
      );
    }
  }
  const skipped = !ctx.options.workerd
    ? "skipped (--no-workerd)"
    : retries.length > 0
      ? `${retries.length} workerd run(s) retried on a fresh workerd after: ${retries[0]}`
      : undefined;
  const what = `${count} instances, ${variant.label}`;
  const emuRateRow: RowInput = {
    measurement,
    metric: `instances/s (${what})`,
    target: "emulator",
    unit: "/s",
    samples: emuRate,
  };
  const wdRateRow: RowInput = {
    measurement,
    metric: `instances/s (${what})`,
    target: "workerd",
    unit: "/s",
    samples: wdRate,
    note: skipped,
  };
  return [
    emuRateRow,
    wdRateRow,
    ratioRow(
      {
        measurement,
        metric: `instances/s ratio (${variant.label})`,
        goal: variant.goal ? { label: "≥ 200", op: ">=", value: 200 } : undefined,
        note: skipped,
      },
      emuRateRow,
      wdRateRow,
    ),
    {
      measurement,
      metric: `median create→complete (${variant.label})`,
      target: "emulator",
      unit: "ms",
      samples: emuLatency,
      note: emuLatency.length === 0 ? "unavailable: the emulator's trace hook was not found" : undefined,
    },
    {
      measurement,
      metric: `median create→complete (${variant.label})`,
      target: "workerd",
      unit: "ms",
      samples: wdLatency,
      note: skipped,
    },
  ];
}
