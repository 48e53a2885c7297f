/** The JSON report (`reports/bench.json` by default): machine, options, every row with its samples and summary. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { BenchOptions } from "./args.ts";
import type { MachineInfo } from "./machine.ts";
import type { Row } from "./result.ts";

export interface BenchReport {
  version: 1;
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  options: { quick: boolean; runs: number | null; only: string[]; workerd: boolean };
  rows: Row[];
  /** Measurements that threw, with the error: their rows are missing. */
  errors: Array<{ measurement: string; error: string }>;
}

export function buildReport(
  machine: MachineInfo,
  options: BenchOptions,
  rows: Row[],
  errors: BenchReport["errors"],
  durationMs: number,
): BenchReport {
  return {
    version: 1,
    startedAt: machine.date,
    durationMs: Math.round(durationMs),
    machine,
    options: { quick: options.quick, runs: options.runs, only: options.only, workerd: options.workerd },
    rows,
    errors,
  };
}

export async function writeReport(file: string, report: BenchReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
