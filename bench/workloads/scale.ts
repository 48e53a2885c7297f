/**
 * Measurement 4, scale: 100 / 1,000 / 10,000 concurrent sleeping instances on the emulator, each size in a fresh
 * child process (scale-child.ts) so memory peaks never mix. Wall time and memory, totals and per instance, so
 * linearity shows: per-instance figures that stay flat as the size grows are linear.
 */
import { fileURLToPath } from "node:url";
import { runTsChild } from "../lib/child.ts";
import type { RowInput } from "../lib/result.ts";
import type { Workload } from "./context.ts";
import type { ScaleSample } from "./scale-child.ts";

const SIZES = [100, 1_000, 10_000];
const QUICK_SIZES = [100, 1_000];
const SCALE_RUNS = 3;
const CHILD = fileURLToPath(new URL("./scale-child.ts", import.meta.url));
const MB = 1e6;

export const scaleWorkload: Workload = {
  name: "scale",
  async run(ctx) {
    const sizes = ctx.options.quick ? QUICK_SIZES : SIZES;
    const runs = ctx.runs(SCALE_RUNS);
    const rows: RowInput[] = [];
    for (const size of sizes) {
      const samples: ScaleSample[] = [];
      for (let run = 1; run <= runs; run++) {
        const s = await runTsChild<ScaleSample>(CHILD, [String(size)], { nodeFlags: ["--expose-gc"] });
        const asleep = s.asleepStatuses.waiting ?? 0;
        if (asleep !== size)
          throw new Error(
            `scale ${size}: expected every instance waiting (asleep), got ${JSON.stringify(s.asleepStatuses)}`,
          );
        samples.push(s);
        ctx.progress(
          `scale ${size}: run ${run}/${runs}: asleep in ${s.asleepMs.toFixed(0)} ms, woken and complete in ${s.wakeMs.toFixed(0)} ms, peak RSS ${(s.peakRssBytes / MB).toFixed(0)} MB`,
        );
      }
      const m = "scale";
      const n = size.toLocaleString("en-US");
      const each = (f: (s: ScaleSample) => number) => samples.map(f);
      rows.push(
        {
          measurement: m,
          metric: `${n}: wall, create → all asleep → all complete`,
          target: "emulator",
          unit: "ms",
          samples: each((s) => s.asleepMs + s.wakeMs),
        },
        {
          measurement: m,
          metric: `${n}: wall per instance`,
          target: "emulator",
          unit: "ms",
          samples: each((s) => (s.asleepMs + s.wakeMs) / size),
        },
        {
          measurement: m,
          metric: `${n}: peak RSS`,
          target: "emulator",
          unit: "MB",
          samples: each((s) => s.peakRssBytes / MB),
          goal: size === 10_000 ? { label: "< 300 MB", op: "<", value: 300 } : undefined,
        },
        {
          // The goal judged twice: on the process holding the 10,000 sleeping instances (this row), and, stricter, on
          // the peak while 1,000 creates at a time are in flight (the row above).
          measurement: m,
          metric: `${n}: RSS with all asleep, after GC`,
          target: "emulator",
          unit: "MB",
          samples: each((s) => s.asleepRssBytes / MB),
          goal: size === 10_000 ? { label: "< 300 MB", op: "<", value: 300 } : undefined,
        },
        {
          measurement: m,
          metric: `${n}: peak heap used`,
          target: "emulator",
          unit: "MB",
          samples: each((s) => s.peakHeapBytes / MB),
        },
        {
          measurement: m,
          metric: `${n}: heap retained per sleeping instance`,
          target: "emulator",
          unit: "KB",
          samples: each((s) => (s.asleepHeapBytes - s.baselineHeapBytes) / size / 1e3),
        },
      );
    }
    if (!sizes.includes(10_000)) {
      rows.push({
        measurement: "scale",
        metric: "10,000: peak RSS",
        target: "emulator",
        unit: "MB",
        samples: [],
        goal: { label: "< 300 MB", op: "<", value: 300 },
        note: "not run with --quick",
      });
    }
    return rows;
  },
};
