/** What every workload gets from the CLI, and what it gives back. */
import type { BenchOptions } from "../lib/args.ts";
import type { RowInput } from "../lib/result.ts";

export interface WorkloadContext {
  options: BenchOptions;
  /** Runs for a measurement whose full-run default is `defaultRuns`. */
  runs(defaultRuns: number): number;
  progress(message: string): void;
}

export interface Workload {
  name: string;
  /** Whether it uses workerd at all (skipped parts are reported as rows with a note). */
  run(ctx: WorkloadContext): Promise<RowInput[]>;
}

/** Emulator measurements are cheap: 5 runs. Workerd ones run in real time: 3. */
export const EMULATOR_RUNS = 5;
export const WORKERD_RUNS = 3;
