/**
 * One size of the scale measurement, alone in its process so memory peaks do not mix (run by scale.ts as
 * `node --expose-gc --import tsx bench/workloads/scale-child.ts <instances>`). Creates the instances through the
 * dispatcher (1,000 requests at a time), lets them all fall asleep (1 hour), wakes them and runs them to completion
 * in virtual time. Prints one JSON line (ScaleSample) on stdout.
 */
import { EmulatorHarness } from "./emulator-harness.ts";
import { stepSleepStep, tenantOf, TWO_TENANTS } from "./plans.ts";

export interface ScaleSample {
  instances: number;
  /** Create every instance and let each run its first step and fall asleep. */
  asleepMs: number;
  /** Wake every instance (virtual time jumps 1 hour) and run it to completion. */
  wakeMs: number;
  /** The process after the emulator is ready and the tenants warm, after GC. */
  baselineRssBytes: number;
  baselineHeapBytes: number;
  /** After GC, with every instance asleep: what sleeping instances retain. */
  asleepHeapBytes: number;
  asleepRssBytes: number;
  /** Peaks over the whole run (RSS from the kernel's max resident set size; heap sampled every 10 ms and at phase ends). */
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Status counts with every instance asleep. */
  asleepStatuses: Record<string, number>;
}

const WAVE = 1000;

async function main(): Promise<void> {
  const instances = Number(process.argv[2]);
  if (!Number.isInteger(instances) || instances < 1)
    throw new Error(`usage: scale-child.ts <instances>, got ${process.argv[2]}`);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const h = await EmulatorHarness.start(TWO_TENANTS);
  await h.warm(TWO_TENANTS);
  gc();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sample, 10);

  const plan = stepSleepStep("1 hour");
  const t0 = performance.now();
  const created = await h.createMany(instances, plan, (i) => tenantOf(i), WAVE);
  await h.emulator.time.advance(0);
  const asleepMs = performance.now() - t0;
  sample();
  const asleepStatuses = await h.statusCounts(created);
  gc();
  const asleep = process.memoryUsage();

  const t1 = performance.now();
  await h.emulator.runUntilIdle();
  const wakeMs = performance.now() - t1;
  sample();
  clearInterval(sampler);
  await h.expectAll(created, "complete", `scale ${instances}`);

  const result: ScaleSample = {
    instances,
    asleepMs,
    wakeMs,
    baselineRssBytes: baseline.rss,
    baselineHeapBytes: baseline.heapUsed,
    asleepHeapBytes: asleep.heapUsed,
    asleepRssBytes: asleep.rss,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapBytes: peakHeap,
    asleepStatuses,
  };
  await h.dispose();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
