/**
 * Measurement 5b: a tenant's first request (the Worker Loader runs getCode and compiles the tenant's modules) against
 * later ones (the isolate is cached), timed from the host through the dispatcher (`GET /state` with x-tenant-id).
 * The dispatcher itself is warmed first with another tenant, so only the tenant's load is in the cold figure.
 * Emulator: cold with its compile caches cleared; a new tenant whose modules are already compiled (only config.js
 * differs); warm; and reload after an eviction. Workerd: cold and warm (a fresh workerd per run).
 */
import { clearCompileCaches } from "../../emulator/testing.ts";
import type { RowInput } from "../lib/result.ts";
import { median } from "../lib/stats.ts";
import { EMULATOR_RUNS, WORKERD_RUNS, type Workload } from "./context.ts";
import { EmulatorHarness } from "./emulator-harness.ts";
import { onFreshWorkerd } from "./workerd-harness.ts";

const WARM_REQUESTS = 10;

async function timed(f: () => Promise<{ status: number; body: unknown }>): Promise<number> {
  const started = performance.now();
  const response = await f();
  const ms = performance.now() - started;
  if (response.status !== 200)
    throw new Error(`tenant-load: request failed: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return ms;
}

async function warmMedian(f: () => Promise<{ status: number; body: unknown }>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < WARM_REQUESTS; i++) samples.push(await timed(f));
  return median(samples);
}

let seq = 0;

export const tenantLoadWorkload: Workload = {
  name: "tenant-load",
  async run(ctx) {
    const emu = { cold: [] as number[], sameCode: [] as number[], warm: [] as number[], evicted: [] as number[] };
    const runs = ctx.runs(EMULATOR_RUNS);
    for (let run = 1; run <= runs; run++) {
      const cold = `cold-${process.pid}-${++seq}`;
      const twin = `twin-${process.pid}-${seq}`;
      const h = await EmulatorHarness.start(["warmup", cold, twin]);
      try {
        await h.warm(["warmup"]);
        clearCompileCaches();
        emu.cold.push(await timed(() => h.client.request(cold, "/state")));
        emu.sameCode.push(await timed(() => h.client.request(twin, "/state")));
        emu.warm.push(await warmMedian(() => h.client.request(cold, "/state")));
        h.emulator.evict();
        emu.evicted.push(await timed(() => h.client.request(cold, "/state")));
        ctx.progress(
          `tenant-load: emulator run ${run}/${runs}: cold ${emu.cold.at(-1)!.toFixed(2)} ms, warm ${emu.warm.at(-1)!.toFixed(2)} ms`,
        );
      } finally {
        await h.dispose();
      }
    }
    const wd = { cold: [] as number[], warm: [] as number[] };
    if (ctx.options.workerd) {
      const wdRuns = ctx.runs(WORKERD_RUNS);
      for (let run = 1; run <= wdRuns; run++) {
        const { cold, warm } = await onFreshWorkerd(
          ["warmup", "cold"],
          async (target) => {
            await target.request("warmup", "/state");
            const cold = await timed(() => target.request("cold", "/state"));
            return { cold, warm: await warmMedian(() => target.request("cold", "/state")) };
          },
          (error) =>
            ctx.progress(
              `tenant-load: workerd run ${run}/${wdRuns} failed, retrying once on a fresh workerd: ${String(error)}`,
            ),
        );
        wd.cold.push(cold);
        wd.warm.push(warm);
        ctx.progress(
          `tenant-load: workerd run ${run}/${wdRuns}: cold ${cold.toFixed(2)} ms, warm ${warm.toFixed(2)} ms`,
        );
      }
    }
    const m = "tenant-load";
    const skipped = ctx.options.workerd ? undefined : "skipped (--no-workerd)";
    const rows: RowInput[] = [
      {
        measurement: m,
        metric: "first request, cold (compile caches cleared)",
        target: "emulator",
        unit: "ms",
        samples: emu.cold,
      },
      {
        measurement: m,
        metric: "first request, modules already compiled",
        target: "emulator",
        unit: "ms",
        samples: emu.sameCode,
      },
      { measurement: m, metric: "first request after eviction", target: "emulator", unit: "ms", samples: emu.evicted },
      {
        measurement: m,
        metric: `warm request (median of ${WARM_REQUESTS})`,
        target: "emulator",
        unit: "ms",
        samples: emu.warm,
      },
      { measurement: m, metric: "first request, cold", target: "workerd", unit: "ms", samples: wd.cold, note: skipped },
      {
        measurement: m,
        metric: `warm request (median of ${WARM_REQUESTS})`,
        target: "workerd",
        unit: "ms",
        samples: wd.warm,
        note: skipped,
      },
    ];
    return rows;
  },
};
