/**
 * `npm run bench`: runs the measurements (bench/workloads/), prints one table, writes the JSON report.
 * `npm run bench -- --help` for the options; docs/benchmarks.md for what every number means.
 */
import { HELP, MEASUREMENTS, parseArgs, runsFor } from "./lib/args.ts";
import { renderTable } from "./lib/format.ts";
import { describeMachine, machineInfo } from "./lib/machine.ts";
import { progress } from "./lib/progress.ts";
import { buildReport, writeReport, type BenchReport } from "./lib/report.ts";
import { shapeRow, type Row } from "./lib/result.ts";
import type { Workload, WorkloadContext } from "./workloads/context.ts";
import { crashWorkload } from "./workloads/crash.ts";
import { exploreWorkload } from "./workloads/explore.ts";
import { fuzzWorkload } from "./workloads/fuzz.ts";
import { longSleepWorkload } from "./workloads/long-sleep.ts";
import { referenceWorkload } from "./workloads/reference.ts";
import { scaleWorkload } from "./workloads/scale.ts";
import { tenantLoadWorkload } from "./workloads/tenant-load.ts";

const WORKLOADS: Record<(typeof MEASUREMENTS)[number], Workload> = {
  reference: referenceWorkload,
  "long-sleep": longSleepWorkload,
  fuzz: fuzzWorkload,
  scale: scaleWorkload,
  crash: crashWorkload,
  "tenant-load": tenantLoadWorkload,
  explore: exploreWorkload,
};

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n\n${HELP}`);
    return 2;
  }
  const { options } = parsed;
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const started = performance.now();
  const machine = machineInfo();
  const selected = options.only.length > 0 ? options.only : [...MEASUREMENTS];
  progress(`machine: ${describeMachine(machine)}`);
  progress(`measurements: ${selected.join(", ")}${options.quick ? " (quick)" : ""}`);
  const ctx: WorkloadContext = { options, runs: (d) => runsFor(options, d), progress };
  const rows: Row[] = [];
  const errors: BenchReport["errors"] = [];
  for (const name of selected) {
    const t0 = performance.now();
    progress(`${name}: start`);
    try {
      rows.push(...(await WORKLOADS[name].run(ctx)).map(shapeRow));
      progress(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push({ measurement: name, error: message });
      progress(`${name}: FAILED: ${message}`);
    }
  }
  const durationMs = performance.now() - started;
  const report = buildReport(machine, options, rows, errors, durationMs);
  await writeReport(options.out, report);
  process.stdout.write(`\n${describeMachine(machine)}\n\n${renderTable(rows)}\n`);
  if (errors.length > 0) {
    process.stdout.write(
      `\nFailed measurements (${errors.length}):\n${errors.map((e) => `  ${e.measurement}: ${e.error.split("\n")[0]}`).join("\n")}\n`,
    );
  }
  process.stdout.write(`\nTook ${(durationMs / 1000).toFixed(0)} s. Report: ${options.out}\n`);
  return errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
